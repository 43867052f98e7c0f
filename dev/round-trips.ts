// Sequential database round trips, counted in-process: a Database wrapper that sees every request
// and the waves they form. A request that starts while another is in flight joins the current wave;
// one that starts when none is in flight opens a new wave. Requests sent together cost one round trip
// of latency, so waves are a call's critical path in round trips. Nothing is timed: the same code
// gives the same count on any machine. Used by test/services/round-trips.test.ts and
// bench/functions.bench.ts (the stack's own counters see requests, not which of them overlapped).
import type { Database } from "../shared/store/database";
import { WrappedDatabase } from "./wrapped-database";

export class RoundTripCounter {
  /** The database to hand the code being measured. */
  readonly db: Database;
  requests = 0;
  waves = 0;
  /** Per wave, its requests as "op collection", in the order they started. */
  trace: string[][] = [];
  private inFlight = 0;

  constructor(inner: Database) {
    this.db = new WrappedDatabase(inner, (op, coll, run) => this.track(`${op} ${coll}`, run));
  }

  /** Starts counting afresh (call it when nothing is in flight). */
  reset(): void {
    this.requests = 0;
    this.waves = 0;
    this.trace = [];
  }

  private async track<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (this.inFlight === 0) {
      this.waves++;
      this.trace.push([]);
    }
    this.requests++;
    this.trace.at(-1)!.push(what);
    this.inFlight++;
    try {
      return await run();
    } finally {
      this.inFlight--;
    }
  }
}
