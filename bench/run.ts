// `npm run bench` (after npm run build): runs every bench/*.bench.ts in turn, each module's exported
// run(), under a header. BENCH_ONLY=notify,functions runs a subset (names without .bench.ts). Exits
// non-zero if any bench throws; the others still run.
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import { machineLine } from "./lib/machine";

const dir = fileURLToPath(new URL(".", import.meta.url));
const all = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length))
  .sort();
const only = process.env.BENCH_ONLY?.split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = only?.filter((n) => !all.includes(n)) ?? [];
if (unknown.length) {
  console.error(`BENCH_ONLY: no bench named ${unknown.join(", ")} (have: ${all.join(", ")})`);
  process.exit(2);
}
const selected = only ? all.filter((n) => only.includes(n)) : all;

const failed: string[] = [];
const envAtStart = { ...process.env };
for (const name of selected) {
  // A bench may point process.env at its own stack (db does); the next one starts from a clean slate.
  for (const k of Object.keys(process.env)) if (!(k in envAtStart)) delete process.env[k];
  Object.assign(process.env, envAtStart);
  console.log(`\n=== ${name} (bench/${name}.bench.ts) — ${machineLine()}`);
  const started = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(dir, `${name}.bench.ts`)).href)) as { run?: () => Promise<void> };
    if (typeof mod.run !== "function") throw new Error(`bench/${name}.bench.ts exports no run()`);
    await mod.run();
    console.log(`--- ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    failed.push(name);
    console.error(`--- ${name} FAILED:`, e);
  }
}
if (failed.length) {
  console.error(`\nbenches failed: ${failed.join(", ")}`);
  process.exit(1);
}
