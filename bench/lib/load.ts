// A bounded closed-loop load: `total` operations from `concurrency` workers, each worker starting its
// next operation when the previous one answered. Latency is measured per operation.

export interface LoadResult {
  concurrency: number;
  latenciesMs: number[];
  elapsedMs: number;
}

/** Runs `op(i)` for i = 0 … total-1 with at most `concurrency` in flight; an operation that throws
 *  aborts the run (a bench must not report figures for failed requests). */
export async function closedLoop(total: number, concurrency: number, op: (i: number) => Promise<void>): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t = performance.now();
        await op(i);
        latenciesMs.push(performance.now() - t);
      }
    }),
  );
  return { concurrency, latenciesMs, elapsedMs: performance.now() - started };
}
