// A Database that passes every operation through one function, which may count, delay, fail or
// look at it: the base of the test wrappers (test/services/db-wrappers.ts, interleave.ts) and of the
// round-trip counter (round-trips.ts).
import type { Database, Filter, FindOptions, StoredDoc, Update } from "../shared/store/database";

export type Op = "get" | "insert" | "append" | "update" | "find" | "remove" | "set";

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
