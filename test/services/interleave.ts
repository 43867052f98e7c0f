// Concurrency without wall-clock time: services racing in one process interleave at their awaits.
// `interleaved` makes every database operation wait a seeded pseudo-random number of microtask
// turns first, so each seed explores another interleaving of the same race, reproducibly.
import type { Database } from "../../shared/store/database";
import { WrappedDatabase } from "./db-wrappers";

/** mulberry32: small, seedable, good enough to pick interleavings. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function interleaved(inner: Database, seed: number, maxTurns = 4): Database {
  const next = prng(seed);
  return new WrappedDatabase(inner, async (_op, _coll, run) => {
    for (let i = Math.floor(next() * (maxTurns + 1)); i > 0; i--) await Promise.resolve();
    return run();
  });
}
