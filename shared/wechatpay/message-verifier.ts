// The one verification pipeline for what WeChat Pay sends us signed: notifications and the
// certificate download answer. Headers read, timestamp window and SIGNTEST probe checked, then the
// signature over the exact bytes with the key named by Wechatpay-Serial. Synchronous when the key is
// known (the notification hot path); a promise only when certificates must be fetched. Never throws.
import type { KeyObject } from "node:crypto";
import { readSignatureHeaders, type HeaderBag, type SignatureHeaders } from "./headers";
import type { WechatpayKeyStore } from "./key-store";
import { checkSignatureWith, MAX_CLOCK_SKEW_SECONDS, precheckSignature, type SignatureRejection } from "./verifier";

export type MessageCheck =
  | { ok: true; headers: SignatureHeaders }
  | { ok: false; code: "MISSING_HEADER" | SignatureRejection; message: string };

export function verifyMessage(
  rawHeaders: HeaderBag,
  body: Buffer | string,
  keys: WechatpayKeyStore,
  now: Date,
  maxSkewSeconds = MAX_CLOCK_SKEW_SECONDS,
): MessageCheck | Promise<MessageCheck> {
  const read = readSignatureHeaders(rawHeaders);
  if (!read.ok) return { ok: false, code: "MISSING_HEADER", message: `${read.missing} is missing or repeated` };
  const headers = read.value;
  const early = precheckSignature(headers, now, maxSkewSeconds);
  if (early && !early.ok) return { ok: false, code: early.code, message: early.message };
  const withKey = (key: KeyObject | undefined): MessageCheck => {
    const check = checkSignatureWith(headers, body, key);
    return check.ok ? { ok: true, headers } : check;
  };
  const known = keys.peek(headers.serial);
  if (known) return withKey(known);
  return keys.lookup(headers.serial).then(withKey, () => withKey(undefined));
}
