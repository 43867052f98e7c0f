// One line describing the machine a figure came from: other work on a 2-core box moves latencies a lot.
import { availableParallelism, loadavg } from "node:os";

export function machineLine(): string {
  const [one] = loadavg();
  return `machine: ${availableParallelism()} cores, load average ${one!.toFixed(2)} (1 min), node ${process.version}`;
}
