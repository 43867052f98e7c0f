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
  /** CommonJS source for `node -e`: what the process loads before it exits. */
  code: string;
}

interface Sample {
  /** Spawn to exit, as the platform waits for it. */
  wallMs: number;
  /** user + system CPU of the whole process (all threads) up to the end of loading: far less
   *  sensitive than wall time to other work on the machine. */
  cpuMs: number;
}

/** One fresh `node -e` process; throws if it fails. */
function timeProcess(s: Subject): Sample {
  const code = `${s.code};const u=process.cpuUsage();process.stdout.write(String((u.user+u.system)/1000))`;
  const t = performance.now();
  const r = spawnSync(process.execPath, ["-e", code], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", ...SCF_ENV },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`${s.name}: exit ${r.status ?? r.signal}\n${r.stderr.toString().slice(0, 2000)}`);
  return { wallMs, cpuMs: Number(r.stdout.toString()) };
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
  const rounds: Map<string, Sample>[] = [];

  for (const s of subjects) timeProcess(s); // warm the file cache once
  // Round-robin, starting at a different subject each round, so drift in machine load and cache
  // state falls on every subject alike; ratios are taken within a round, then the median.
  for (let r = 0; r < RUNS; r++) {
    const round = new Map<string, Sample>();
    for (let k = 0; k < subjects.length; k++) {
      const s = subjects[(r + k) % subjects.length]!;
      round.set(s.name, timeProcess(s));
    }
    rounds.push(round);
  }

  const of = (name: string, m: keyof Sample) => rounds.map((r) => r.get(name)![m]);
  const ratio = (name: string, m: keyof Sample) => median(rounds.map((r) => r.get(name)![m] / r.get(baseline.name)![m]));
  console.log(`cold start: fresh node process that requires the module and exits (${RUNS} interleaved rounds, medians)`);
  printTable(
    ["process", "wall ms", "cpu ms"],
    [
      ["floor: node -e 0", median(of(floor.name, "wallMs")), median(of(floor.name, "cpuMs"))],
      [
        'naive: require("wx-server-sdk") + require("wechatpay-axios-plugin")',
        median(of(baseline.name, "wallMs")),
        median(of(baseline.name, "cpuMs")),
      ],
    ],
  );
  console.log("");
  printTable(
    ["function", "wall ms", "cpu ms", "ratio wall", "ratio cpu", "target", "verdict"],
    functions.map((f) => {
      const r = ratio(f.name, "wallMs");
      return [
        f.name,
        median(of(f.name, "wallMs")),
        median(of(f.name, "cpuMs")),
        r.toFixed(2),
        ratio(f.name, "cpuMs").toFixed(2),
        `≤ ${TARGET_RATIO}`,
        verdict(r <= TARGET_RATIO),
      ];
    }),
  );
  console.log("ratio = median over rounds of (function / naive baseline) in the same round; the verdict uses wall time.");
}

runIfMain(import.meta.url, run);
