// Test helpers (like stripe's generateTestHeaderString): a throwaway key set made at test time, and
// correctly signed + encrypted notifications and responses built with node:crypto. Not used by the
// functions at run time; nothing here is a mock of our code — it plays WeChat Pay's side of the protocol.
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  createSign,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import { encryptAeadResource } from "./aead";
import type { Env } from "./config";
import { joinLines, makeNonce, signSha256Rsa } from "./signer";

export interface SigningIdentity {
  /** Wechatpay-Serial: a public key id (PUB_KEY_ID_…) or a platform certificate serial. */
  serial: string;
  privateKey: KeyObject;
}

export interface TestKeySet {
  mchid: string;
  appid: string;
  /** 32 ASCII characters. */
  apiV3Key: string;
  merchantSerial: string;
  merchantPrivateKey: KeyObject;
  merchantPrivateKeyPem: string;
  merchantPublicKey: KeyObject;
  /** WeChat Pay public-key mode. */
  wechatpay: SigningIdentity & { publicKey: KeyObject; publicKeyPem: string };
  /** Platform-certificate mode (self-signed, made with generateTestCertificate). */
  platform?: SigningIdentity & { certificatePem: string; publicKey: KeyObject };
}

let pool: readonly string[] = [];
let drawn = 0;

/** Makes the key pairs below come from `pems` (PKCS#8, made at test time by the test run's setup),
 *  in turn, instead of being generated: a 2048-bit key takes 50 ms to 1 s of CPU, and a test suite
 *  wants dozens. The first `pems.length` pairs drawn after this are distinct. */
export function useTestKeyPool(pems: readonly string[]): void {
  pool = pems;
  drawn = 0;
}

/** An RSA-2048 key pair: the next one of the pool when there is one, else a new one. */
export function testRsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  if (pool.length === 0) return generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKey = createPrivateKey(pool[drawn++ % pool.length]!);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex").toUpperCase();

export function generateTestKeySet(options: { platformCertificate?: boolean } = {}): TestKeySet {
  const merchant = testRsaKeyPair();
  const wx = testRsaKeyPair();
  const set: TestKeySet = {
    mchid: "1900009191",
    appid: "wx" + hex(8).toLowerCase(),
    apiV3Key: makeNonce(32),
    merchantSerial: hex(20),
    merchantPrivateKey: merchant.privateKey,
    merchantPrivateKeyPem: merchant.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    merchantPublicKey: merchant.publicKey,
    wechatpay: {
      serial: `PUB_KEY_ID_0119${hex(12)}`,
      privateKey: wx.privateKey,
      publicKey: wx.publicKey,
      publicKeyPem: wx.publicKey.export({ type: "spki", format: "pem" }).toString(),
    },
  };
  if (options.platformCertificate) {
    const p = testRsaKeyPair();
    const cert = generateTestCertificate(p.privateKey, p.publicKey, "Tenpay.com Root CA (test)");
    set.platform = { serial: cert.serial, privateKey: p.privateKey, publicKey: p.publicKey, certificatePem: cert.pem };
  }
  return set;
}

/** Environment for loadPayConfig in public-key mode (override or blank any variable). */
export function testEnv(keys: TestKeySet, overrides: Env = {}): Env {
  return {
    PAY_MODE: "wechatpay",
    WECHAT_MCHID: keys.mchid,
    WECHAT_APPID: keys.appid,
    WECHAT_API_KEY: keys.apiV3Key,
    WECHAT_NOTIFY_URL: "https://example.com/pay/notify",
    WECHAT_SERIAL_NO: keys.merchantSerial,
    WECHAT_PRIVATE_KEY: keys.merchantPrivateKeyPem,
    WECHAT_PUBLIC_KEY_ID: keys.wechatpay.serial,
    WECHAT_PUBLIC_KEY: keys.wechatpay.publicKeyPem,
    ...overrides,
  };
}

// ---- self-signed X.509 (node:crypto parses certificates but cannot make them) ----

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len =
    n < 0x80
      ? Buffer.from([n])
      : n < 0x100
        ? Buffer.from([0x81, n])
        : n < 0x10000
          ? Buffer.from([0x82, n >> 8, n & 0xff])
          : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}
