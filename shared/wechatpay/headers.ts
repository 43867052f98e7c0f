// The Wechatpay-* headers of a response or notification, read case-insensitively.

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface SignatureHeaders {
  timestamp: string;
  nonce: string;
  serial: string;
  signature: string;
  signatureType?: string;
  requestId?: string;
}

export const WECHATPAY_HEADERS = {
  timestamp: "Wechatpay-Timestamp",
  nonce: "Wechatpay-Nonce",
  serial: "Wechatpay-Serial",
  signature: "Wechatpay-Signature",
  signatureType: "Wechatpay-Signature-Type",
  requestId: "Request-ID",
} as const;

export type ReadHeaders = { ok: true; value: SignatureHeaders } | { ok: false; missing: string };

const FIELDS = [
  WECHATPAY_HEADERS.timestamp,
  WECHATPAY_HEADERS.nonce,
  WECHATPAY_HEADERS.serial,
  WECHATPAY_HEADERS.signature,
  WECHATPAY_HEADERS.signatureType,
  WECHATPAY_HEADERS.requestId,
].map((h) => h.toLowerCase());
const FIELD_LENGTHS = new Set(FIELDS.map((f) => f.length));

export function readSignatureHeaders(headers: HeaderBag): ReadHeaders {
  // One pass, no per-header allocation: this runs on every notification and every answer.
  const values: Array<string | undefined> = [undefined, undefined, undefined, undefined, undefined, undefined];
  const counts = [0, 0, 0, 0, 0, 0];
  for (const key of Object.keys(headers)) {
    if (!FIELD_LENGTHS.has(key.length)) continue;
    const i = FIELDS.indexOf(key.toLowerCase());
    if (i < 0) continue;
    const raw = headers[key];
    if (typeof raw === "string") {
      counts[i]! += 1;
      values[i] = raw.trim();
    } else if (Array.isArray(raw)) {
      for (const v of raw) {
        if (typeof v !== "string") continue;
        counts[i]! += 1;
        values[i] = v.trim();
      }
    }
  }
  // Absent, empty, or sent twice (two values for one signature header cannot both be trusted).
  const one = (i: number): string | undefined => (counts[i] === 1 && values[i] ? values[i] : undefined);
  const timestamp = one(0);
  if (!timestamp) return { ok: false, missing: WECHATPAY_HEADERS.timestamp };
  const nonce = one(1);
  if (!nonce) return { ok: false, missing: WECHATPAY_HEADERS.nonce };
  const serial = one(2);
  if (!serial) return { ok: false, missing: WECHATPAY_HEADERS.serial };
  const signature = one(3);
  if (!signature) return { ok: false, missing: WECHATPAY_HEADERS.signature };
  const value: SignatureHeaders = { timestamp, nonce, serial, signature };
  const signatureType = one(4);
  if (signatureType) value.signatureType = signatureType;
  const requestId = one(5);
  if (requestId) value.requestId = requestId;
  return { ok: true, value };
}
