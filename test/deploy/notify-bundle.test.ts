// docs/payment-core.md's claim about the deployed payNotify bundle, checked on the bundle `npm run
// build` produced (what tcb deploys), not on one this test builds: it contains wechatpay-axios-plugin
// and axios (for the automatic refund of a late payment). That they are evaluated only when a call
// needs WeChat Pay is lazy-plugin.test.ts's.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/stack";

const bundle = join(REPO_ROOT, "build", "cloudfunctions", "payNotify", "index.js");

describe("the deployed payNotify bundle", () => {
  it("contains the plugin and axios, and is about 1.3 MB", () => {
    expect(existsSync(bundle), "run npm run build first (npm test does)").toBe(true);
    const text = readFileSync(bundle, "utf8");
    expect(text).toContain("wechatpay-axios-plugin");
    expect(text).toContain("AxiosError");
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(text.length).toBeLessThan(1_600_000);
  });
});
