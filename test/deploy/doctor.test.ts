// npm run doctor: passes a good merchant setup; fails, naming the variable, for each broken item; its
// output never holds the APIv3 key or a line of any PEM body. --online against the WeChat Pay
// simulator configured as this merchant's WeChat Pay (public-key and platform-certificate modes).
import { testRsaKeyPair } from "../../shared/wechatpay/testing";
import { execFile } from "node:child_process";
import { createPublicKey, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkGitIgnored } from "../../scripts/doctor/deploy-checks";
import { formatFindings, type Finding } from "../../scripts/doctor/findings";
import { ONLINE_CHECKS } from "../../scripts/doctor/online";
import { runDoctor } from "../../scripts/doctor/run";
import { buildInto } from "../helpers/build-run";
import {
  certificateFor,
  createMerchantSetup,
  DEPLOY_VARIABLES,
  withoutDeployVariables,
  type MerchantSetup,
} from "../helpers/merchant-setup";
import { REPO_ROOT } from "../helpers/stack";
import { tempDir } from "../helpers/tmp";
import { Sim } from "../sim/harness";

for (const k of DEPLOY_VARIABLES) delete process.env[k]; // tcb lets the shell win over .env.local

const CONFIG = join(REPO_ROOT, "cloudbaserc.json");
const DAY = 86_400_000;
let setup: MerchantSetup;
/** Every secret the doctor was ever shown: no output may contain any of them. */
const secrets = new Set<string>();
const outputs: string[] = [];

function remember(pem: string): string {
  for (const line of pem.split("\n")) if (line && !line.startsWith("-----")) secrets.add(line);
  return pem;
}

beforeAll(async () => {
  setup = createMerchantSetup({ git: true });
  for (const text of Object.values(setup.files)) remember(text);
  secrets.add(setup.apiV3Key);
  secrets.add(setup.env.PASSENGER_DATA_KEY!);
  await buildInto(setup.root);
}, 180_000);

afterAll(() => {
  // The promise every test relies on: nothing secret was printed, whatever was broken.
  expect(outputs.length).toBeGreaterThan(20);
  for (const out of outputs)
    for (const s of secrets) expect(out.includes(s), `doctor output contains a secret (${s.slice(0, 6)}…)`).toBe(false);
});

async function doctor(changes: Record<string, string> = {}, online = false): Promise<Finding[]> {
  setup.writeEnv(changes);
  const findings = await runDoctor({ root: setup.root, configPath: CONFIG, online });
  outputs.push(formatFindings("doctor", findings));
  return findings;
}

const errors = (fs: Finding[]) => fs.filter((f) => f.level === "error");
/** The errors naming `name` (as subject, or in the text for per-function findings). */
const naming = (fs: Finding[], name: string) => errors(fs).filter((f) => f.subject.split(" / ").includes(name) || f.text.includes(name));

function file(name: string, text: string): string {
  setup.writeFile(name, remember(text));
  return name;
}

