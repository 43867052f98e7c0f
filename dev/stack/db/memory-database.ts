// The local stack's database engine in-process, behind the services' Database interface: the same
// query and update semantics the stack answers the SDK with (mingo, "updated" counts only documents
// that changed), in memory, no HTTP. Each operation is atomic: it runs synchronously when called.
import type { Database, Filter, FindOptions, StoredDoc, Update } from "../../../shared/store/database";
import { declaredIndexes, type CollectionDeclaration } from "../../../shared/store/schema";
import { queryShape, servingIndex, type IndexKey, type IndexSpec } from "./index-rule";
import { StackError } from "../errors";
import * as engine from "./engine";
import { idKey } from "./store";
import type { Doc } from "./ejson";

/** Shaped like the errors the node-sdk throws, so callers branch on them the same way. */
function sdkError(e: unknown): Error {
  if (!(e instanceof StackError)) return e as Error;
  return Object.assign(new Error(`[${e.code}] ${e.message}`), { code: e.code });
}

export interface MemoryDatabaseOptions {
  /** As strict as CloudBase under test: only these collections exist, and every query must be
   *  served by one of their indexes (the stack's rule, dev/stack/db/index-rule.ts). */
  declaration?: readonly CollectionDeclaration[];
}

export class MemoryDatabase implements Database {
  private readonly colls = new Map<string, Map<string, Doc>>();
  private readonly indexes: Map<string, IndexSpec[]> | undefined;

  constructor(opts: MemoryDatabaseOptions = {}) {
    this.indexes = opts.declaration && new Map(opts.declaration.map((c) => [c.name, declaredIndexes(c)]));
  }

  /** Refuses what CloudBase would: an undeclared collection, a query no declared index serves. */
  private check(coll: string, where: Filter | undefined, sort: readonly IndexKey[] = []): void {
    if (!this.indexes) return;
    const indexes = this.indexes.get(coll);
    if (!indexes) throw new StackError("DATABASE_COLLECTION_NOT_EXIST", `collection ${coll} does not exist`);
    if (where === undefined) return;
    const verdict = servingIndex(indexes, queryShape(where), sort);
    if (!verdict.served)
      throw new StackError("DATABASE_QUERY_NOT_INDEXED", `${coll}: ${verdict.reason} (declare an index in shared/store/schema.ts)`);
  }
  /** Every operation, in order: tests and benches read round trips from it. */
  readonly ops: { op: string; coll: string }[] = [];

  private coll(name: string): Map<string, Doc> {
    let c = this.colls.get(name);
    if (!c) this.colls.set(name, (c = new Map()));
    return c;
  }

  private readonly view: engine.DocView & engine.DocWriter = {
    get: (coll, id) => this.coll(coll).get(idKey(id)),
    scan: (coll) => [...this.coll(coll).values()],
    insert: (coll, doc) => void this.coll(coll).set(idKey(doc._id), doc),
    replace: (coll, doc) => void this.coll(coll).set(idKey(doc._id), doc),
    remove: (coll, id) => void this.coll(coll).delete(idKey(id)),
  };

  private run<T>(op: string, coll: string, fn: () => T, where?: Filter, sort?: readonly IndexKey[]): Promise<T> {
    this.ops.push({ op, coll });
    try {
      this.check(coll, where, sort);
      return Promise.resolve(structuredClone(fn()));
    } catch (e) {
      return Promise.reject(sdkError(e));
    }
  }

  get(coll: string, id: string): Promise<StoredDoc | undefined> {
    return this.run("get", coll, () => this.view.get(coll, id) as StoredDoc | undefined);
  }

  async insert(coll: string, doc: StoredDoc): Promise<"inserted" | "duplicate"> {
    try {
      await this.run("insert", coll, () => engine.insert(this.view, this.view, coll, [structuredClone(doc) as unknown as Doc]));
      return "inserted";
    } catch (e) {
      if ((e as { code?: string }).code === "DATABASE_DUPLICATE_WRITE") return "duplicate";
      throw e;
    }
  }

  async append(coll: string, doc: Record<string, unknown>): Promise<string> {
    const [id] = await this.run("append", coll, () => engine.insert(this.view, this.view, coll, [structuredClone(doc)]));
    return String(id);
  }

  update(coll: string, where: Filter, update: Update): Promise<number> {
    return this.run(
      "update",
      coll,
      () => engine.modify(this.view, this.view, coll, where, structuredClone(update), { merge: true, multi: true, upsert: false }).updated,
      where,
    );
  }

  find(coll: string, where: Filter, opts: FindOptions = {}): Promise<StoredDoc[]> {
    const order = opts.orderBy ? ({ [opts.orderBy[0]]: opts.orderBy[1] === "asc" ? 1 : -1 } as Record<string, 1 | -1>) : undefined;
    const sort: IndexKey[] = opts.orderBy ? [[opts.orderBy[0], opts.orderBy[1] === "asc" ? 1 : -1]] : [];
    return this.run(
      "find",
      coll,
      () => engine.find(this.view, coll, where, { ...(order ? { order } : {}), limit: opts.limit ?? 100 }) as unknown as StoredDoc[],
      where,
      sort,
    );
  }

  remove(coll: string, where: Filter): Promise<number> {
    return this.run("remove", coll, () => engine.remove(this.view, this.view, coll, where, true), where);
  }

  set(coll: string, doc: StoredDoc): Promise<void> {
    return this.run("set", coll, () => {
      const copy = structuredClone(doc) as unknown as Doc;
      if (this.view.get(coll, doc._id)) this.view.replace(coll, copy);
      else this.view.insert(coll, copy);
    });
  }

  /** Every document of a collection, for invariant checks (not an operation of the interface). */
  all(coll: string): StoredDoc[] {
    return structuredClone([...this.coll(coll).values()]) as unknown as StoredDoc[];
  }
}
