// Runs around every page-test file (vitest setupFiles). Page files share worker processes (a fresh
// process per file cost ~2.5 s of CPU each: jsdom, the simulator, the worker itself), so each file
// must leave nothing behind for the next:
// - timers: pages poll and count down on real timers, which can outlive the test that started them
//   and would then call the next file's fake `wx`. Every timer the file's code set and that has not
//   run or been cleared is cleared when the file ends. (Vitest keeps its own copies of the timer
//   functions, so its timers never pass through here.)
// - modules: the mini-program's modules are loaded with Node's require (harness.ts) and keep state
//   (the session's station list, the server-clock offset): the next file loads them afresh.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

// Not imported from ./harness: that loads the simulator, which needs the DOM a test file installs first.
const mpRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "miniprogram");
const moduleCache = createRequire(import.meta.url).cache;

type Handle = ReturnType<typeof setTimeout>;

interface Tracker {
  live: Set<Handle>;
}

const g = globalThis as unknown as { __pageTestTimers?: Tracker };

/** Wraps the global timer functions once per worker process; `live` holds the pending ones. */
function tracker(): Tracker {
  if (g.__pageTestTimers) return g.__pageTestTimers;
  const t: Tracker = { live: new Set() };
  const { setTimeout: st, clearTimeout: ct, setInterval: si, clearInterval: ci } = globalThis;
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const h: Handle = st(
      (...a: unknown[]) => {
        t.live.delete(h);
        fn(...a);
      },
      ms,
      ...args,
    );
    t.live.add(h);
    return h;
  }) as typeof setTimeout;
  globalThis.setInterval = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const h = si(fn, ms, ...args);
    t.live.add(h);
    return h;
  }) as typeof setInterval;
  globalThis.clearTimeout = ((h?: Handle) => {
    if (h !== undefined) t.live.delete(h);
    ct(h);
  }) as typeof clearTimeout;
  globalThis.clearInterval = ((h?: Handle) => {
    if (h !== undefined) t.live.delete(h);
    ci(h);
  }) as typeof clearInterval;
  g.__pageTestTimers = t;
  return t;
}

const timers = tracker();

/** Clears every pending timer set since the last sweep and unloads the mini-program's modules. */
export function sweepFile(): void {
  for (const h of timers.live) {
    clearTimeout(h);
    clearInterval(h);
  }
  timers.live.clear();
  for (const id of Object.keys(moduleCache)) if (id.startsWith(mpRoot)) delete moduleCache[id];
}

afterAll(sweepFile);
