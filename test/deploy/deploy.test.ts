// From a merchant's files to what tcb deploys: a temporary .env.local naming key files generated in the
// formats WeChat Pay hands out, `npm run build` into a temporary folder, cloudbaserc.json rendered by
// the tcb CLI's own renderer, and the built payNotify started (in the local stack) with exactly the
// environment tcb would give it: it verifies a notification signed with the matching WeChat Pay key
// and refuses one signed with another.
import type { KeyObject } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envBytes, SCF_ENV_LIMIT_BYTES } from "../../scripts/deploy/function-env";
import { readRawConfig, renderWithTcb, type CloudbaseConfig } from "../../scripts/deploy/tcb-config";
import { buildTestNotification, type TestKeySet, testRsaKeyPair } from "../../shared/wechatpay/testing";
import { localDatabase } from "../../dev/local-sdk";
import { buildInto } from "../helpers/build-run";
import { createMerchantSetup, DEPLOY_VARIABLES, type MerchantSetup } from "../helpers/merchant-setup";
import { REPO_ROOT, startTestStack, type TestStack } from "../helpers/stack";

// tcb lets the process environment win over .env.local: this file renders in-process, so none may leak in.
for (const k of DEPLOY_VARIABLES) delete process.env[k];

const PAYMENT_FUNCTIONS = ["createOrder", "ops", "orders", "payNotify", "refund", "sweeper"];
const KEY_FILES = ["secrets/apiclient_key.pem", "secrets/apiclient_cert.pem", "secrets/pub_key.pem"];

let setup: MerchantSetup;
let outRoot: string;
let rendered: CloudbaseConfig;
const stacks: TestStack[] = [];

beforeAll(async () => {
  setup = createMerchantSetup();
  outRoot = (await buildInto(setup.root)).outRoot;
  const r = await renderWithTcb(readRawConfig(join(REPO_ROOT, "cloudbaserc.json")), setup.root);
  if (!r.ok) throw new Error(r.reason);
  rendered = r.config;
}, 180_000);
afterAll(async () => {
  for (const s of stacks) await s.stop();
});

/** A local stack running the temporary build with the rendered config: every function gets exactly
 *  the environment tcb renders (plus `extra` for payNotify), nothing from the simulator's defaults. */
async function stackWith(extraPayNotifyEnv: Record<string, string> = {}, fn = "payNotify"): Promise<TestStack> {
  const raw = readRawConfig(join(REPO_ROOT, "cloudbaserc.json")) as { functions: Array<Record<string, unknown>> };
  const byName = new Map(rendered.functions.map((f) => [f.name, f]));
  for (const f of raw.functions) {
    const env = byName.get(String(f.name))?.envVariables;
    if (env) f.envVariables = f.name === fn ? { ...env, ...extraPayNotifyEnv } : env;
  }
  const configPath = join(setup.root, `rendered-${stacks.length}.json`);
  writeFileSync(configPath, JSON.stringify(raw));
  const stack = await startTestStack({ configPath, functionsDirs: [outRoot], trains: false });
  stacks.push(stack);
  return stack;
}

const notifyKeys = () => ({ mchid: setup.mchid, appid: setup.appid, apiV3Key: setup.apiV3Key }) as TestKeySet;

async function postNotification(stack: TestStack, signer: { serial: string; privateKey: KeyObject }) {
  const n = buildTestNotification(notifyKeys(), signer);
  const requestId = n.headers["Request-ID"]!;
  const res = await stack.post("/api/payment/notify", n.body, { ...n.headers, "content-type": "application/json" });
  const events = await localDatabase(stack.connection, { inspection: true }).collection("payment_events").where({ requestId }).get();
  // A delivery that does not verify is only counted per day and reason, never stored.
  const days = (await localDatabase(stack.connection, { inspection: true }).collection("notify_rejections").get()).data as Array<{
    codes: Record<string, number>;
  }>;
  const rejected = days.reduce((sum, d) => sum + (d.codes.BAD_SIGNATURE ?? 0), 0);
  return { status: res.status, decisions: (events.data as Array<{ decision: string }>).map((e) => e.decision), rejected };
}

