// Configuration: each bad variable is named with its reason; no secret appears in the message.
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPayConfig, parsePayConfig, type PayConfigResult } from "../../shared/wechatpay/config";
import { tempDir } from "../helpers/tmp";
import { generateTestCertificate, generateTestKeySet, testEnv, type TestKeySet, testRsaKeyPair } from "../../shared/wechatpay/testing";

let keys: TestKeySet;
beforeAll(() => {
  keys = generateTestKeySet({ platformCertificate: true });
});

function issuesOf(result: PayConfigResult): Record<string, string> {
  if (result.ok) throw new Error("expected a config error");
  return Object.fromEntries(result.error.issues.map((i) => [i.variable, i.reason]));
}

/** Neither the message nor any issue carries secret material. */
function expectNoSecret(result: PayConfigResult, ...secrets: string[]): void {
  const text = JSON.stringify(result.ok ? {} : result.error);
  for (const s of secrets) {
    expect(text).not.toContain(s);
    const body = s.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
    if (body.length > 40) expect(text.replace(/\s+/g, "")).not.toContain(body.slice(20, 60));
  }
}

describe("loadPayConfig", () => {
  it("loads a complete public-key configuration with parsed KeyObjects", () => {
    const r = parsePayConfig(testEnv(keys));
    if (!r.ok) throw new Error(r.error.message);
    if (r.config.mode !== "wechatpay") throw new Error("mode");
    expect(r.config.mchid).toBe(keys.mchid);
    expect(r.config.merchantSerial).toBe(keys.merchantSerial);
    expect(r.config.merchantPrivateKey.type).toBe("private");
    expect(r.config.apiV3Key.type).toBe("secret");
    expect(r.config.publicKeys.get(keys.wechatpay.serial)?.type).toBe("public");
    expect(r.config.downloadPlatformCerts).toBe(false);
    expect(r.config.baseUrl).toBe("https://api.mch.weixin.qq.com/");
    expect(r.config.timeoutMs).toBe(5000);
  });

  it("parses keys once per process: the same environment returns the same objects", () => {
    const env = testEnv(keys);
    const a = loadPayConfig(env);
    const b = loadPayConfig({ ...env });
    expect(a).toBe(b);
    const c = loadPayConfig({ ...env, WECHAT_PAY_TIMEOUT_MS: "3000" });
    expect(c).not.toBe(a);
  });

  it("defaults PAY_MODE to wechatpay and accepts mock without a merchant account", () => {
    expect(issuesOf(parsePayConfig({}))).toHaveProperty("WECHAT_MCHID");
    const mock = parsePayConfig({ PAY_MODE: "mock" });
    expect(mock.ok && mock.config.mode).toBe("mock");
    expect(issuesOf(parsePayConfig({ PAY_MODE: "live" }))).toHaveProperty("PAY_MODE");
  });

  it("names every missing variable", () => {
    const issues = issuesOf(parsePayConfig({ PAY_MODE: "wechatpay" }));
    for (const name of ["WECHAT_MCHID", "WECHAT_APPID", "WECHAT_API_KEY", "WECHAT_NOTIFY_URL", "WECHAT_SERIAL_NO", "WECHAT_PRIVATE_KEY"]) {
      expect(issues[name]).toMatch(/required/);
    }
  });

  it("refuses an APIv3 key that is not 32 bytes, without echoing it", () => {
    const secret = "abcdefghijklmnopqrstuvwxyz01234"; // 31 bytes
    const r = parsePayConfig(testEnv(keys, { WECHAT_API_KEY: secret }));
    expect(issuesOf(r).WECHAT_API_KEY).toMatch(/exactly 32 bytes.*got 31/);
    expectNoSecret(r, secret);
    // 32 characters but 34 bytes (two 2-byte characters)
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_API_KEY: "é".repeat(2) + "a".repeat(30) }))).WECHAT_API_KEY).toMatch(/got 34/);
  });

  it("refuses a private key that does not parse, without echoing it", () => {
    // Truncated base64 inside intact armour.
    const broken = keys.merchantPrivateKeyPem.slice(0, 400) + "\n-----END PRIVATE KEY-----\n";
    const r = parsePayConfig(testEnv(keys, { WECHAT_PRIVATE_KEY: broken }));
    expect(issuesOf(r).WECHAT_PRIVATE_KEY).toMatch(/does not parse/);
    expectNoSecret(r, broken, keys.merchantPrivateKeyPem);
  });

  it("refuses a private key pasted without PEM armour, without echoing it", () => {
    const bare = keys.merchantPrivateKeyPem.replace(/-----[A-Z ]+-----/g, "").replace(/\n/g, "");
    const r = parsePayConfig(testEnv(keys, { WECHAT_PRIVATE_KEY: bare }));
    expect(issuesOf(r).WECHAT_PRIVATE_KEY).toMatch(/neither PEM text/);
    expectNoSecret(r, bare);
  });

  it("accepts PKCS#1 and PKCS#8 private keys, as text, one-line \\n text, or a file path", () => {
    const dir = mkdtempSync(join(tmpdir(), "paycfg-"));
    const pkcs1 = createPrivateKey(keys.merchantPrivateKeyPem).export({ type: "pkcs1", format: "pem" }).toString();
    const file = join(dir, "apiclient_key.pem");
    writeFileSync(file, pkcs1);
    for (const value of [pkcs1, keys.merchantPrivateKeyPem, keys.merchantPrivateKeyPem.replace(/\n/g, "\\n"), file, `file://${file}`]) {
      const r = parsePayConfig(testEnv(keys, { WECHAT_PRIVATE_KEY: value }));
      expect(r.ok, r.ok ? "" : r.error.message).toBe(true);
    }
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_PRIVATE_KEY: join(dir, "missing.pem") }))).WECHAT_PRIVATE_KEY).toMatch(
      /readable file/,
    );
  });

  it("refuses a short RSA key and a non-RSA key", () => {
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_PRIVATE_KEY: small }))).WECHAT_PRIVATE_KEY).toMatch(/1024 bits/);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_PRIVATE_KEY: ec }))).WECHAT_PRIVATE_KEY).toMatch(/not an RSA/);
  });

  it("requires https for the notify URL unless the API base is loopback", () => {
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_NOTIFY_URL: "http://example.com/notify" }))).WECHAT_NOTIFY_URL).toMatch(/https/);
    const local = parsePayConfig(
      testEnv(keys, { WECHAT_NOTIFY_URL: "http://127.0.0.1:9000/notify", WECHAT_PAY_BASE_URL: "http://127.0.0.1:9000" }),
    );
    expect(local.ok).toBe(true);
    if (local.ok) expect(local.config.baseUrl).toBe("http://127.0.0.1:9000/");
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_NOTIFY_URL: "https://example.com/n?a=1" }))).WECHAT_NOTIFY_URL).toMatch(/query/);
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_NOTIFY_URL: "notify" }))).WECHAT_NOTIFY_URL).toMatch(/absolute/);
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_PAY_BASE_URL: "http://example.com/" }))).WECHAT_PAY_BASE_URL).toMatch(/loopback/);
  });

  it("checks the public key pair, the serial and the download switch", () => {
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_PUBLIC_KEY: "" }))).WECHAT_PUBLIC_KEY).toMatch(
      /required when WECHAT_PUBLIC_KEY_ID/,
    );
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_PUBLIC_KEY_ID: "12345" }))).WECHAT_PUBLIC_KEY_ID).toMatch(/PUB_KEY_ID_/);
    expect(
      issuesOf(parsePayConfig(testEnv(keys, { WECHAT_PUBLIC_KEY: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" })))
        .WECHAT_PUBLIC_KEY,
    ).toMatch(/does not parse/);
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_SERIAL_NO: "not-hex" }))).WECHAT_SERIAL_NO).toMatch(/hex/);
    expect(
      issuesOf(parsePayConfig(testEnv(keys, { WECHAT_PLATFORM_CERTS_DOWNLOAD: "sometimes" }))).WECHAT_PLATFORM_CERTS_DOWNLOAD,
    ).toBeDefined();
    expect(
      issuesOf(parsePayConfig(testEnv(keys, { WECHAT_PUBLIC_KEY_ID: "", WECHAT_PUBLIC_KEY: "", WECHAT_PLATFORM_CERTS_DOWNLOAD: "off" })))
        .WECHAT_PUBLIC_KEY,
    ).toMatch(/no WeChat Pay key/);
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_PAY_TIMEOUT_MS: "5s" }))).WECHAT_PAY_TIMEOUT_MS).toBeDefined();
  });

  it("platform-certificate mode: certificates from the environment, download when no public key", () => {
    const r = parsePayConfig(
      testEnv(keys, { WECHAT_PUBLIC_KEY_ID: "", WECHAT_PUBLIC_KEY: "", WECHAT_PLATFORM_CERTS: keys.platform!.certificatePem }),
    );
    if (!r.ok || r.config.mode !== "wechatpay") throw new Error("expected config");
    expect(r.config.platformCerts.get(keys.platform!.serial)?.type).toBe("public");
    expect(r.config.downloadPlatformCerts).toBe(true);
    const both = parsePayConfig(testEnv(keys, { WECHAT_PLATFORM_CERTS: keys.platform!.certificatePem }));
    if (!both.ok || both.config.mode !== "wechatpay") throw new Error("expected config");
    expect(both.config.downloadPlatformCerts).toBe(false);
    expect(both.config.publicKeys.size + both.config.platformCerts.size).toBe(2);
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_PLATFORM_CERTS: keys.wechatpay.publicKeyPem }))).WECHAT_PLATFORM_CERTS).toMatch(
      /CERTIFICATE/,
    );
  });

  it("merchant certificate (apiclient_cert.pem): derives WECHAT_SERIAL_NO, checks it and the key pair", () => {
    const cert = generateTestCertificate(keys.merchantPrivateKey, keys.merchantPublicKey, "1900009191_test");
    const derived = parsePayConfig(testEnv(keys, { WECHAT_SERIAL_NO: "", WECHAT_MERCHANT_CERT: cert.pem }));
    if (!derived.ok || derived.config.mode !== "wechatpay") throw new Error(derived.ok ? "mode" : derived.error.message);
    expect(derived.config.merchantSerial).toBe(cert.serial);
    expect(parsePayConfig(testEnv(keys, { WECHAT_SERIAL_NO: cert.serial.toLowerCase(), WECHAT_MERCHANT_CERT: cert.pem })).ok).toBe(true);
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_MERCHANT_CERT: cert.pem }))).WECHAT_SERIAL_NO).toMatch(
      /not the serial of the certificate/,
    );
    const other = testRsaKeyPair();
    const foreign = generateTestCertificate(other.privateKey, other.publicKey, "someone else");
    const r = parsePayConfig(testEnv(keys, { WECHAT_SERIAL_NO: "", WECHAT_MERCHANT_CERT: foreign.pem }));
    expect(issuesOf(r).WECHAT_PRIVATE_KEY).toMatch(/not the private key of the certificate/);
    expectNoSecret(r, keys.merchantPrivateKeyPem);
    expect(issuesOf(parsePayConfig(testEnv(keys, { WECHAT_SERIAL_NO: "" }))).WECHAT_SERIAL_NO).toMatch(/required.*WECHAT_MERCHANT_CERT/);
  });

  it("relative key paths are looked up in the given folders in order (a deployed function's own folder first)", () => {
    const fnDir = tempDir("paycfg-fn-");
    const cwdLike = tempDir("paycfg-cwd-");
    mkdirSync(join(fnDir, "secrets"));
    writeFileSync(join(fnDir, "secrets", "apiclient_key.pem"), keys.merchantPrivateKeyPem);
    writeFileSync(join(fnDir, "secrets", "pub_key.pem"), keys.wechatpay.publicKeyPem);
    const env = testEnv(keys, { WECHAT_PRIVATE_KEY: "secrets/apiclient_key.pem", WECHAT_PUBLIC_KEY: "secrets/pub_key.pem" });
    expect(parsePayConfig(env, { keyFileDirs: [fnDir, cwdLike] }).ok).toBe(true);
    expect(issuesOf(parsePayConfig(env, { keyFileDirs: [cwdLike] })).WECHAT_PRIVATE_KEY).toMatch(/readable file/);
    // Platform certificates: one file per certificate, listed with commas.
    writeFileSync(join(fnDir, "secrets", "wechatpay_a.pem"), keys.platform!.certificatePem);
    const second = generateTestCertificate(keys.platform!.privateKey, keys.platform!.publicKey, "second");
    writeFileSync(join(fnDir, "secrets", "wechatpay_b.pem"), second.pem);
    const certs = parsePayConfig(
      testEnv(keys, {
        WECHAT_PUBLIC_KEY_ID: "",
        WECHAT_PUBLIC_KEY: "",
        WECHAT_PLATFORM_CERTS: "secrets/wechatpay_a.pem, secrets/wechatpay_b.pem",
      }),
      { keyFileDirs: [fnDir] },
    );
    if (!certs.ok || certs.config.mode !== "wechatpay") throw new Error("expected config");
    expect([...certs.config.platformCerts.keys()].sort()).toEqual([keys.platform!.serial, second.serial].sort());
  });
});
