// The whole `npm test` (build, then the tests with the type check and lint beside them), once: its
// wall time against the 90 s target on 2 cores, and the CPU time of everything it ran (children
// included), which moves far less than wall time with other work on the machine. BENCH_SUITE=0
// skips it (it takes as long as the suite).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";
import { REPO_ROOT } from "../dev/launch";
import { verdict } from "./lib/stats";
import { printTable } from "./lib/table";
import { runIfMain } from "./lib/standalone";

const TARGET_S = 90;

/** CPU seconds (user, system) of this process's waited-for descendants, from /proc (Linux). */
function childrenCpu(): { user: number; system: number } | undefined {
  try {
    // Fields after the command name (which is in parentheses and may hold spaces): cutime and cstime
    // are the 14th and 15th of them, in clock ticks (USER_HZ, 100 on Linux).
    const stat = readFileSync("/proc/self/stat", "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: Number(rest[13]) / 100, system: Number(rest[14]) / 100 };
  } catch {
    return undefined;
  }
}

export async function run(): Promise<void> {
  if (process.env.BENCH_SUITE === "0") {
    console.log("skipped (BENCH_SUITE=0)");
    return;
  }
  const before = childrenCpu();
  const started = performance.now();
  let output = "";
  const code = await new Promise<number>((resolve) => {
    const child = spawn("npm", ["test"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("exit", (c) => resolve(c ?? 1));
  });
  const wall = (performance.now() - started) / 1000;
  const after = childrenCpu();
  const plain = stripVTControlCharacters(output);
  const tests = plain.match(/Tests\s+(.+?)\n/)?.[1]?.trim() ?? "?";
  const vitest = plain.match(/Duration\s+([\d.]+)s/)?.[1];
  const cpu = before && after ? after.user + after.system - before.user - before.system : undefined;
  printTable(
    ["what", "figure"],
    [
      ["npm test exit code", String(code)],
      ["tests", tests],
      ["wall time (build + tests + checks)", `${wall.toFixed(1)} s  (target ≤ ${TARGET_S} s on 2 cores: ${verdict(wall <= TARGET_S)})`],
      ["vitest's own duration", vitest ? `${vitest} s` : "?"],
      [
        "CPU time, all processes",
        cpu === undefined ? "? (no /proc)" : `${cpu.toFixed(1)} s (${(cpu / wall).toFixed(2)} cores busy on average)`,
      ],
    ],
  );
  if (code !== 0) throw new Error(`npm test failed:\n${plain.split("\n").slice(-40).join("\n")}`);
}

runIfMain(import.meta.url, run);
