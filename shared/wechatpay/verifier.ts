// Verifies a WeChat Pay signature over `TIMESTAMP\nNONCE\nBODY\n` on the exact body bytes, with the
// key named by Wechatpay-Serial and a ±300 s window (replay protection, notifications included).
import { createVerify } from "node:crypto";
import { AUTH_SCHEMA } from "./signer";
import type { SignatureHeaders } from "./headers";
import type { WechatpayKeyStore } from "./key-store";

export const MAX_CLOCK_SKEW_SECONDS = 300;
export const SIGNTEST_PREFIX = "WECHATPAY/SIGNTEST/";

export type SignatureRejection = "STALE_TIMESTAMP" | "UNKNOWN_SERIAL" | "BAD_SIGNATURE";
export type SignatureCheck = { ok: true } | { ok: false; code: SignatureRejection; message: string };

/** The signed message: timestamp and nonce lines, then the body bytes untouched, then \n. */
export function signedMessage(timestamp: string, nonce: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, "utf8"), body, Buffer.from("\n", "utf8")]);
}

export async function verifySignature(
  headers: SignatureHeaders,
  body: Buffer,
  keys: WechatpayKeyStore,
  now: Date = new Date(),
  maxSkewSeconds = MAX_CLOCK_SKEW_SECONDS,
): Promise<SignatureCheck> {
  if (!/^\d{1,12}$/.test(headers.timestamp)) {
    return { ok: false, code: "STALE_TIMESTAMP", message: "Wechatpay-Timestamp is not a number of seconds" };
  }
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(headers.timestamp));
  if (!(skew <= maxSkewSeconds)) {
    return { ok: false, code: "STALE_TIMESTAMP", message: `Wechatpay-Timestamp is ${skew} s away from now (max ${maxSkewSeconds})` };
  }
  if (headers.signatureType !== undefined && headers.signatureType !== AUTH_SCHEMA) {
    return { ok: false, code: "BAD_SIGNATURE", message: "Wechatpay-Signature-Type is not WECHATPAY2-SHA256-RSA2048" };
  }
  // WeChat Pay's probe: a deliberately wrong signature that must be refused like any other.
  if (headers.signature.startsWith(SIGNTEST_PREFIX)) {
    return { ok: false, code: "BAD_SIGNATURE", message: "signature probe (WECHATPAY/SIGNTEST/) refused" };
  }
  const key = await keys.lookup(headers.serial);
  if (!key) return { ok: false, code: "UNKNOWN_SERIAL", message: "Wechatpay-Serial names no known WeChat Pay key" };
  let valid = false;
  try {
    valid = createVerify("RSA-SHA256").update(signedMessage(headers.timestamp, headers.nonce, body)).verify(key, headers.signature, "base64");
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, code: "BAD_SIGNATURE", message: "Wechatpay-Signature does not verify" };
}
