// AEAD_AES_256_GCM as WeChat Pay uses it (notification resources, platform certificates):
// key = the APIv3 key, IV = nonce (UTF-8), AAD = associated_data (may be empty), tag = last 16 bytes.
import { createCipheriv, createDecipheriv, type KeyObject } from "node:crypto";

const TAG_BYTES = 16;

export interface AeadResource {
  ciphertext: string;
  nonce: string;
  associatedData: string;
}

/** The plaintext bytes, or undefined when the key, nonce, AAD or ciphertext is wrong. */
export function decryptAeadResource(apiV3Key: KeyObject, resource: AeadResource): Buffer | undefined {
  try {
    const data = Buffer.from(resource.ciphertext, "base64");
    if (data.length <= TAG_BYTES) return undefined;
    const iv = Buffer.from(resource.nonce, "utf8");
    if (iv.length === 0) return undefined;
    const decipher = createDecipheriv("aes-256-gcm", apiV3Key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    decipher.setAAD(Buffer.from(resource.associatedData, "utf8"));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** Encrypts as WeChat Pay does (test fixtures, simulators). Returns base64 ciphertext‖tag. */
export function encryptAeadResource(
  apiV3Key: KeyObject | Buffer,
  plaintext: string | Buffer,
  nonce: string,
  associatedData: string,
): string {
  const cipher = createCipheriv("aes-256-gcm", apiV3Key, Buffer.from(nonce, "utf8"), { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString("base64");
}
