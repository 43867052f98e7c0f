// A minimal self-signed X.509 v3 certificate, DER-encoded by hand: the simulator's platform
// certificate. node:crypto can parse certificates but not create them, and the brief rules out
// the openssl binary and extra packages.
import { createSign, randomBytes, type KeyObject } from "node:crypto";

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const bytes: number[] = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let v = part >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utf8String(s: string): Buffer {
  return tlv(0x0c, Buffer.from(s, "utf8"));
}

/** UTCTime (YYMMDDHHMMSSZ) until 2049, GeneralizedTime after, as RFC 5280 requires. */
function time(d: Date): Buffer {
  const iso = d.toISOString();
  const compact = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + "Z";
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(compact.slice(2), "ascii")) : tlv(0x18, Buffer.from(compact, "ascii"));
}

function name(commonName: string, organization: string): Buffer {
  return seq(
    set(seq(oid("2.5.4.6"), tlv(0x13, Buffer.from("CN", "ascii")))),
    set(seq(oid("2.5.4.10"), utf8String(organization))),
    set(seq(oid("2.5.4.3"), utf8String(commonName))),
  );
}

const SHA256_WITH_RSA = seq(oid("1.2.840.113549.1.1.11"), Buffer.from([0x05, 0x00]));

export interface SelfSignedCertificate {
  pem: string;
  /** Upper-case hex, as X509Certificate.serialNumber and Wechatpay-Serial show it. */
  serialNo: string;
}

export function createSelfSignedCertificate(opts: {
  privateKey: KeyObject;
  publicKey: KeyObject;
  commonName: string;
  organization: string;
  notBefore: Date;
  notAfter: Date;
}): SelfSignedCertificate {
  // 20 bytes, first byte in 0x10..0x7f: positive, no leading zero, so the hex is stable.
  const serial = randomBytes(20);
  serial[0] = 0x10 + (serial[0]! % 0x70);
  const spki = opts.publicKey.export({ type: "spki", format: "der" });
  const subject = name(opts.commonName, opts.organization);
  const basicConstraints = seq(oid("2.5.29.19"), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq()));
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // version v3
    tlv(0x02, serial),
    SHA256_WITH_RSA,
    subject, // issuer: self-signed
    seq(time(opts.notBefore), time(opts.notAfter)),
    subject,
    spki,
    tlv(0xa3, seq(basicConstraints)),
  );
  const signature = createSign("RSA-SHA256").update(tbs).sign(opts.privateKey);
  const der = seq(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = der.toString("base64").replace(/.{1,64}/g, "$&\n");
  return { pem: `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`, serialNo: serial.toString("hex").toUpperCase() };
}