describe("npm run doctor (offline)", () => {
  it("passes the setup WeChat Pay hands out (PKCS#8 key, X.509 certificate, SPKI public key), serial derived", async () => {
    const fs = await doctor();
    expect(errors(fs)).toEqual([]);
    expect(fs.find((f) => f.subject === "WECHAT_SERIAL_NO")?.text).toContain(setup.merchantSerial);
    // Six payment functions (ops included) × three key files.
    expect(fs.find((f) => f.subject === "构建产物")?.text).toMatch(/密钥文件已随函数目录部署（18 份）/);
  });

  const cases: Array<[string, string, () => Record<string, string>]> = [
    ["mchid not digits", "WECHAT_MCHID", () => ({ WECHAT_MCHID: "19000O9191" })],
    ["a tourist AppID", "WECHAT_APPID", () => ({ WECHAT_APPID: "touristappid" })],
    ["APIv3 key of 31 bytes", "WECHAT_API_KEY", () => ({ WECHAT_API_KEY: setup.apiV3Key.slice(1) })],
    ["no passenger data key", "PASSENGER_DATA_KEY", () => ({ PASSENGER_DATA_KEY: "" })],
    ["a passenger data key of 31 bytes", "PASSENGER_DATA_KEY", () => ({ PASSENGER_DATA_KEY: setup.env.PASSENGER_DATA_KEY!.slice(4) })],
    [
      "a passenger data key in hex",
      "PASSENGER_DATA_KEY",
      () => ({ PASSENGER_DATA_KEY: Buffer.from(setup.env.PASSENGER_DATA_KEY!, "base64").toString("hex") }),
    ],
    [
      "private key that does not parse",
      "WECHAT_PRIVATE_KEY",
      () => ({
        WECHAT_PRIVATE_KEY: file("secrets/truncated.pem", setup.merchantPrivateKeyPem.slice(0, 500) + "\n-----END PRIVATE KEY-----\n"),
      }),
    ],
    [
      "private key of another certificate",
      "WECHAT_PRIVATE_KEY",
      () => ({
        WECHAT_PRIVATE_KEY: file("secrets/other_key.pem", testRsaKeyPair().privateKey.export({ type: "pkcs8", format: "pem" }).toString()),
      }),
    ],
    [
      "private key given as an absolute path",
      "WECHAT_PRIVATE_KEY",
      () => ({ WECHAT_PRIVATE_KEY: join(setup.root, "secrets", "apiclient_key.pem") }),
    ],
    [
      "private key pasted as PEM text",
      "WECHAT_PRIVATE_KEY",
      () => ({ WECHAT_PRIVATE_KEY: `"${setup.merchantPrivateKeyPem.trim().replace(/\n/g, "\\n")}"` }),
    ],
    [
      "WECHAT_SERIAL_NO not the certificate's",
      "WECHAT_SERIAL_NO",
      () => ({ WECHAT_SERIAL_NO: randomBytes(20).toString("hex").toUpperCase() }),
    ],
    [
      "merchant certificate expired",
      "WECHAT_MERCHANT_CERT",
      () => {
        const cert = certificateFor(
          setup.merchantPrivateKey,
          createPublicKey(setup.merchantPrivateKey),
          "1900009191",
          new Date(Date.now() - 400 * DAY),
          new Date(Date.now() - DAY),
        );
        return { WECHAT_MERCHANT_CERT: file("secrets/expired_cert.pem", cert.pem) };
      },
    ],
    ["public key id of the wrong shape", "WECHAT_PUBLIC_KEY_ID", () => ({ WECHAT_PUBLIC_KEY_ID: "0119ABCDEF" })],
    [
      "public key that does not parse",
      "WECHAT_PUBLIC_KEY",
      () => ({
        WECHAT_PUBLIC_KEY: file(
          "secrets/garbage_pub.pem",
          "-----BEGIN PUBLIC KEY-----\nAAAAB3NzaC1yc2EAAAADAQAB\n-----END PUBLIC KEY-----\n",
        ),
      }),
    ],
    ["notify URL over http", "WECHAT_NOTIFY_URL", () => ({ WECHAT_NOTIFY_URL: setup.env.WECHAT_NOTIFY_URL!.replace("https:", "http:") })],
    ["notify URL with a query", "WECHAT_NOTIFY_URL", () => ({ WECHAT_NOTIFY_URL: setup.env.WECHAT_NOTIFY_URL + "?from=wxpay" })],
    [
      "notify URL on another path than payNotify's",
      "WECHAT_NOTIFY_URL",
      () => ({ WECHAT_NOTIFY_URL: setup.env.WECHAT_NOTIFY_URL!.replace("/api/payment/notify", "/pay/notify") }),
    ],
    ["no environment id", "TCB_ENV_ID", () => ({ TCB_ENV_ID: "" })],
    ["a value tcb cannot render (a quote in the APIv3 key)", "WECHAT_API_KEY", () => ({ WECHAT_API_KEY: `"${setup.apiV3Key.slice(3)}"x` })],
    [
      "a function environment over 4 KB",
      "WECHAT_PLATFORM_CERTS",
      () => ({
        WECHAT_PLATFORM_CERTS_DOWNLOAD: "off",
        WECHAT_PLATFORM_CERTS: Array.from({ length: 140 }, () => "secrets/pub_key.pem").join(","),
      }),
    ],
    [
      "a key file not in the build (changed after npm run build)",
      "WECHAT_PUBLIC_KEY",
      () => ({ WECHAT_PUBLIC_KEY: file("secrets/pub_key_2.pem", setup.files["secrets/pub_key.pem"]!) }),
    ],
  ];
  for (const [what, variable, change] of cases) {
    it(`fails on ${what}, naming ${variable}`, async () => {
      const fs = await doctor(change());
      expect(naming(fs, variable), JSON.stringify(errors(fs))).not.toEqual([]);
    });
  }

  it("PAY_MODE=mock (a demo without a merchant account) checks only what tcb deploys", async () => {
    const fs = await doctor({
      PAY_MODE: "mock",
      WECHAT_MCHID: "",
      WECHAT_API_KEY: "",
      WECHAT_PRIVATE_KEY: "",
      WECHAT_MERCHANT_CERT: "",
      WECHAT_PUBLIC_KEY_ID: "",
      WECHAT_PUBLIC_KEY: "",
    });
    expect(errors(fs)).toEqual([]);
    expect(fs.find((f) => f.subject === "PAY_MODE")?.level).toBe("warn");
    expect(naming(await doctor({ PAY_MODE: "live" }), "PAY_MODE")).not.toEqual([]);
  });

  it("fails when the WeChat Pay public key is the merchant's own", async () => {
    const own = createPublicKey(setup.merchantPrivateKey).export({ type: "spki", format: "pem" }).toString();
    const fs = await doctor({ WECHAT_PUBLIC_KEY: file("secrets/own_pub.pem", own) });
    expect(naming(fs, "WECHAT_PUBLIC_KEY")[0]?.text).toMatch(/商户自己的公钥/);
  });

  it("fails when the key files are not ignored by git", async () => {
    writeFileSync(join(setup.root, ".gitignore"), "build/\n");
    try {
      const fs = await doctor();
      expect(errors(fs).map((f) => f.subject)).toEqual(expect.arrayContaining([".env.local", "secrets/apiclient_key.pem"]));
    } finally {
      writeFileSync(join(setup.root, ".gitignore"), "secrets/\n.env.local\nbuild/\n");
    }
  });

  it("names exactly the files git does not ignore, with one git call for all; outside a repository it only warns", async () => {
    writeFileSync(join(setup.root, ".gitignore"), "secrets/\nbuild/\n");
    try {
      const fs = await doctor();
      expect(errors(fs).map((f) => f.subject)).toEqual([".env.local"]);
    } finally {
      writeFileSync(join(setup.root, ".gitignore"), "secrets/\n.env.local\nbuild/\n");
    }
    const outside = tempDir("no-git-");
    expect(checkGitIgnored(outside, { WECHAT_PRIVATE_KEY: "secrets/apiclient_key.pem" })).toEqual([
      expect.objectContaining({ level: "warn", subject: "git" }),
    ]);
  });

  it("the CLI prints Chinese lines and exits 1 on an error, 0 when all is well", async () => {
    const run = (): Promise<{ code: number; out: string }> =>
      new Promise((resolve) =>
        execFile(
          process.execPath,
          ["--import", "tsx", join(REPO_ROOT, "scripts", "doctor.ts"), "--root", setup.root],
          { cwd: REPO_ROOT, env: withoutDeployVariables() },
          (err, stdout) => {
            outputs.push(stdout);
            resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: stdout });
          },
        ),
      );
    setup.writeEnv();
    const good = await run();
    expect(good).toMatchObject({ code: 0 });
    expect(good.out).toMatch(/结果：通过/);
    setup.writeEnv({ WECHAT_API_KEY: setup.apiV3Key + "x" });
    const bad = await run();
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/✗ WECHAT_API_KEY：APIv3 密钥应为 32 字节，当前 33 字节/);
    expect(bad.out).toMatch(/修复：/);
  });
});

