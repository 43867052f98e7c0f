// payNotify's cold start: parsing notifications never loads wechatpay-axios-plugin; a gateway call does.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/tmp";

const root = join(import.meta.dirname, "..", "..");

describe("lazy plugin loading", () => {
  it("notification parsing leaves the plugin unloaded; the first gateway call loads it", () => {
    const dir = tempDir("lazy-");
    const script = join(dir, "probe.mts");
    writeFileSync(
      script,
      `
import { createRequire } from "node:module";
import { getPaymentRuntime } from ${JSON.stringify(join(root, "shared/wechatpay/payment-from-env.ts"))};
import { buildTestNotification, generateTestKeySet, testEnv } from ${JSON.stringify(join(root, "shared/wechatpay/testing.ts"))};
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("wechatpay-axios-plugin"));
const keys = generateTestKeySet();
const rt = getPaymentRuntime(testEnv(keys, { WECHAT_PAY_BASE_URL: "http://127.0.0.1:9/", WECHAT_NOTIFY_URL: "http://127.0.0.1:9/n" }));
if (!rt.ok) throw new Error(rt.error.message);
const parsed = await rt.notifications.parse(buildTestNotification(keys, keys.wechatpay));
const before = loaded();
await rt.gateway.queryByOutTradeNo("T2026LAZY01");
console.log(JSON.stringify({ parsed: parsed.ok, before, after: loaded() }));
`,
    );
    const out = execFileSync(join(root, "node_modules/.bin/tsx"), [script], { cwd: root, encoding: "utf8", timeout: 30_000 });
    expect(JSON.parse(out.trim().split("\n").pop()!)).toEqual({ parsed: true, before: false, after: true });
  });

  it("a bundle of the notification-only runtime contains neither the plugin nor axios", async () => {
    const inputsOf = async (file: string) => {
      const r = await build({
        entryPoints: [join(root, file)],
        bundle: true,
        platform: "node",
        format: "cjs",
        write: false,
        metafile: true,
        logLevel: "silent",
      });
      return Object.keys(r.metafile.inputs);
    };
    const notifyOnly = await inputsOf("shared/wechatpay/notify-from-env.ts");
    expect(notifyOnly.filter((p) => p.includes("node_modules"))).toEqual([]);
    // Positive control: the full runtime does bundle the plugin (loaded lazily at the first call).
    expect((await inputsOf("shared/wechatpay/payment-from-env.ts")).some((p) => p.includes("wechatpay-axios-plugin"))).toBe(true);
  });
});
