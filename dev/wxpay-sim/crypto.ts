// The simulator's own protocol crypto, written against node:crypto only: it must not share code
// with the payment core in shared/, so that a bug there cannot hide itself here.
import { constants, createCipheriv, createSign, createVerify, privateDecrypt, randomBytes, type KeyObject } from "node:crypto";

const NONCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Random string of [A-Za-z0-9] (WeChat Pay nonces look like this). */
export function randomNonce(length = 32): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += NONCE_ALPHABET[b % NONCE_ALPHABET.length];
  return out;
}

export function randomDigits(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += String(b % 10);
  return out;
}

/** SHA256withRSA (PKCS#1 v1.5) over the exact bytes, base64. */
export function rsaSign(message: Buffer | string, key: KeyObject): string {
  return createSign("RSA-SHA256").update(message).sign(key, "base64");
}

export function rsaVerify(message: Buffer | string, signatureB64: string, key: KeyObject): boolean {
  try {
    return createVerify("RSA-SHA256").update(message).verify(key, signatureB64, "base64");
  } catch {
    // A malformed signature or key is a failed verification, not a crash.
    return false;
  }
}

/** AEAD_AES_256_GCM as WeChat Pay uses it: base64(ciphertext || 16-byte tag). */
export function aesGcmEncrypt(plaintext: string, apiV3Key: string, nonce: string, associatedData: string): string {
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(apiV3Key, "utf8"), Buffer.from(nonce, "utf8"));
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString("base64");
}

/** The message a WeChat Pay answer or notification signs: `TIMESTAMP\nNONCE\nBODY\n`. */
export function responseMessage(timestamp: string, nonce: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, "utf8"), body, Buffer.from("\n", "utf8")]);
}

/** The message a merchant request signs: `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`. */
export function requestMessage(method: string, pathWithQuery: string, timestamp: string, nonce: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n`, "utf8"), body, Buffer.from("\n", "utf8")]);
}

/** WeChat Pay's sensitive-field decryption: RSAES-OAEP (SHA-1, MGF1) of base64 text; null when it fails. */
export function rsaOaepDecrypt(ciphertextB64: string, key: KeyObject): string | null {
  try {
    return privateDecrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
      Buffer.from(ciphertextB64, "base64"),
    ).toString("utf8");
  } catch {
    return null;
  }
}