describe("npm run doctor -- --online (against the WeChat Pay simulator)", () => {
  const sims: Sim[] = [];
  afterAll(async () => {
    for (const s of sims) await s.stop();
  });

  /** The simulator as this merchant's WeChat Pay: same mchid, keys, APIv3 key and public key id. */
  async function simFor(signMode: "pubkey" | "cert"): Promise<Sim> {
    const dataDir = tempDir("doctor-sim-");
    mkdirSync(join(dataDir, "keys"), { recursive: true });
    const settings = {
      mchid: setup.mchid,
      appid: setup.appid,
      apiV3Key: setup.apiV3Key,
      merchantSerialNo: setup.merchantSerial,
      wxpayPublicKeyId: setup.publicKeyId,
      platformSerialNo: "",
    };
    writeFileSync(join(dataDir, "keys", "merchant.json"), JSON.stringify(settings));
    writeFileSync(join(dataDir, "keys", "merchant_private_key.pem"), setup.merchantPrivateKeyPem);
    writeFileSync(join(dataDir, "keys", "wxpay_private_key.pem"), setup.wechatpayPrivateKeyPem);
    const sim = await Sim.start({ signMode }, dataDir);
    sims.push(sim);
    return sim;
  }

  it("public-key mode: the signature is accepted (404 ORDER_NOT_EXIST) and the answer verifies with pub_key.pem", async () => {
    const sim = await simFor("pubkey");
    const fs = await doctor({ WECHAT_PAY_BASE_URL: sim.baseUrl + "/" }, true);
    expect(errors(fs)).toEqual([]);
    expect(fs.find((f) => f.subject === "WECHAT_PRIVATE_KEY / WECHAT_SERIAL_NO")?.text).toMatch(/404 ORDER_NOT_EXIST/);
    expect(fs.find((f) => f.subject === "WECHAT_PUBLIC_KEY" && f.level === "ok" && /应答签名已验证/.test(f.text))).toBeDefined();
    expect(fs.find((f) => f.subject === "WECHAT_PAY_BASE_URL")?.level).toBe("warn");

    // 401 SIGN_ERROR names the key and serial (no certificate here, so only the online check can tell).
    const wrongSerial = await doctor(
      { WECHAT_PAY_BASE_URL: sim.baseUrl + "/", WECHAT_MERCHANT_CERT: "", WECHAT_SERIAL_NO: randomBytes(20).toString("hex").toUpperCase() },
      true,
    );
    expect(naming(wrongSerial, "WECHAT_SERIAL_NO").map((f) => f.text)).toContainEqual(
      expect.stringMatching(/拒绝了请求签名（401 SIGN_ERROR/),
    );
    // Another WeChat Pay public key under the right id: the answer does not verify.
    const otherPub = testRsaKeyPair().publicKey.export({ type: "spki", format: "pem" }).toString();
    const wrongKey = await doctor(
      { WECHAT_PAY_BASE_URL: sim.baseUrl + "/", WECHAT_PUBLIC_KEY: file("secrets/other_pub.pem", otherPub) },
      true,
    );
    expect(naming(wrongKey, "WECHAT_PUBLIC_KEY").map((f) => f.text)).toContainEqual(
      expect.stringMatching(/应答签名用 PUB_KEY_ID_\w+ 验证失败/),
    );
  });

  it("platform-certificate mode: certificates downloaded and decrypted; a wrong APIv3 key is named", async () => {
    const sim = await simFor("cert");
    const certMode = { WECHAT_PAY_BASE_URL: sim.baseUrl + "/", WECHAT_PUBLIC_KEY_ID: "", WECHAT_PUBLIC_KEY: "" };
    const fs = await doctor(certMode, true);
    expect(errors(fs)).toEqual([]);
    expect(fs.find((f) => f.subject === "平台证书" && /下载并验证 1 张/.test(f.text))).toBeDefined();
    const wrong = await doctor({ ...certMode, WECHAT_API_KEY: randomBytes(16).toString("hex") }, true);
    expect(naming(wrong, "WECHAT_API_KEY").map((f) => f.text)).toContainEqual(expect.stringMatching(/无法用 APIv3 密钥解密/));
  });

  it("more online checks plug in after the WeChat Pay ones", async () => {
    const sim = sims[0]!;
    setup.writeEnv({ WECHAT_PAY_BASE_URL: sim.baseUrl + "/" });
    const extra = async () => [{ level: "ok" as const, subject: "database", text: "plugged in" }];
    const fs = await runDoctor({ root: setup.root, configPath: CONFIG, online: true, onlineChecks: [...ONLINE_CHECKS, extra] });
    outputs.push(formatFindings("doctor", fs));
    expect(fs.at(-1)).toEqual({ level: "ok", subject: "database", text: "plugged in" });
  });
});
