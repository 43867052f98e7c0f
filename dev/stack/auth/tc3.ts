// Pieces of Tencent Cloud's TC3-HMAC-SHA256 shared by the two signatures the stack verifies: the
// CloudBase SDKs' (POST /admin, @cloudbase/signature-nodejs) and Cloud API v3's (POST /cloudapi,
// what @cloudbase/manager-node sends).
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface Credentials {
  secretId: string;
  secretKey: string;
}

/** Fresh credentials for one start of the stack. */
export function newCredentials(): Credentials {
  return { secretId: `AKIDlocal${randomBytes(12).toString("hex")}`, secretKey: randomBytes(24).toString("base64url") };
}

export interface Tc3Authorization {
  secretId: string;
  date: string;
  service: string;
  /** Only in the SDK's form: the request parameters that were hashed, in order. */
  signedParams?: string[];
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION =
  /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request,(?: SignedParams=([^,\s]*),)? SignedHeaders=([^,\s]+), Signature=([0-9a-f]{64})$/;

export function parseAuthorization(header: string | undefined): Tc3Authorization | undefined {
  const m = header ? AUTHORIZATION.exec(header) : null;
  if (!m) return undefined;
  return {
    secretId: m[1]!,
    date: m[2]!,
    service: m[3]!,
    signedParams: m[4] === undefined ? undefined : m[4].split(";").filter(Boolean),
    signedHeaders: m[5]!.split(";"),
    signature: m[6]!,
  };
}

export const sha256hex = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

/** The signature of `stringToSign` for a credential scope `date/service/tc3_request`. */
export function tc3Signature(secretKey: string, date: string, service: string, stringToSign: string): string {
  const kDate = createHmac("sha256", `TC3${secretKey}`).update(date).digest();
  const kService = createHmac("sha256", kDate).update(service).digest();
  const kSigning = createHmac("sha256", kService).update("tc3_request").digest();
  return createHmac("sha256", kSigning).update(stringToSign).digest("hex");
}

export function stringToSign(timestamp: number, date: string, service: string, canonicalRequest: string): string {
  return `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${sha256hex(canonicalRequest)}`;
}

export const utcDate = (timestamp: number): string => new Date(timestamp * 1000).toISOString().slice(0, 10);

/** A header as the signers canonicalize it: trimmed, lower-cased. */
export function headerText(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v.join(", ") : (v ?? "")).trim().toLowerCase();
}

/** req.url → its path and raw query (what was signed, before any decoding). */
export function splitUrl(rawUrl: string): { path: string; query: string } {
  const q = rawUrl.indexOf("?");
  return q < 0 ? { path: rawUrl, query: "" } : { path: rawUrl.slice(0, q), query: rawUrl.slice(q + 1) };
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** Common checks, then the signature compared in constant time. */
export function checkSigned(
  auth: Tc3Authorization,
  creds: Credentials,
  service: string,
  timestamp: number,
  windowSeconds: number,
  nowMs: number,
  canonicalRequest: string,
): Verdict {
  if (auth.service !== service) return { ok: false, reason: `credential scope service must be ${service}` };
  if (auth.secretId !== creds.secretId) return { ok: false, reason: "unknown SecretId (read the running stack's $DATA_DIR/stack.json)" };
  if (!Number.isInteger(timestamp)) return { ok: false, reason: "missing or malformed timestamp" };
  if (Math.abs(nowMs / 1000 - timestamp) > windowSeconds)
    return { ok: false, reason: `timestamp more than ${windowSeconds} s away from now` };
  if (auth.date !== utcDate(timestamp)) return { ok: false, reason: "credential date does not match the timestamp" };
  const expected = tc3Signature(creds.secretKey, auth.date, service, stringToSign(timestamp, auth.date, service, canonicalRequest));
  const a = Buffer.from(expected, "hex");
  const b = Buffer.from(auth.signature, "hex");
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: "signature does not match" };
  return { ok: true };
}
