// What tcb deploys must be complete: every function built, every payment variable passed through as
// a placeholder (never a value), the notify route and the sweeper timer declared.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PAY_ENV_VARIABLES } from "../../shared/wechatpay/config";
import { REPO_ROOT } from "../helpers/stack";

interface Fn {
  name: string;
  handler: string;
  runtime: string;
  timeout: number;
  envVariables?: Record<string, string>;
  path?: string;
  triggers?: Array<{ name: string; type: string; config: string }>;
}
const rc = JSON.parse(readFileSync(join(REPO_ROOT, "cloudbaserc.json"), "utf8")) as {
  envId: string;
  functionRoot: string;
  functions: Fn[];
};
const byName = Object.fromEntries(rc.functions.map((f) => [f.name, f]));

describe("cloudbaserc.json", () => {
  it("declares exactly the nine functions, each built into functionRoot with index.main", () => {
    const names = readdirSync(join(REPO_ROOT, "cloudfunctions")).sort();
    expect(rc.functions.map((f) => f.name).sort()).toEqual(names);
    expect(names).toEqual(["createOrder", "login", "ops", "orders", "passengers", "payNotify", "refund", "sweeper", "trains"]);
    for (const f of rc.functions) {
      expect(f.handler).toBe("index.main");
      expect(f.runtime).toBe("Nodejs24.11");
      expect(existsSync(join(REPO_ROOT, rc.functionRoot, f.name, "index.js")), f.name).toBe(true);
      expect(existsSync(join(REPO_ROOT, rc.functionRoot, f.name, "package.json")), f.name).toBe(true);
    }
    expect(rc.envId).toBe("{{env.TCB_ENV_ID}}");
  });

  it("passes every payment variable as a {{env.X}} placeholder to the functions that talk to WeChat Pay", () => {
    for (const name of ["createOrder", "payNotify", "refund", "orders", "sweeper", "ops"]) {
      const env = byName[name]!.envVariables ?? {};
      for (const v of PAY_ENV_VARIABLES) expect(env[v], `${name} ${v}`).toBe(`{{env.${v}}}`);
    }
    for (const f of rc.functions)
      for (const value of Object.values(f.envVariables ?? {})) expect(value).toMatch(/^\{\{env\.[A-Z0-9_]+\}\}$/);
  });

  it("routes /api/payment/notify to payNotify and /ops to the console, and runs sweeper every minute", () => {
    expect(rc.functions.filter((f) => f.path).map((f) => [f.name, f.path])).toEqual([
      ["payNotify", "/api/payment/notify"],
      ["ops", "/ops"],
    ]);
    expect(byName.ops!.envVariables?.OPS_ORIGIN).toBe("{{env.OPS_ORIGIN}}");
    // The page ships inside the function's folder: index.html and the hashed assets it names.
    const html = readFileSync(join(REPO_ROOT, rc.functionRoot, "ops", "public", "index.html"), "utf8");
    const assets = [...html.matchAll(/(?:src|href)="assets\/([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.map((a) => a.split(".").pop()).sort()).toEqual(["css", "js"]);
    for (const asset of assets) expect(existsSync(join(REPO_ROOT, rc.functionRoot, "ops", "public", asset)), asset).toBe(true);
    expect(byName.sweeper!.triggers).toEqual([{ name: "everyMinute", type: "timer", config: "0 */1 * * * * *" }]);
  });

  it("nothing of the local stack, the simulator or the test helpers is in a deployed bundle", () => {
    for (const f of rc.functions) {
      const js = readFileSync(join(REPO_ROOT, rc.functionRoot, f.name, "index.js"), "utf8");
      for (const marker of ["/sim/pay", "cloudbase.sqlite", "WXPAY_SIM_", "generateTestKeySet", "better-sqlite3", "mingo"])
        expect(js.includes(marker), `${f.name}: ${marker}`).toBe(false);
    }
  });

  it("bundles are self-contained: no require of anything outside node built-ins", () => {
    for (const f of rc.functions) {
      const js = readFileSync(join(REPO_ROOT, rc.functionRoot, f.name, "index.js"), "utf8");
      const required = [...js.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
      const outside = required.filter((r) => !r.startsWith("node:") && !BUILTINS.has(r.split("/")[0]!) && !OPTIONAL.has(r));
      expect(outside, f.name).toEqual([]);
    }
  });
});

const BUILTINS = new Set(builtinModules);
/** Optional native speed-ups probed inside try/catch by SDK dependencies; absent in CloudBase too. */
const OPTIONAL = new Set(["bufferutil", "utf-8-validate", "encoding"]);
