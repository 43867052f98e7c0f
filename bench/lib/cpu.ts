// Throughput per CPU-second of this process, and a paired comparison of two operations: CPU time,
// not wall time, so other processes on a busy machine count against neither side.
import { median } from "./stats";

/** Operations per CPU-second over one round of about `roundMs` wall time. */
export async function cpuRate(op: () => unknown, roundMs: number): Promise<number> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  let n = 0;
  while (performance.now() - start < roundMs) {
    for (let i = 0; i < 20; i++) await op();
    n += 20;
  }
  const used = process.cpuUsage(cpu);
  return (n * 1e6) / (used.user + used.system);
}

/** Back-to-back rounds of both, order alternated, after a warm-up: the ratio of each pair cancels
 *  drift in machine load; the medians are reported. */
export async function pairedRates(
  floor: () => unknown,
  ours: () => unknown,
  pairs = 12,
  roundMs = 250,
): Promise<{ floor: number; ours: number; ratio: number }> {
  await cpuRate(floor, roundMs);
  await cpuRate(ours, roundMs);
  const f: number[] = [];
  const o: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    let fr: number;
    let or: number;
    if (i % 2 === 0) {
      fr = await cpuRate(floor, roundMs);
      or = await cpuRate(ours, roundMs);
    } else {
      or = await cpuRate(ours, roundMs);
      fr = await cpuRate(floor, roundMs);
    }
    f.push(fr);
    o.push(or);
    ratios.push(or / fr);
  }
  return { floor: median(f), ours: median(o), ratio: median(ratios) };
}