describe("deploy: key files, tcb rendering, 4 KB", () => {
  it("tcb's renderer turns cloudbaserc.json + .env.local into single-line values within 4 KB per function", () => {
    expect(rendered.envId).toBe(setup.env.TCB_ENV_ID);
    expect(rendered.functions.map((f) => f.name).sort()).toEqual([
      "createOrder",
      "login",
      "ops",
      "orders",
      "passengers",
      "payNotify",
      "refund",
      "sweeper",
      "trains",
    ]);
    // Saved passengers' key reaches the two functions that seal and open ID numbers.
    for (const name of ["createOrder", "passengers"]) {
      const env = rendered.functions.find((f) => f.name === name)!.envVariables;
      expect(env.PASSENGER_DATA_KEY, name).toBe(setup.env.PASSENGER_DATA_KEY);
    }
    for (const f of rendered.functions) {
      expect(f.runtime).toBe("Nodejs24.11");
      expect(envBytes(f.envVariables), f.name).toBeLessThanOrEqual(SCF_ENV_LIMIT_BYTES);
      for (const [k, v] of Object.entries(f.envVariables)) expect(v, `${f.name} ${k}`).not.toMatch(/[\r\n]/);
    }
    for (const name of PAYMENT_FUNCTIONS) {
      const env = rendered.functions.find((f) => f.name === name)!.envVariables;
      expect(env).toMatchObject({
        WECHAT_MCHID: setup.mchid,
        WECHAT_PRIVATE_KEY: "secrets/apiclient_key.pem",
        WECHAT_MERCHANT_CERT: "secrets/apiclient_cert.pem",
        WECHAT_PUBLIC_KEY: "secrets/pub_key.pem",
        WECHAT_SERIAL_NO: "", // derived from apiclient_cert.pem at cold start
      });
    }
  });

  it("each payment function's folder carries the key files (owner-only), the others none", () => {
    for (const name of PAYMENT_FUNCTIONS) {
      for (const file of KEY_FILES) {
        const copy = join(outRoot, name, file);
        expect(readFileSync(copy, "utf8"), `${name}/${file}`).toBe(setup.files[file]);
        expect(statSync(copy).mode & 0o077, `${name}/${file} mode`).toBe(0);
      }
    }
    for (const name of ["login", "trains"]) expect(existsSync(join(outRoot, name, "secrets")), name).toBe(false);
  });

  it("the built payNotify, with exactly that environment, verifies a notification signed by the matching key and refuses another", async () => {
    // The stack's working directory is the repository: the key can only come from the function's folder.
    expect(
      existsSync(join(REPO_ROOT, setup.env.WECHAT_PUBLIC_KEY!)) && readFileSync(join(REPO_ROOT, setup.env.WECHAT_PUBLIC_KEY!), "utf8"),
    ).not.toBe(setup.files["secrets/pub_key.pem"]);
    const stack = await stackWith();
    const good = await postNotification(stack, { serial: setup.publicKeyId, privateKey: setup.wechatpayPrivateKey });
    // Verified and decrypted; the order is not ours (none exists): 400, recorded as UNKNOWN_ORDER.
    expect(good).toMatchObject({ status: 400, decisions: ["UNKNOWN_ORDER"] });
    const other = testRsaKeyPair().privateKey;
    const bad = await postNotification(stack, { serial: setup.publicKeyId, privateKey: other });
    expect(bad).toMatchObject({ status: 401, decisions: [], rejected: good.rejected + 1 });
  });

  it("an HTTP-access call is accepted even with Web SDK markers (TCB_UUID …) set; a mini-program call is refused", async () => {
    const stack = await stackWith({ TCB_UUID: "u-web-1", TCB_ISANONYMOUS_USER: "true", TCB_CUSTOM_USER_ID: "c-1", TCB_SOURCE: "web" });
    const good = await postNotification(stack, { serial: setup.publicKeyId, privateKey: setup.wechatpayPrivateKey });
    expect(good).toMatchObject({ status: 400, decisions: ["UNKNOWN_ORDER"] });
    const fromMiniProgram = await stack.call<{ statusCode: number }>(
      "payNotify",
      { httpMethod: "POST", headers: {}, body: "{}" },
      { openid: "o-user", appid: setup.appid },
    );
    expect(fromMiniProgram.result.statusCode).toBe(403);
  });

  it("refund: a Web SDK user (TCB_UUID …, no WX_OPENID) is never taken for an operator's amount refund", async () => {
    const stack = await stackWith({ TCB_UUID: "u-web-1", TCB_ISANONYMOUS_USER: "true" }, "refund");
    const r = await stack.call<{ ok: boolean; error?: { code: string } }>("refund", {
      orderId: "0123456789abcdef01234567",
      amount: 100,
      refundToken: "tok-web-1",
    });
    expect(r.result).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });
});
