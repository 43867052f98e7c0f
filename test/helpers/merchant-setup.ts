// A merchant's deploy setup as WeChat Pay hands it out, generated at test time in a temporary folder:
// secrets/apiclient_key.pem (PKCS#8), secrets/apiclient_cert.pem (X.509, its serial is the merchant
// serial), secrets/pub_key.pem (SPKI, public-key mode) and optionally a platform certificate, named by
// path in .env.local beside the other variables. Throwaway keys; the folder goes after the test file.
import { testRsaKeyPair } from "../../shared/wechatpay/testing";
import { randomBytes, type KeyObject } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSelfSignedCertificate } from "../../dev/wxpay-sim/x509";
import { PAY_ENV_VARIABLES } from "../../shared/wechatpay/config";
import { makeNonce } from "../../shared/wechatpay/signer";
import { tempDir } from "./tmp";

export interface MerchantSetup {
  root: string;
  /** The variables written to .env.local (paths relative to root). */
  env: Record<string, string>;
  mchid: string;
  appid: string;
  apiV3Key: string;
  merchantPrivateKey: KeyObject;
  merchantPrivateKeyPem: string;
  /** Serial of apiclient_cert.pem. */
  merchantSerial: string;
  /** WeChat Pay's signing key (public-key mode) and its id. */
  wechatpayPrivateKey: KeyObject;
  wechatpayPrivateKeyPem: string;
  publicKeyId: string;
  /** Every file written under secrets/, by relative path. */
  files: Record<string, string>;
  /** Rewrites .env.local: the generated values with these changes ("" removes a variable). */
  writeEnv(changes?: Record<string, string>): void;
  /** Writes (or replaces) a file under root. */
  writeFile(relPath: string, text: string): void;
}

/** Variables a test process must not inherit from the developer's shell: tcb lets them win over .env.local. */
export const DEPLOY_VARIABLES: readonly string[] = [
  ...PAY_ENV_VARIABLES,
  "TCB_ENV_ID",
  "ORDER_TTL_MINUTES",
  "PASSENGER_DATA_KEY",
  "PASSENGER_DATA_KEY_PREVIOUS",
];

export function withoutDeployVariables(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of DEPLOY_VARIABLES) delete out[k];
  return out;
}

const DAY = 86_400_000;

export function certificateFor(privateKey: KeyObject, publicKey: KeyObject, commonName: string, notBefore: Date, notAfter: Date) {
  return createSelfSignedCertificate({ privateKey, publicKey, commonName, organization: "test merchant (throwaway)", notBefore, notAfter });
}

export function createMerchantSetup(opts: { git?: boolean } = {}): MerchantSetup {
  const root = tempDir("merchant-");
  const merchant = testRsaKeyPair();
  const wx = testRsaKeyPair();
  const now = Date.now();
  const cert = certificateFor(merchant.privateKey, merchant.publicKey, "1900009191", new Date(now - DAY), new Date(now + 5 * 365 * DAY));
  const files: Record<string, string> = {
    "secrets/apiclient_key.pem": merchant.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    "secrets/apiclient_cert.pem": cert.pem,
    "secrets/pub_key.pem": wx.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
  const envId = `train-pay-${randomBytes(3).toString("hex")}`;
  const setup: MerchantSetup = {
    root,
    env: {
      TCB_ENV_ID: envId,
      WECHAT_MCHID: "1900009191",
      WECHAT_APPID: "wx" + randomBytes(8).toString("hex"),
      WECHAT_API_KEY: makeNonce(32),
      WECHAT_PRIVATE_KEY: "secrets/apiclient_key.pem",
      WECHAT_MERCHANT_CERT: "secrets/apiclient_cert.pem",
      WECHAT_PUBLIC_KEY_ID: `PUB_KEY_ID_0119${randomBytes(12).toString("hex").toUpperCase()}`,
      WECHAT_PUBLIC_KEY: "secrets/pub_key.pem",
      WECHAT_NOTIFY_URL: `https://${envId}-1250000000.ap-shanghai.app.tcloudbase.com/api/payment/notify`,
      // Saved passengers' key, as `openssl rand -base64 32` makes it.
      PASSENGER_DATA_KEY: randomBytes(32).toString("base64"),
    },
    get mchid() {
      return setup.env.WECHAT_MCHID!;
    },
    get appid() {
      return setup.env.WECHAT_APPID!;
    },
    get apiV3Key() {
      return setup.env.WECHAT_API_KEY!;
    },
    get publicKeyId() {
      return setup.env.WECHAT_PUBLIC_KEY_ID!;
    },
    merchantPrivateKey: merchant.privateKey,
    merchantPrivateKeyPem: files["secrets/apiclient_key.pem"]!,
    merchantSerial: cert.serialNo,
    wechatpayPrivateKey: wx.privateKey,
    wechatpayPrivateKeyPem: wx.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    files,
    writeEnv(changes = {}) {
      const merged = { ...setup.env, ...changes };
      const lines = Object.entries(merged)
        .filter(([, v]) => v !== "")
        .map(([k, v]) => `${k}=${v}`);
      writeFileSync(join(root, ".env.local"), lines.join("\n") + "\n", { mode: 0o600 });
    },
    writeFile(relPath, text) {
      mkdirSync(join(root, relPath, ".."), { recursive: true });
      writeFileSync(join(root, relPath), text, { mode: 0o600 });
    },
  };
  for (const [p, text] of Object.entries(files)) setup.writeFile(p, text);
  writeFileSync(join(root, ".gitignore"), "secrets/\n.env.local\nbuild/\n");
  setup.writeEnv();
  if (opts.git) execFileSync("git", ["init", "-q", root]);
  return setup;
}
