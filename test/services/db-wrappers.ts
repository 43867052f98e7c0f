// Database wrappers for tests: a crash at the k-th write (before or after it is applied), and a gate
// that holds chosen operations until the test lets them go.
import { WrappedDatabase, type Op } from "../../dev/wrapped-database";
import type { Database } from "../../shared/store/database";

export { WrappedDatabase };

export class Crash extends Error {
  constructor(k: number, when: string) {
    super(`crash injected ${when} write ${k}`);
    this.name = "Crash";
  }
}

const WRITES: ReadonlySet<Op> = new Set(["insert", "append", "update", "remove", "set"]);

/** The process dies at its k-th write (1-based): before the write is applied, or after it is
 *  applied and before its answer arrives. Every operation after that fails too. */
export function crashAt(inner: Database, k: number, when: "before" | "after"): WrappedDatabase & { crashed: () => boolean } {
  let writes = 0;
  let dead = false;
  const db = new WrappedDatabase(inner, async (op, _coll, run) => {
    if (dead) throw new Crash(k, when);
    if (!WRITES.has(op) || ++writes !== k) return run();
    dead = true;
    if (when === "after") await run();
    throw new Crash(k, when);
  });
  return Object.assign(db, { crashed: () => dead });
}

/** Holds the first operation matching `match` until `open()` is called. */
export function gate(
  inner: Database,
  match: (op: Op, coll: string) => boolean,
): { db: Database; reached: Promise<void>; open: () => void } {
  let open!: () => void;
  let reach!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const reached = new Promise<void>((r) => (reach = r));
  let used = false;
  const db = new WrappedDatabase(inner, async (op, coll, run) => {
    if (!used && match(op, coll)) {
      used = true;
      reach();
      await opened;
    }
    return run();
  });
  return { db, reached, open };
}