const seq = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const oid = (dotted: string) => {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const bytes = [a! * 40 + b!];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift((x & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
};
const utcTime = (d: Date) => der(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z", "ascii"));
const name = (cn: string) => seq(der(0x31, seq(oid("2.5.4.3"), der(0x0c, Buffer.from(cn, "utf8")))));

/** A self-signed RSA certificate (SHA256withRSA), serial upper-case hex without a leading zero. */
export function generateTestCertificate(
  privateKey: KeyObject,
  publicKey: KeyObject,
  commonName: string,
  days = 365,
): { pem: string; serial: string } {
  const serialBytes = randomBytes(20);
  serialBytes[0] = 0x10 + (serialBytes[0]! % 0x70); // positive, no leading zero: serial text is stable
  const sha256WithRsa = seq(oid("1.2.840.113549.1.1.11"), der(0x05, Buffer.alloc(0)));
  const now = Date.now();
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serialBytes),
    sha256WithRsa,
    name(commonName),
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + days * 86_400_000))),
    name(commonName),
    publicKey.export({ type: "spki", format: "der" }),
  );
  const signature = createSign("RSA-SHA256").update(tbs).sign(privateKey);
  const cert = seq(tbs, sha256WithRsa, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return { pem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`, serial: serialBytes.toString("hex").toUpperCase() };
}

// ---- signed answers and notifications ----

export interface SignOptions {
  timestamp?: number;
  nonce?: string;
  /** Replace the signature (e.g. "WECHATPAY/SIGNTEST/…"). */
  signature?: string;
  requestId?: string;
}

/** Wechatpay-* headers signing `body` (exact bytes) as WeChat Pay does. */
export function signWechatpayMessage(body: string | Buffer, signer: SigningIdentity, options: SignOptions = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? makeNonce();
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), Buffer.from(body), Buffer.from("\n")]);
  return {
    "Wechatpay-Timestamp": timestamp,
    "Wechatpay-Nonce": nonce,
    "Wechatpay-Serial": signer.serial,
    "Wechatpay-Signature": options.signature ?? signSha256Rsa(message, signer.privateKey),
    "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    "Request-ID": options.requestId ?? `08${hex(14)}`,
  };
}

export type TestEventType = "TRANSACTION.SUCCESS" | "REFUND.SUCCESS" | "REFUND.ABNORMAL" | "REFUND.CLOSED";

/** Wire-format (snake_case) payment plaintext with plausible defaults. */
export function transactionResource(
  keys: Pick<TestKeySet, "mchid" | "appid">,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    appid: keys.appid,
    mchid: keys.mchid,
    out_trade_no: "T20261127ABCDEF01",
    transaction_id: "4200002345202611271234567890",
    trade_type: "JSAPI",
    trade_state: "SUCCESS",
    trade_state_desc: "支付成功",
    bank_type: "OTHERS",
    attach: "",
    success_time: "2026-11-27T20:15:00+08:00",
    payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
    amount: { total: 55300, payer_total: 55300, currency: "CNY", payer_currency: "CNY" },
    ...over,
  };
}

/** Wire-format refund plaintext (refund_status as notifications carry it). */
export function refundResource(
  keys: Pick<TestKeySet, "mchid">,
  status: "SUCCESS" | "ABNORMAL" | "CLOSED",
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    mchid: keys.mchid,
    out_trade_no: "T20261127ABCDEF01",
    transaction_id: "4200002345202611271234567890",
    out_refund_no: "R20261127ABCDEF01",
    refund_id: "50300000012026112712345678901",
    refund_status: status,
    success_time: "2026-11-27T21:00:00+08:00",
    user_received_account: "支付用户零钱",
    amount: { total: 55300, refund: 55300, payer_total: 55300, payer_refund: 55300 },
    ...over,
  };
}

export interface TestNotificationOptions extends SignOptions {
  eventType?: string;
  /** The plaintext resource (wire format); defaults by event type. */
  resource?: unknown;
  /** Raw plaintext bytes instead of JSON of `resource`. */
  plaintext?: string;
  associatedData?: string;
  resourceNonce?: string;
  id?: string;
  /** Encrypt with another key (decrypt-failure fixtures). */
  apiV3Key?: string;
}

export interface TestNotification {
  headers: Record<string, string>;
  /** The exact body that was signed. */
  body: string;
}

/** A notification exactly as WeChat Pay would POST it: encrypted resource, compact JSON, signed bytes. */
export function buildTestNotification(keys: TestKeySet, signer: SigningIdentity, options: TestNotificationOptions = {}): TestNotification {
  const eventType = options.eventType ?? "TRANSACTION.SUCCESS";
  const resource =
    options.resource ??
    (eventType.startsWith("REFUND.")
      ? refundResource(keys, eventType.slice("REFUND.".length) as "SUCCESS" | "ABNORMAL" | "CLOSED")
      : transactionResource(keys));
  const plaintext = options.plaintext ?? JSON.stringify(resource);
  const associatedData = options.associatedData ?? (eventType.startsWith("REFUND.") ? "refund" : "transaction");
  const nonce = options.resourceNonce ?? makeNonce(12);
  const key = createSecretKey(Buffer.from(options.apiV3Key ?? keys.apiV3Key, "utf8"));
  const body = JSON.stringify({
    id: options.id ?? `EV-${hex(16)}`,
    create_time: "2026-11-27T20:15:01+08:00",
    resource_type: "encrypt-resource",
    event_type: eventType,
    summary: eventType.startsWith("REFUND.") ? "退款状态变更" : "支付成功",
    resource: {
      original_type: eventType.startsWith("REFUND.") ? "refund" : "transaction",
      algorithm: "AEAD_AES_256_GCM",
      ciphertext: encryptAeadResource(key, plaintext, nonce, associatedData),
      associated_data: associatedData,
      nonce,
    },
  });
  return { headers: signWechatpayMessage(body, signer, options), body };
}

/** The /v3/certificates answer body for these certificates, each encrypted with the APIv3 key. */
export function certificatesAnswer(apiV3Key: string, certs: Array<{ serial: string; certificatePem: string }>): string {
  const key = createSecretKey(Buffer.from(apiV3Key, "utf8"));
  return JSON.stringify({
    data: certs.map((c) => {
      const nonce = makeNonce(12);
      return {
        serial_no: c.serial,
        effective_time: "2026-01-01T00:00:00+08:00",
        expire_time: "2031-01-01T00:00:00+08:00",
        encrypt_certificate: {
          algorithm: "AEAD_AES_256_GCM",
          nonce,
          associated_data: "certificate",
          ciphertext: encryptAeadResource(key, c.certificatePem, nonce, "certificate"),
        },
      };
    }),
  });
}

/** Verifies a paySign the way WeChat does (for tests of payParams). */
export function payParamsMessage(appid: string, p: { timeStamp: string; nonceStr: string; package: string }): string {
  return joinLines(appid, p.timeStamp, p.nonceStr, p.package);
}
