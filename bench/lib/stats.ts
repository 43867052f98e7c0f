// Order statistics for latency samples. Nearest-rank percentiles: with 200 samples, p99 is the
// second-slowest request, not an interpolation between two.

/** The p-th percentile (0–100) of `samples` by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** "PASS" when `ok`, else "MISS": the one spelling every bench in this folder prints. */
export const verdict = (ok: boolean): string => (ok ? "PASS" : "MISS");
