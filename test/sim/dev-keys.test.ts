// The dev key set: generated once in $DATA_DIR/keys/ (0600 files), reused, overridable by the
// production variable names; and the merchant-side environment the plugin hands to functions.
import { createPrivateKey, createPublicKey, createSign, createVerify, generateKeyPairSync, X509Certificate } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DevKeyError, KEY_FILES, loadOrCreateDevKeys } from "../../dev/keys";
import { createWxPaySimPlugin } from "../../dev/wxpay-sim";
import { dataDirWithKeys, tempDir } from "../helpers/tmp";

// Built, not written out: a hook refuses files that contain a PEM private key header.
const PEM_HEADER = (label: string) => `-----${["BEGIN", label].join(" ")}-----`;
const fresh = () => tempDir("wxpay-keys-");
/** A data directory whose key files already exist (the run's set): no RSA generation needed. */
const withKeys = () => dataDirWithKeys("wxpay-keys-");

describe("loadOrCreateDevKeys", () => {
  it("generates a complete key set once, with 0600 files, and reuses it", () => {
    const dir = fresh();
    const a = loadOrCreateDevKeys(dir, {});
    expect(a.mchid).toMatch(/^19\d{8}$/);
    expect(a.appid).toMatch(/^wx[0-9a-f]{16}$/);
    expect(a.apiV3Key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(a.merchantSerialNo).toMatch(/^[0-9A-F]{40}$/);
    expect(a.wxpayPublicKeyId).toMatch(/^PUB_KEY_ID_/);
    expect(createPrivateKey(a.merchantPrivateKeyPem).export({ type: "pkcs8", format: "pem" }).toString()).toBe(a.merchantPrivateKeyPem);
    expect(createPrivateKey(a.merchantPrivateKeyPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
    // The simulator's signing key pair belongs together.
    const sig = createSign("RSA-SHA256").update("x").sign(createPrivateKey(a.wxpayPrivateKeyPem), "base64");
    expect(createVerify("RSA-SHA256").update("x").verify(createPublicKey(a.wxpayPublicKeyPem), sig, "base64")).toBe(true);
    const cert = new X509Certificate(a.platformCertificatePem);
    expect(cert.serialNumber).toBe(a.platformSerialNo);
    expect(cert.checkPrivateKey(createPrivateKey(a.platformPrivateKeyPem))).toBe(true);

    const files = readdirSync(join(dir, "keys")).sort();
    expect(files).toEqual(Object.values(KEY_FILES).sort());
    for (const f of files) expect(statSync(join(dir, "keys", f)).mode & 0o777).toBe(0o600);

    expect(loadOrCreateDevKeys(dir, {})).toEqual(a);
  });

  it("takes the production variables over the files (PEM text or a path), and checks them", () => {
    const dir = withKeys();
    const merchant = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const pkcs1 = merchant.export({ type: "pkcs1", format: "pem" }).toString();
    const pemPath = join(dir, "merchant.pem");
    writeFileSync(pemPath, pkcs1);
    const sim = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const k = loadOrCreateDevKeys(dir, {
      WECHAT_MCHID: "1900000001",
      WECHAT_APPID: "wxd678efh567hg6787",
      WECHAT_API_KEY: "0123456789abcdefghijklmnopqrstuv",
      WECHAT_SERIAL_NO: "5157f09efdc096de15ebe81a47057a7232f1b8e1",
      WECHAT_PRIVATE_KEY: pemPath,
      WXPAY_SIM_PRIVATE_KEY: sim.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      WXPAY_SIM_PUBLIC_KEY_ID: "PUB_KEY_ID_0119000000012026112700000000000001",
      WECHAT_PUBLIC_KEY: sim.publicKey.export({ type: "spki", format: "pem" }).toString(),
    });
    expect(k).toMatchObject({
      mchid: "1900000001",
      appid: "wxd678efh567hg6787",
      apiV3Key: "0123456789abcdefghijklmnopqrstuv",
      merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
      merchantPrivateKeyPem: pkcs1,
      wxpayPublicKeyId: "PUB_KEY_ID_0119000000012026112700000000000001",
    });
  });

  it("names the bad variable without printing its value", () => {
    const secret = "short-secret-key";
    const cases: Array<[Record<string, string>, string]> = [
      [{ WECHAT_API_KEY: secret }, "WECHAT_API_KEY"],
      [{ WECHAT_PRIVATE_KEY: `${PEM_HEADER("PRIVATE KEY")}\nnot a key\n-----END-----` }, "WECHAT_PRIVATE_KEY"],
      [{ WECHAT_PRIVATE_KEY: "/nonexistent/key.pem" }, "WECHAT_PRIVATE_KEY"],
      [{ WECHAT_MCHID: "abc" }, "WECHAT_MCHID"],
      [{ WECHAT_PUBLIC_KEY_ID: "PUB_KEY_ID_A", WXPAY_SIM_PUBLIC_KEY_ID: "PUB_KEY_ID_B" }, "WECHAT_PUBLIC_KEY_ID"],
      [
        {
          WECHAT_PUBLIC_KEY: generateKeyPairSync("rsa", { modulusLength: 2048 })
            .publicKey.export({ type: "spki", format: "pem" })
            .toString(),
        },
        "WECHAT_PUBLIC_KEY",
      ],
    ];
    const dir = withKeys();
    for (const [env, variable] of cases) {
      let caught: unknown;
      try {
        loadOrCreateDevKeys(dir, env);
      } catch (e) {
        caught = e;
      }
      expect(caught, variable).toBeInstanceOf(DevKeyError);
      expect((caught as DevKeyError).variable).toBe(variable);
      expect((caught as Error).message).not.toContain(secret);
      expect((caught as Error).message).not.toContain("not a key");
    }
  });
});

describe("plugin functionEnv", () => {
  it("gives the functions the merchant side of the key set and the stack's URLs", async () => {
    const dataDir = withKeys();
    const plugin = createWxPaySimPlugin({ timeScale: 1 });
    expect(() => plugin.functionEnv!()).toThrow(/start/);
    await plugin.start!({ baseUrl: "http://127.0.0.1:5123", dataDir });
    try {
      const env = plugin.functionEnv!();
      const keys = plugin.keys();
      expect(env).toEqual({
        PAY_MODE: process.env.PAY_MODE || "wechatpay",
        WECHAT_MCHID: keys.mchid,
        WECHAT_APPID: keys.appid,
        WECHAT_API_KEY: keys.apiV3Key,
        WECHAT_SERIAL_NO: keys.merchantSerialNo,
        WECHAT_PRIVATE_KEY: readFileSync(join(dataDir, "keys", KEY_FILES.merchantPrivateKey), "utf8"),
        WECHAT_PUBLIC_KEY_ID: keys.wxpayPublicKeyId,
        WECHAT_PUBLIC_KEY: keys.wxpayPublicKeyPem,
        WECHAT_PAY_BASE_URL: "http://127.0.0.1:5123/",
        WECHAT_NOTIFY_URL: "http://127.0.0.1:5123/api/payment/notify",
      });
    } finally {
      await plugin.close!();
    }
  });

  it("rejects a bad WXPAY_SIM_SIGN_MODE / time scale", () => {
    expect(() => createWxPaySimPlugin({ timeScale: 0 })).toThrow(/timeScale/);
    expect(() => createWxPaySimPlugin({ signMode: "rsa" as never })).toThrow(/SIGN_MODE/);
  });
});
