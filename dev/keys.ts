// The dev key set of the local stack: generated once in $DATA_DIR/keys/ and reused, so the
// merchant side (cloud functions) and the WeChat Pay simulator agree across restarts.
// Environment variables override single pieces (production names on the merchant side).
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomNonce } from "./wxpay-sim/crypto";
import { createSelfSignedCertificate } from "./wxpay-sim/x509";

export interface DevKeys {
  mchid: string;
  appid: string;
  /** APIv3 key: 32 ASCII characters. */
  apiV3Key: string;
  /** Merchant API private key, PKCS#8 PEM (or as given in WECHAT_PRIVATE_KEY). */
  merchantPrivateKeyPem: string;
  /** Merchant certificate serial, upper-case hex. */
  merchantSerialNo: string;
  /** The simulator's WeChat Pay signing key (public-key mode). */
  wxpayPrivateKeyPem: string;
  wxpayPublicKeyPem: string;
  /** `PUB_KEY_ID_…` */
  wxpayPublicKeyId: string;
  /** The simulator's platform certificate (certificate mode) and its key. */
  platformPrivateKeyPem: string;
  platformCertificatePem: string;
  platformSerialNo: string;
}

/** File names under $DATA_DIR/keys/ (docs/simulator.md lists them). */
export const KEY_FILES = {
  settings: "merchant.json",
  merchantPrivateKey: "merchant_private_key.pem",
  wxpayPrivateKey: "wxpay_private_key.pem",
  wxpayPublicKey: "wxpay_public_key.pem",
  platformPrivateKey: "platform_private_key.pem",
  platformCertificate: "platform_certificate.pem",
} as const;

interface StoredSettings {
  mchid: string;
  appid: string;
  apiV3Key: string;
  merchantSerialNo: string;
  wxpayPublicKeyId: string;
  platformSerialNo: string;
}

export class DevKeyError extends Error {
  constructor(
    readonly code: "BAD_ENV" | "KEY_MISMATCH",
    /** The variable at fault; its value never appears in the message. */
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600); // the mode above is ignored when the file already exists
}

function readOrCreate(path: string, create: () => string): string {
  if (existsSync(path)) return readFileSync(path, "utf8");
  const text = create();
  writeSecret(path, text);
  return text;
}

function newRsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync("rsa", { modulusLength: 2048 });
}

/** PEM text, or a path to a PEM file (the production variables accept both). */
function pemFromEnv(variable: string, value: string): string {
  if (value.includes("-----BEGIN")) return value.replace(/\\n/g, "\n");
  try {
    return readFileSync(value, "utf8");
  } catch {
    throw new DevKeyError("BAD_ENV", variable, "is neither PEM text nor a readable file path");
  }
}

function parsePrivate(variable: string, pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new DevKeyError("BAD_ENV", variable, "does not parse as a private key (PKCS#8 or PKCS#1 PEM expected)");
  }
}

function parsePublic(variable: string, pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch {
    throw new DevKeyError("BAD_ENV", variable, "does not parse as a public key (SPKI PEM expected)");
  }
}

function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: "spki", format: "der" }).equals(b.export({ type: "spki", format: "der" }));
}

function check(variable: string, value: string, ok: boolean, rule: string): string {
  if (!ok) throw new DevKeyError("BAD_ENV", variable, rule);
  return value;
}

