// Cold start of each built function: a fresh `node` process that requires the bundle and exits,
// against the naive baseline (a fresh process doing an unbundled require("wx-server-sdk") +
// require("wechatpay-axios-plugin")), interleaved in the same run. Target: median ratio ≤ 0.7 for
// every function. The bare `node -e 0` floor is printed for scale.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../dev/launch";
import { median, verdict } from "./lib/stats";
import { printTable } from "./lib/table";
import { runIfMain } from "./lib/standalone";

const RUNS = Number(process.env.BENCH_COLDSTART_RUNS ?? "15");
const TARGET_RATIO = 0.7;
const BUILD_DIR = join(REPO_ROOT, "build", "cloudfunctions");

// What CloudBase sets in a function's environment (and the local stack passes on): with these the
// SDKs read their configuration from the environment instead of probing metadata endpoints at load.
// Both sides get exactly the same environment.
const SCF_ENV: Record<string, string> = {
  TENCENTCLOUD_RUNENV: "SCF",
  TENCENTCLOUD_REGION: "ap-shanghai",
  TENCENTCLOUD_SECRETID: "local",
  TENCENTCLOUD_SECRETKEY: "local",
  SCF_NAMESPACE: "local-env",
  TCB_ENV: "local-env",
  TCB_CONTEXT_CNFG: JSON.stringify({ URL: "http://127.0.0.1:9/admin" }),
};

interface Subject {
  name: string;
  /** CommonJS source for `node -e`. */
  code: string;
}

/** Milliseconds from spawn to exit of `node -e code`; throws if the process fails. */
function timeProcess(s: Subject): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, ["-e", s.code], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "", ...SCF_ENV }, stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${s.name}: exit ${r.status ?? r.signal}\n${r.stderr.toString().slice(0, 2000)}`);
  return ms;
}

export function builtFunctions(): string[] {
  if (!existsSync(BUILD_DIR)) throw new Error(`${BUILD_DIR} missing: run npm run build first`);
  return readdirSync(BUILD_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(BUILD_DIR, d.name, "index.js")))
    .map((d) => d.name)
    .sort();
}

export async function run(): Promise<void> {
  const floor: Subject = { name: "node -e 0", code: "0" };
  const baseline: Subject = { name: "naive baseline", code: 'require("wx-server-sdk");require("wechatpay-axios-plugin")' };
  const functions: Subject[] = builtFunctions().map((name) => ({
    name,
    code: `require(${JSON.stringify(join(BUILD_DIR, name, "index.js"))})`,
  }));
  const subjects = [floor, baseline, ...functions];
  const samples = new Map<string, number[]>(subjects.map((s) => [s.name, []]));

  for (const s of subjects) timeProcess(s); // warm the file cache once
  // Round-robin, starting at a different subject each round, so drift in machine load and cache
  // state falls on every subject alike.
  for (let r = 0; r < RUNS; r++) {
    for (let k = 0; k < subjects.length; k++) {
      const s = subjects[(r + k) % subjects.length]!;
      samples.get(s.name)!.push(timeProcess(s));
    }
  }

  const med = (name: string) => median(samples.get(name)!);
  const base = med(baseline.name);
  console.log(`cold start: fresh node process, require, exit (median of ${RUNS} interleaved runs)`);
  console.log(`floor  node -e 0                                    ${med(floor.name).toFixed(1)} ms`);
  console.log(`naive  require("wx-server-sdk") + ("wechatpay-axios-plugin")  ${base.toFixed(1)} ms\n`);
  printTable(
    ["function", "median ms", "ratio", "target", "verdict"],
    functions.map((f) => {
      const ratio = med(f.name) / base;
      return [f.name, med(f.name), ratio.toFixed(2), `≤ ${TARGET_RATIO}`, verdict(ratio <= TARGET_RATIO)];
    }),
  );
}

runIfMain(import.meta.url, run);
