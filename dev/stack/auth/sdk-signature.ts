// Verifies the signature the CloudBase server SDKs put on every database request (POST /admin):
// @cloudbase/node-sdk (and the copy inside wx-server-sdk) signs with @cloudbase/signature-nodejs'
// `sign({ withSignedParams: true })` using TENCENTCLOUD_SECRETID/SECRETKEY. Rebuilt here from the
// request as received:
//   canonical = method "\n" //host/path "\n" query "\n" headers "\n" signedHeaders "\n" paramsHash
// headers: each signed header `name:value` (value trimmed, lower-cased) + "\n"; paramsHash: sha256
// over `&key=value\r\n` for each signed parameter (key lower-cased, value as a string: strings
// trimmed, others JSON), in the order the Authorization header lists them.
import type { IncomingHttpHeaders } from "node:http";
import { isPlainObject } from "../http-body";
import { checkSigned, parseAuthorization, type Credentials, type Verdict, headerText, splitUrl } from "./tc3";
import { createHash } from "node:crypto";

/** The SDK sends `X-Signature-Expires: 600`. */
const WINDOW_SECONDS = 600;

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received (req.url). */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body. */
  body: unknown;
}

function camSafe(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Body parameters the way the signer formats them; empty values are never hashed. */
function formattedParams(body: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue;
    const text = (typeof v === "string" ? v : JSON.stringify(v)).trim();
    out.set(camSafe(k.toLowerCase().trim()), text);
  }
  for (const [k, v] of out) if (v === "") out.delete(k);
  return out;
}

export function verifySdkRequest(req: SignedRequest, creds: Credentials, nowMs: number): Verdict {
  if (!isPlainObject(req.body)) return { ok: false, reason: "body must be a JSON object" };
  return verifyParams(req, formattedParams(req.body), creds, nowMs);
}

/** The same for a multipart/form-data request (wx-server-sdk's 云调用): its fields as received, files
 *  hashed as their bytes, and the content type signed without its boundary (as the signer does). */
export function verifySdkMultipart(
  req: Omit<SignedRequest, "body">,
  fields: ReadonlyMap<string, Buffer>,
  creds: Credentials,
  nowMs: number,
): Verdict {
  const params = new Map<string, string | Buffer>();
  for (const [k, v] of fields) if (v.length > 0) params.set(camSafe(k.toLowerCase().trim()), v);
  return verifyParams({ ...req, headers: { ...req.headers, "content-type": "multipart/form-data" } }, params, creds, nowMs);
}

function verifyParams(
  req: Omit<SignedRequest, "body">,
  params: ReadonlyMap<string, string | Buffer>,
  creds: Credentials,
  nowMs: number,
): Verdict {
  const auth = parseAuthorization(typeof req.headers.authorization === "string" ? req.headers.authorization : undefined);
  if (!auth?.signedParams) return { ok: false, reason: "missing or malformed TC3-HMAC-SHA256 Authorization" };
  if (!auth.signedHeaders.includes("host") || !auth.signedHeaders.includes("content-type")) {
    return { ok: false, reason: "host and content-type must be signed" };
  }
  const signed = auth.signedParams;
  if (signed.length !== params.size || signed.some((k) => !params.has(k))) {
    return { ok: false, reason: "the signed parameters are not the request's parameters" };
  }
  const hash = createHash("sha256");
  for (const k of signed) hash.update(`&${k}=`).update(params.get(k)!).update("\r\n");
  const { path, query } = splitUrl(req.rawUrl);
  const headers = auth.signedHeaders.map((h) => `${h}:${headerText(req.headers[h])}\n`).join("");
  const canonical = `${req.method.toLowerCase()}\n//${headerText(req.headers.host)}${path}\n${query}\n${headers}\n${auth.signedHeaders.join(";")}\n${hash.digest("hex")}`;
  const timestamp = Number(req.headers["x-timestamp"]);
  return checkSigned(auth, creds, "tcb", timestamp, WINDOW_SECONDS, nowMs, canonical);
}
