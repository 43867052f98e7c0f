// Key material from configuration: PEM text or a file path → KeyObjects, parsed once by the caller.
// Messages here never contain the key text (it may be a secret pasted into the wrong variable).
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";

export type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Where a relative key-file path is looked up: the folder of the running code first — in a deployed
 *  function that is its own folder, where `npm run build` copies the files `.env.local` names, under
 *  the same relative path —, then the working directory. */
export function defaultKeyFileDirs(): string[] {
  // In the esbuild bundle (CommonJS) __dirname is the function's folder; absent in plain ESM.
  return typeof __dirname === "string" ? [__dirname, process.cwd()] : [process.cwd()];
}

/** PEM text as given, or the contents of the file it names ("file://" prefix optional). A relative
 *  path is looked up in `dirs`, in order. */
export function readPemSource(value: string, dirs: readonly string[] = [process.cwd()]): Loaded<string> {
  if (value.includes("-----BEGIN")) {
    // Env files and CI secrets often carry PEMs on one line with literal "\n".
    return { ok: true, value: value.includes("\\n") ? value.replace(/\\n/g, "\n") : value };
  }
  const path = value.startsWith("file://") ? value.slice("file://".length) : value;
  if (path.length > 4096 || path.includes("\n")) {
    return { ok: false, reason: "is neither PEM text (no -----BEGIN line) nor a file path" };
  }
  const text = readFirst(isAbsolute(path) ? [path] : dirs.map((d) => join(d, path)));
  if (text === undefined) return { ok: false, reason: "is neither PEM text (no -----BEGIN line) nor a readable file path" };
  if (!text.includes("-----BEGIN")) return { ok: false, reason: "names a file that holds no PEM block" };
  return { ok: true, value: text };
}

/** Like readPemSource, but a list of paths separated by commas is read and joined (one platform
 *  certificate per file, as merchants download them). */
export function readPemSources(value: string, dirs?: readonly string[]): Loaded<string> {
  if (value.includes("-----BEGIN")) return readPemSource(value, dirs);
  const texts: string[] = [];
  for (const part of value
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const one = readPemSource(part, dirs);
    if (!one.ok) return one;
    texts.push(one.value);
  }
  return texts.length ? { ok: true, value: texts.join("\n") } : { ok: false, reason: "names no file" };
}

function readFirst(paths: string[]): string | undefined {
  for (const p of paths) {
    try {
      return readFileSync(p, "utf8");
    } catch {
      // try the next place
    }
  }
  return undefined;
}

/** RSA private key in PEM, PKCS#8 or PKCS#1 (the two headers merchants are given), at least 2048 bits. */
export function parseRsaPrivateKey(pem: string): Loaded<KeyObject> {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    return { ok: false, reason: "does not parse as a PEM private key (PKCS#8 or PKCS#1)" };
  }
  return checkRsa(key, "private key");
}

/** RSA public key: SPKI ("BEGIN PUBLIC KEY"), PKCS#1 ("BEGIN RSA PUBLIC KEY") or a certificate. */
export function parseRsaPublicKey(pem: string): Loaded<KeyObject> {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch {
    return { ok: false, reason: "does not parse as a PEM public key" };
  }
  return checkRsa(key, "public key");
}

function checkRsa(key: KeyObject, what: string): Loaded<KeyObject> {
  if (key.asymmetricKeyType !== "rsa") return { ok: false, reason: `is not an RSA ${what}` };
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) return { ok: false, reason: `is an RSA ${what} of ${bits} bits; WeChat Pay uses 2048` };
  return { ok: true, value: key };
}

export interface CertificateKey {
  /** Upper-case hex, as Wechatpay-Serial carries it. */
  serial: string;
  publicKey: KeyObject;
  notAfter: Date;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM bundle (one or more blocks). */
export function parseCertificates(pem: string): Loaded<CertificateKey[]> {
  const blocks = pem.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) return { ok: false, reason: "holds no -----BEGIN CERTIFICATE----- block" };
  const out: CertificateKey[] = [];
  for (const block of blocks) {
    const parsed = parseCertificate(block);
    if (!parsed.ok) return parsed;
    out.push(parsed.value);
  }
  return { ok: true, value: out };
}

export function parseCertificate(pem: string | Buffer): Loaded<CertificateKey> {
  try {
    const cert = new X509Certificate(pem);
    const key = checkRsa(cert.publicKey, "certificate key");
    if (!key.ok) return key;
    return { ok: true, value: { serial: normalizeSerial(cert.serialNumber), publicKey: key.value, notAfter: new Date(cert.validTo) } };
  } catch {
    return { ok: false, reason: "holds a certificate that does not parse" };
  }
}

/** Certificate serials are hex and compared case-insensitively; public key ids (PUB_KEY_ID_…) are exact. */
export function normalizeSerial(serial: string): string {
  return /^[0-9A-Fa-f]+$/.test(serial) ? serial.toUpperCase() : serial;
}

/** Same certificate serial, written with or without leading zeros. */
export function sameSerial(a: string, b: string): boolean {
  const strip = (s: string) => normalizeSerial(s).replace(/^0+(?=.)/, "");
  return strip(a) === strip(b);
}
