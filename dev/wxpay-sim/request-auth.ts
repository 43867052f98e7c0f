// Verifies a merchant's request the way WeChat Pay does before anything else happens:
// Authorization format, mchid, certificate serial, timestamp window, SHA256withRSA over the exact
// method, path with query, timestamp, nonce and body bytes.
import type { KeyObject } from "node:crypto";
import { requestMessage, rsaVerify } from "./crypto";
import { apiError, type ApiError } from "./api-error";

const SCHEME = "WECHATPAY2-SHA256-RSA2048";
const FIELDS = ["mchid", "nonce_str", "signature", "timestamp", "serial_no"] as const;
type AuthFields = Record<(typeof FIELDS)[number], string>;
export const MAX_CLOCK_SKEW_S = 300;

/** Parses `WECHATPAY2-SHA256-RSA2048 k="v",k="v"` (fields in any order), or null. */
export function parseAuthorization(header: string | undefined): AuthFields | null {
  if (!header?.startsWith(SCHEME + " ")) return null;
  const rest = header.slice(SCHEME.length + 1).trim();
  const found: Record<string, string> = {};
  const pair = /\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = pair.exec(rest)) !== null && m[0].length > 0) {
    if (found[m[1]!] !== undefined) return null; // a repeated field is ambiguous
    found[m[1]!] = m[2]!;
    consumed = pair.lastIndex;
    if (consumed >= rest.length) break;
  }
  if (consumed !== rest.length) return null;
  for (const f of FIELDS) if (!found[f]) return null;
  return found as AuthFields;
}

export interface MerchantIdentity {
  mchid: string;
  serialNo: string;
  publicKey: KeyObject;
}

/** null when the request is authentic; otherwise the 401 SIGN_ERROR to answer. */
export function verifyMerchantRequest(
  method: string,
  rawPathWithQuery: string,
  authorization: string | undefined,
  body: Buffer,
  merchant: MerchantIdentity,
  nowMs: number,
): ApiError | null {
  const fail = (message: string) => apiError(401, "SIGN_ERROR", message);
  const auth = parseAuthorization(authorization);
  if (!auth) return fail(`Authorization 头缺失或格式错误 (expected ${SCHEME} mchid=,nonce_str=,signature=,timestamp=,serial_no=)`);
  if (auth.mchid !== merchant.mchid) return fail("Authorization 中的商户号 mchid 与签名证书不匹配 (unknown mchid)");
  if (auth.serial_no.toUpperCase() !== merchant.serialNo)
    return fail("商户证书序列号 serial_no 有误 (unknown merchant certificate serial)");
  if (!/^\d{1,12}$/.test(auth.timestamp)) return fail("timestamp 格式错误");
  if (Math.abs(nowMs / 1000 - Number(auth.timestamp)) > MAX_CLOCK_SKEW_S)
    return fail("请求时间戳与当前时间相差超过5分钟 (timestamp outside ±300 s)");
  const message = requestMessage(method, rawPathWithQuery, auth.timestamp, auth.nonce_str, body);
  if (!rsaVerify(message, auth.signature, merchant.publicKey)) return fail("错误的签名，验签失败 (signature does not verify)");
  return null;
}
