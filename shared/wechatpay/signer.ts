// SHA256withRSA signing with the merchant key: request Authorization and mini-program paySign.
import { createSign, randomBytes, type KeyObject } from "node:crypto";

export const AUTH_SCHEMA = "WECHATPAY2-SHA256-RSA2048";

const NONCE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random [0-9A-Za-z] string (WeChat Pay nonces are ≤ 32 characters). */
export function makeNonce(size = 32): string {
  const bytes = randomBytes(size);
  let out = "";
  // A nonce needs uniqueness, not uniformity: the small modulo bias is harmless.
  for (const b of bytes) out += NONCE_ALPHABET[b % 62];
  return out;
}

/** "a\nb\nc\n": every WeChat Pay signed message is its lines each ended by \n. */
export function joinLines(...lines: string[]): string {
  return lines.join("\n") + "\n";
}

export function signSha256Rsa(message: string | Buffer, privateKey: KeyObject): string {
  return createSign("RSA-SHA256").update(message).sign(privateKey, "base64");
}

export interface RequestSigningInput {
  mchid: string;
  serial: string;
  privateKey: KeyObject;
  method: string;
  /** Path with query, exactly as sent: "/v3/certificates". */
  pathWithQuery: string;
  /** Exact body bytes sent ("" for GET). */
  body: string;
  timestamp?: number;
  nonce?: string;
}

/** The Authorization header value for one request. */
export function signRequest(input: RequestSigningInput): string {
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? makeNonce();
  const signature = signSha256Rsa(
    joinLines(input.method.toUpperCase(), input.pathWithQuery, timestamp, nonce, input.body),
    input.privateKey,
  );
  return `${AUTH_SCHEMA} mchid="${input.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${input.serial}"`;
}