/** Loads the key set from $dataDir/keys/, creating the missing files once; env overrides win. */
export function loadOrCreateDevKeys(dataDir: string, env: NodeJS.ProcessEnv = process.env): DevKeys {
  const dir = join(dataDir, "keys");
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  const settingsPath = join(dir, KEY_FILES.settings);
  let stored: StoredSettings;
  if (existsSync(settingsPath)) {
    stored = JSON.parse(readFileSync(settingsPath, "utf8")) as StoredSettings;
  } else {
    stored = {
      mchid: "19" + String(10_000_000 + (randomBytes(4).readUInt32BE() % 89_999_999)),
      appid: "wx" + randomBytes(8).toString("hex"),
      apiV3Key: randomNonce(32),
      merchantSerialNo: randomBytes(20).toString("hex").toUpperCase(),
      wxpayPublicKeyId: "PUB_KEY_ID_01" + randomBytes(4).readUInt32BE().toString().padStart(10, "0") + "2026112700000000",
      platformSerialNo: "",
    };
  }

  const merchantPrivateKeyPem = env.WECHAT_PRIVATE_KEY
    ? pemFromEnv("WECHAT_PRIVATE_KEY", env.WECHAT_PRIVATE_KEY)
    : readOrCreate(join(dir, KEY_FILES.merchantPrivateKey), () =>
        newRsaKeyPair().privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      );
  parsePrivate("WECHAT_PRIVATE_KEY", merchantPrivateKeyPem);

  let wxpayPrivateKeyPem: string;
  if (env.WXPAY_SIM_PRIVATE_KEY) {
    wxpayPrivateKeyPem = pemFromEnv("WXPAY_SIM_PRIVATE_KEY", env.WXPAY_SIM_PRIVATE_KEY);
  } else {
    const privatePath = join(dir, KEY_FILES.wxpayPrivateKey);
    wxpayPrivateKeyPem = readOrCreate(privatePath, () => newRsaKeyPair().privateKey.export({ type: "pkcs8", format: "pem" }).toString());
  }
  const wxpayPrivate = parsePrivate("WXPAY_SIM_PRIVATE_KEY", wxpayPrivateKeyPem);
  const wxpayPublic = createPublicKey(wxpayPrivate);
  const wxpayPublicKeyPem = wxpayPublic.export({ type: "spki", format: "pem" }).toString();
  if (!env.WXPAY_SIM_PRIVATE_KEY) {
    // Kept on disk for people who configure a merchant client by hand.
    const publicPath = join(dir, KEY_FILES.wxpayPublicKey);
    if (!existsSync(publicPath) || readFileSync(publicPath, "utf8") !== wxpayPublicKeyPem) writeSecret(publicPath, wxpayPublicKeyPem);
  }
  if (env.WECHAT_PUBLIC_KEY) {
    const given = parsePublic("WECHAT_PUBLIC_KEY", pemFromEnv("WECHAT_PUBLIC_KEY", env.WECHAT_PUBLIC_KEY));
    if (!samePublicKey(given, wxpayPublic)) {
      throw new DevKeyError(
        "KEY_MISMATCH",
        "WECHAT_PUBLIC_KEY",
        "is not the public half of the simulator's signing key (set WXPAY_SIM_PRIVATE_KEY to the matching private key)",
      );
    }
  }

  const simKeyId = env.WXPAY_SIM_PUBLIC_KEY_ID;
  const merchantKeyId = env.WECHAT_PUBLIC_KEY_ID;
  if (simKeyId && merchantKeyId && simKeyId !== merchantKeyId) {
    throw new DevKeyError("KEY_MISMATCH", "WECHAT_PUBLIC_KEY_ID", "differs from WXPAY_SIM_PUBLIC_KEY_ID");
  }
  const wxpayPublicKeyId = check(
    simKeyId ? "WXPAY_SIM_PUBLIC_KEY_ID" : "WECHAT_PUBLIC_KEY_ID",
    simKeyId ?? merchantKeyId ?? stored.wxpayPublicKeyId,
    /^PUB_KEY_ID_[0-9A-Za-z_]+$/.test(simKeyId ?? merchantKeyId ?? stored.wxpayPublicKeyId),
    "must look like PUB_KEY_ID_…",
  );

  const platformKeyPath = join(dir, KEY_FILES.platformPrivateKey);
  const platformCertPath = join(dir, KEY_FILES.platformCertificate);
  let platformPrivateKeyPem: string;
  let platformCertificatePem: string;
  if (existsSync(platformKeyPath) && existsSync(platformCertPath) && stored.platformSerialNo) {
    platformPrivateKeyPem = readFileSync(platformKeyPath, "utf8");
    platformCertificatePem = readFileSync(platformCertPath, "utf8");
  } else {
    const pair = newRsaKeyPair();
    const now = Date.now();
    const cert = createSelfSignedCertificate({
      privateKey: pair.privateKey,
      publicKey: pair.publicKey,
      commonName: "WeChat Pay simulator platform certificate",
      organization: "wxpay-sim (local development only)",
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 5 * 365 * 86_400_000),
    });
    platformPrivateKeyPem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    platformCertificatePem = cert.pem;
    stored.platformSerialNo = cert.serialNo;
    writeSecret(platformKeyPath, platformPrivateKeyPem);
    writeSecret(platformCertPath, platformCertificatePem);
  }
  writeSecret(settingsPath, JSON.stringify(stored, null, 2) + "\n");

  const mchid = check(
    "WECHAT_MCHID",
    env.WECHAT_MCHID ?? stored.mchid,
    /^[0-9]{1,32}$/.test(env.WECHAT_MCHID ?? stored.mchid),
    "must be digits, at most 32",
  );
  const appid = check(
    "WECHAT_APPID",
    env.WECHAT_APPID ?? stored.appid,
    /^wx[0-9A-Za-z]{16}$/.test(env.WECHAT_APPID ?? stored.appid),
    "must be wx + 16 letters or digits",
  );
  const apiV3Key = env.WECHAT_API_KEY ?? stored.apiV3Key;
  if (!/^[\x21-\x7e]{32}$/.test(apiV3Key)) throw new DevKeyError("BAD_ENV", "WECHAT_API_KEY", "must be 32 ASCII characters");
  const serialSource = env.WECHAT_SERIAL_NO ?? stored.merchantSerialNo;
  const merchantSerialNo = check("WECHAT_SERIAL_NO", serialSource, /^[0-9A-Fa-f]{1,64}$/.test(serialSource), "must be hex").toUpperCase();

  return {
    mchid,
    appid,
    apiV3Key,
    merchantPrivateKeyPem,
    merchantSerialNo,
    wxpayPrivateKeyPem,
    wxpayPublicKeyPem,
    wxpayPublicKeyId,
    platformPrivateKeyPem,
    platformCertificatePem,
    platformSerialNo: stored.platformSerialNo,
  };
}
