// Verifies a WeChat Pay signature over `TIMESTAMP\nNONCE\nBODY\n` on the exact body bytes, with the
// key named by Wechatpay-Serial and a ±300 s window (replay protection, notifications included).
import { createVerify, type KeyObject } from "node:crypto";
import { AUTH_SCHEMA } from "./signer";
import type { SignatureHeaders } from "./headers";

export const MAX_CLOCK_SKEW_SECONDS = 300;
export const SIGNTEST_PREFIX = "WECHATPAY/SIGNTEST/";
const NEWLINE = Buffer.from("\n", "utf8");

export type SignatureRejection = "STALE_TIMESTAMP" | "UNKNOWN_SERIAL" | "BAD_SIGNATURE";
export type SignatureCheck = { ok: true } | { ok: false; code: SignatureRejection; message: string };

/** Timestamp window, signature type and the SIGNTEST probe: everything decided before a key is needed. */
export function precheckSignature(
  headers: SignatureHeaders,
  now: Date,
  maxSkewSeconds = MAX_CLOCK_SKEW_SECONDS,
): SignatureCheck | undefined {
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
  return undefined;
}

/**
 * SHA256withRSA over `TIMESTAMP\nNONCE\nBODY\n` with the chosen key. `body` is the exact bytes, or a
 * string whose UTF-8 encoding is the exact bytes (well-formed, as decoded from them).
 */
export function checkSignatureWith(headers: SignatureHeaders, body: Buffer | string, key: KeyObject | undefined): SignatureCheck {
  if (!key) return { ok: false, code: "UNKNOWN_SERIAL", message: "Wechatpay-Serial names no known WeChat Pay key" };
  let valid = false;
  try {
    // Streamed into the hash piece by piece: no joined copy of the body is made.
    const verifier = createVerify("RSA-SHA256").update(`${headers.timestamp}\n${headers.nonce}\n`, "utf8");
    if (typeof body === "string") verifier.update(body, "utf8");
    else verifier.update(body);
    valid = verifier.update(NEWLINE).verify(key, headers.signature, "base64");
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, code: "BAD_SIGNATURE", message: "Wechatpay-Signature does not verify" };
}
