// Lets a bench module run on its own (`npx tsx bench/x.bench.ts`) as well as from bench/run.ts.
import { fileURLToPath } from "node:url";

/** Calls `run` when `moduleUrl` is the script node was started with; exits 1 if it throws. */
export function runIfMain(moduleUrl: string, run: () => Promise<void>): void {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  run().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
