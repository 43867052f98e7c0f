// The Wechatpay-* headers of a response or notification, read case-insensitively.

export type HeaderBag = Record<string, string | string[] | undefined>;

/** One header value by case-insensitive name; undefined when absent, empty, or sent more than once. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let found: string | undefined;
  let count = 0;
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const raw = headers[key];
    const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    for (const v of values) {
      if (typeof v !== "string") continue;
      count += 1;
      found = v;
    }
  }
  // Two different values for one signature header cannot both be trusted.
  if (count !== 1 || found === undefined || found.trim() === "") return undefined;
  return found.trim();
}

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

export function readSignatureHeaders(headers: HeaderBag): ReadHeaders {
  const timestamp = headerValue(headers, WECHATPAY_HEADERS.timestamp);
  if (!timestamp) return { ok: false, missing: WECHATPAY_HEADERS.timestamp };
  const nonce = headerValue(headers, WECHATPAY_HEADERS.nonce);
  if (!nonce) return { ok: false, missing: WECHATPAY_HEADERS.nonce };
  const serial = headerValue(headers, WECHATPAY_HEADERS.serial);
  if (!serial) return { ok: false, missing: WECHATPAY_HEADERS.serial };
  const signature = headerValue(headers, WECHATPAY_HEADERS.signature);
  if (!signature) return { ok: false, missing: WECHATPAY_HEADERS.signature };
  const signatureType = headerValue(headers, WECHATPAY_HEADERS.signatureType);
  const requestId = headerValue(headers, WECHATPAY_HEADERS.requestId);
  return {
    ok: true,
    value: {
      timestamp,
      nonce,
      serial,
      signature,
      ...(signatureType ? { signatureType } : {}),
      ...(requestId ? { requestId } : {}),
    },
  };
}
