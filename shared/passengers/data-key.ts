// Saved passengers' ID numbers at rest: AES-256-GCM under a key from the environment
// (PASSENGER_DATA_KEY, 32 bytes as base64: `openssl rand -base64 32`), and an HMAC of the number for
// finding duplicates without storing it. Older keys (PASSENGER_DATA_KEY_PREVIOUS, comma-separated)
// still decrypt and still find duplicates after a rotation (docs/deploy.md). A key never appears in
// an error or a log: errors name the variable only.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";

export const PASSENGER_KEY_VARIABLE = "PASSENGER_DATA_KEY";
export const PASSENGER_PREVIOUS_KEYS_VARIABLE = "PASSENGER_DATA_KEY_PREVIOUS";

/** A missing or malformed key: a configuration mistake, named by variable only. */
export class PassengerKeyError extends Error {
  constructor(
    readonly variable: string,
    why: string,
  ) {
    super(`${variable} ${why}`);
    this.name = "PassengerKeyError";
  }
}

/** What is stored instead of the number (all base64 except keyId). */
export interface SealedIdNo {
  /** Which key sealed it: the first 8 hex digits of SHA-256("passenger-key-id|" + key). */
  keyId: string;
  iv: string;
  tag: string;
  data: string;
}

interface DerivedKey {
  id: string;
  enc: Buffer;
  mac: Buffer;
}

export interface PassengerKeys {
  /** Encrypts under the current key; `aad` binds the ciphertext to its owner and document type. */
  seal(plain: string, aad: string): SealedIdNo;
  /** Decrypts with whichever configured key sealed it; throws when none did or it was altered. */
  open(sealed: SealedIdNo, aad: string): string;
  /** The keyed hash under the current key (what a new document stores). */
  hash(normalized: string): string;
  /** The hashes under every configured key (what an old document may store). */
  hashes(normalized: string): string[];
}

function decodeKey(variable: string, value: string): Buffer {
  const text = value.trim();
  // Canonical base64 of exactly 32 bytes: 44 characters ending in one "=".
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) throw new PassengerKeyError(variable, "must be 32 bytes in base64 (openssl rand -base64 32)");
  const key = Buffer.from(text, "base64");
  if (key.length !== 32 || key.toString("base64") !== text) {
    throw new PassengerKeyError(variable, "must be 32 bytes in base64 (openssl rand -base64 32)");
  }
  return key;
}

function derive(key: Buffer): DerivedKey {
  const sub = (info: string) => Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), info, 32));
  return {
    id: createHash("sha256").update("passenger-key-id|").update(key).digest("hex").slice(0, 8),
    enc: sub("passenger id number: AES-256-GCM"),
    mac: sub("passenger id number: HMAC-SHA256"),
  };
}

/** The keys from the environment; a missing or malformed variable throws PassengerKeyError. */
export function passengerKeysFrom(env: NodeJS.ProcessEnv): PassengerKeys {
  const current = env[PASSENGER_KEY_VARIABLE];
  if (!current) throw new PassengerKeyError(PASSENGER_KEY_VARIABLE, "is not set (32 bytes in base64: openssl rand -base64 32)");
  const keys = [derive(decodeKey(PASSENGER_KEY_VARIABLE, current))];
  const previous = (env[PASSENGER_PREVIOUS_KEYS_VARIABLE] ?? "").split(",").filter((s) => s.trim() !== "");
  for (const p of previous) keys.push(derive(decodeKey(PASSENGER_PREVIOUS_KEYS_VARIABLE, p)));
  return makeKeys(keys);
}

const TAG_BYTES = 16;

function makeKeys(keys: DerivedKey[]): PassengerKeys {
  const now = keys[0]!;
  const mac = (k: DerivedKey, normalized: string) => createHmac("sha256", k.mac).update(normalized).digest("hex");
  return {
    seal(plain, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", now.enc, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad));
      const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return { keyId: now.id, iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") };
    },
    open(sealed, aad) {
      const k = keys.find((x) => x.id === sealed.keyId); // a key id is not secret
      if (!k) throw new PassengerKeyError(PASSENGER_PREVIOUS_KEYS_VARIABLE, `lacks the key ${sealed.keyId} that sealed a stored ID number`);
      // The full tag only: without authTagLength node:crypto checks a tag as short as 4 bytes.
      const decipher = createDecipheriv("aes-256-gcm", k.enc, Buffer.from(sealed.iv, "base64"), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]).toString("utf8");
    },
    hash: (normalized) => mac(now, normalized),
    hashes: (normalized) => keys.map((k) => mac(k, normalized)),
  };
}

let cached: { source: string; keys: PassengerKeys } | undefined;
/** The function instance's keys, parsed once per value of the variables. */
export function passengerKeys(env: NodeJS.ProcessEnv = process.env): PassengerKeys {
  const source = `${env[PASSENGER_KEY_VARIABLE] ?? ""}\n${env[PASSENGER_PREVIOUS_KEYS_VARIABLE] ?? ""}`;
  if (cached?.source !== source) cached = { source, keys: passengerKeysFrom(env) };
  return cached.keys;
}
