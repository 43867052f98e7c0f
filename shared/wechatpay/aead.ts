// AEAD_AES_256_GCM as WeChat Pay uses it (notification resources, platform certificates):
// key = the APIv3 key, IV = nonce (UTF-8), AAD = associated_data (may be empty), tag = last 16 bytes.
import { createCipheriv, createDecipheriv, type DecipherGCM, type KeyObject } from "node:crypto";

const TAG_BYTES = 16;

export interface AeadResource {
  ciphertext: string;
  nonce: string;
  associatedData: string;
}

/** The plaintext bytes, or undefined when the key, nonce, AAD or ciphertext is wrong. */
export function decryptAeadResource(apiV3Key: KeyObject, resource: AeadResource): Buffer | undefined {
  return decrypt(apiV3Key, resource, (d, body) => Buffer.concat([d.update(body), d.final()]));
}

/** The plaintext as UTF-8 text. (Decoding the buffer once is faster than letting the decipher
 *  decode through its StringDecoder: measured 1-2 µs of a ~40 µs notification.) */
export function decryptAeadResourceText(apiV3Key: KeyObject, resource: AeadResource): string | undefined {
  return decrypt(apiV3Key, resource, (d, body) => {
    const head = d.update(body);
    const tail = d.final();
    return (tail.length === 0 ? head : Buffer.concat([head, tail])).toString("utf8");
  });
}

function decrypt<T>(apiV3Key: KeyObject, resource: AeadResource, run: (d: DecipherGCM, body: Buffer) => T): T | undefined {
  try {
    const data = Buffer.from(resource.ciphertext, "base64");
    if (data.length <= TAG_BYTES) return undefined;
    const iv = Buffer.from(resource.nonce, "utf8");
    if (iv.length === 0) return undefined;
    const decipher = createDecipheriv("aes-256-gcm", apiV3Key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    decipher.setAAD(Buffer.from(resource.associatedData, "utf8"));
    // final() throws when the tag does not match: nothing unauthenticated is returned.
    return run(decipher, data.subarray(0, data.length - TAG_BYTES));
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
