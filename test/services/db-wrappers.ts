// Database wrappers for tests: a crash at the k-th write (before or after it is applied), and a gate
// that holds chosen operations until the test lets them go.
import type { Database, Filter, FindOptions, StoredDoc, Update } from "../../shared/store/database";

export class Crash extends Error {
  constructor(k: number, when: string) {
    super(`crash injected ${when} write ${k}`);
    this.name = "Crash";
  }
}

type Op = "get" | "insert" | "append" | "update" | "find" | "remove" | "set";
const WRITES: ReadonlySet<Op> = new Set(["insert", "append", "update", "remove", "set"]);

/** Passes every operation through `around`, which may delay it, fail it, or look at its result. */
export class WrappedDatabase implements Database {
  constructor(
    private readonly inner: Database,
    private readonly around: <T>(op: Op, coll: string, run: () => Promise<T>) => Promise<T>,
  ) {}
  get(coll: string, id: string) {
    return this.around("get", coll, () => this.inner.get(coll, id));
  }
  insert(coll: string, doc: StoredDoc) {
    return this.around("insert", coll, () => this.inner.insert(coll, doc));
  }
  append(coll: string, doc: Record<string, unknown>) {
    return this.around("append", coll, () => this.inner.append(coll, doc));
  }
  update(coll: string, where: Filter, update: Update) {
    return this.around("update", coll, () => this.inner.update(coll, where, update));
  }
  find(coll: string, where: Filter, opts?: FindOptions) {
    return this.around("find", coll, () => this.inner.find(coll, where, opts));
  }
  remove(coll: string, where: Filter) {
    return this.around("remove", coll, () => this.inner.remove(coll, where));
  }
  set(coll: string, doc: StoredDoc) {
    return this.around("set", coll, () => this.inner.set(coll, doc));
  }
}

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
