// The CloudBase database wire protocol (`POST /admin`): one action per request, answered as
// `{ requestId, data }` or `{ requestId, code, message }`. Actions outside a transaction run
// synchronously inside one SQLite transaction, so a conditional update is a true compare-and-set.
import { randomUUID } from "node:crypto";
import { StackError } from "../errors";
import { isPlainObject } from "../http-body";
import { CollectionCatalog } from "./catalog";
import { parseEjson, wireText, type Doc } from "./ejson";
import * as engine from "./engine";
import { IndexGuard, type UnindexedQuery } from "./index-guard";
import { DocStore } from "./store";
import { TransactionManager, type Transaction } from "./transactions";

type Params = Record<string, unknown>;
type Answer = Record<string, unknown>;

/** The committed store seen through the engine's view/writer interfaces. */
function committedView(store: DocStore): engine.DocView & engine.DocWriter {
  return {
    get: (coll, id) => store.get(coll, id)?.doc,
    scan: (coll) => store.scan(coll).map((s) => s.doc),
    insert: (coll, doc) => store.insert(coll, doc),
    replace: (coll, doc) => store.replace(coll, doc),
    remove: (coll, id) => store.remove(coll, id),
  };
}

function collectionOf(p: Params): string {
  const c = p.collectionName;
  if (typeof c !== "string" || c.length === 0 || c.length > 128) {
    throw new StackError("INVALID_PARAM", "collectionName must be a non-empty string");
  }
  return c;
}

function queryOf(p: Params): Doc {
  if (p.query === undefined || p.query === "") return {};
  const q = parseEjson(p.query, "query");
  if (!isPlainObject(q)) throw new StackError("INVALID_PARAM", "query must be an object");
  return q;
}

function orderOf(p: Params): Record<string, 1 | -1> | undefined {
  if (p.order === undefined) return undefined;
  const raw = parseEjson(p.order, "order");
  const out: Record<string, 1 | -1> = {};
  // Current SDKs send { field: 1 | -1 }; older ones sent [{ key, direction }].
  const entries: [unknown, unknown][] = Array.isArray(raw)
    ? raw.map((o) => (isPlainObject(o) ? [o.key, o.direction] : [undefined, undefined]))
    : isPlainObject(raw)
      ? Object.entries(raw)
      : [];
  for (const [key, dir] of entries) {
    if (typeof key !== "string") throw new StackError("INVALID_PARAM", "order keys must be field paths");
    if (dir === 1 || dir === "asc") out[key] = 1;
    else if (dir === -1 || dir === "desc") out[key] = -1;
    else throw new StackError("INVALID_PARAM", `order direction for ${key} must be 1/-1 or asc/desc`);
  }
  return out;
}

function intOf(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new StackError("INVALID_PARAM", `${name} must be a non-negative integer`);
  }
  return v;
}

function projectionOf(p: Params): Record<string, unknown> | undefined {
  if (p.projection === undefined) return undefined;
  const proj = parseEjson(p.projection, "projection");
  if (!isPlainObject(proj)) throw new StackError("INVALID_PARAM", "projection must be an object");
  return proj;
}

export interface AdminCounters {
  requests: number;
  errors: number;
  byAction: Record<string, number>;
  /** Queries on declared collections that no index served. */
  unindexed: UnindexedQuery[];
}

export interface AdminOptions {
  /** Collections whose queries are checked against their indexes. */
  indexChecked?: ReadonlySet<string>;
  /** Refuse (not just record) a query no index serves. */
  strictIndexes?: boolean;
}

// CloudBase's own text (wx-server-sdk maps the code to errCode -502005).
const NOT_EXIST_MESSAGE =
  "[ResourceNotFound] Db or Table not exist. Please check your request, but if the problem cannot be solved, contact us.";

/** Actions that name a collection, which must exist. */
const COLLECTION_ACTIONS = new Set([
  "database.insertDocument",
  "database.getDocument",
  "database.calculateDocument",
  "database.modifyDocument",
  "database.modifyAndReturnDoc",
  "database.removeDocument",
  "database.aggregateDocuments",
]);

export class AdminService {
  private readonly store: DocStore;
  private readonly committed: engine.DocView & engine.DocWriter;
  private readonly txs: TransactionManager;
  readonly catalog: CollectionCatalog;
  private readonly guard: IndexGuard;
  readonly counters: AdminCounters;
  /** Set per request by handle(); requests are answered synchronously, one at a time. */
  private inspection = false;

  constructor(dataDir: string, opts: AdminOptions = {}) {
    this.store = new DocStore(dataDir);
    this.committed = committedView(this.store);
    this.txs = new TransactionManager(this.store);
    this.catalog = new CollectionCatalog(this.store.sqlite);
    this.guard = new IndexGuard(this.catalog, { checked: opts.indexChecked ?? new Set(), strict: opts.strictIndexes === true });
    this.counters = { requests: 0, errors: 0, byAction: {}, unindexed: this.guard.unindexed };
  }

  /** Adds the documents whose `_id` is not stored yet, in one transaction, straight into the store
   *  (the stack's own seeding at start: no SDK, no HTTP; a document already there is left as it is). */
  insertMissing(coll: string, docs: readonly Doc[]): { added: number; existing: number } {
    if (!this.catalog.has(coll)) throw new StackError("DATABASE_COLLECTION_NOT_EXIST", `${NOT_EXIST_MESSAGE} (collection "${coll}")`);
    let added = 0;
    this.store.sqlite.transaction(() => {
      for (const doc of docs) {
        if (this.committed.get(coll, doc._id) !== undefined) continue;
        engine.insert(this.committed, this.committed, coll, [doc]);
        added++;
      }
    })();
    return { added, existing: docs.length - added };
  }

  /** Answers one wire request; never throws for request errors (they become `{ code, message }`).
   *  `inspection`: a test or tool reading what was stored, whose queries are not the code's and are
   *  not index-checked. */
  handle(body: unknown, inspection = false): Answer {
    this.inspection = inspection;
    const requestId = randomUUID();
    this.counters.requests++;
    try {
      if (!isPlainObject(body)) throw new StackError("INVALID_PARAM", "request body must be a JSON object");
      const action = body.action;
      if (typeof action !== "string") throw new StackError("INVALID_PARAM", "action is missing");
      this.counters.byAction[action] = (this.counters.byAction[action] ?? 0) + 1;
      return { requestId, ...this.dispatch(action, body) };
    } catch (e) {
      this.counters.errors++;
      if (e instanceof StackError) return { requestId, code: e.code, message: e.message };
      throw e;
    }
  }

  private dispatch(action: string, p: Params): Answer {
    if (COLLECTION_ACTIONS.has(action)) {
      const coll = collectionOf(p);
      if (!this.catalog.has(coll)) {
        throw new StackError("DATABASE_COLLECTION_NOT_EXIST", `${NOT_EXIST_MESSAGE} (local stack: collection "${coll}" was never created)`);
      }
    }
    switch (action) {
      case "database.addCollection": {
        const coll = collectionOf(p);
        if (!this.catalog.create(coll)) {
          throw new StackError(
            "DATABASE_COLLECTION_ALREADY_EXIST",
            `[ResourceUnavailable.ResourceExist] Table exist. (collection "${coll}")`,
          );
        }
        return {};
      }
      case "database.startTransaction":
        return { transactionId: this.txs.start().id };
      case "database.commitTransaction":
        this.txs.commit(p.transactionId);
        return {};
      case "database.abortTransaction":
        this.txs.abort(p.transactionId);
        return {};
      case "database.insertDocument":
        return this.inTx(p, (view) => this.insert(view, p));
      case "database.getDocument":
        return this.inTx(p, (view) => this.get(view, p));
      case "database.calculateDocument":
        return this.inTx(p, (view) => ({ data: { total: engine.count(view, collectionOf(p), this.checked(action, p)) } }));
      case "database.modifyDocument":
        return this.inTx(p, (view) => this.modify(view, p, false));
      case "database.modifyAndReturnDoc":
        return this.inTx(p, (view) => this.modify(view, p, true));
      case "database.removeDocument":
        return this.inTx(p, (view) => ({
          data: { deleted: engine.remove(view, view, collectionOf(p), this.checked(action, p), p.multi !== false) },
        }));
      case "database.aggregateDocuments":
        return this.inTx(p, (view) => this.aggregate(view, p));
      default:
        throw new StackError("UNSUPPORTED_ACTION", `action ${action} is not supported by the local stack`);
    }
  }

  /** The request's filter, after checking an index serves it (with its sort, if any). */
  private checked(action: string, p: Params, order?: Record<string, 1 | -1>): Doc {
    const query = queryOf(p);
    if (!this.inspection) this.guard.check(action, collectionOf(p), query, order);
    return query;
  }

  /** Runs an operation against the open transaction named in the request, else atomically on the store. */
  private inTx(p: Params, op: (view: engine.DocView & engine.DocWriter) => Answer): Answer {
    if (p.transactionId !== undefined && p.transactionId !== "") {
      const tx: Transaction = this.txs.find(p.transactionId);
      return op(tx);
    }
    return this.store.atomically(() => op(this.committed));
  }

  private insert(view: engine.DocView & engine.DocWriter, p: Params): Answer {
    const coll = collectionOf(p);
    if (!Array.isArray(p.data) || p.data.length === 0) {
      throw new StackError("INVALID_PARAM", "data must be a non-empty array of EJSON documents");
    }
    const docs = p.data.map((d, i) => {
      const doc = parseEjson(d, `data[${i}]`);
      if (!isPlainObject(doc)) throw new StackError("INVALID_PARAM", `data[${i}] must be an object`);
      return doc;
    });
    return { data: { insertedIds: engine.insert(view, view, coll, docs) } };
  }

  private get(view: engine.DocView, p: Params): Answer {
    const coll = collectionOf(p);
    const offset = intOf(p.offset, "offset");
    const limit = intOf(p.limit, "limit");
    const order = orderOf(p);
    const docs = engine.find(view, coll, this.checked("database.getDocument", p, order), {
      order,
      offset,
      limit,
      projection: projectionOf(p),
    });
    return { data: { list: docs.map(wireText), offset: offset ?? 0, limit: Math.min(limit || engine.DEFAULT_LIMIT, engine.MAX_LIMIT) } };
  }

  private modify(view: engine.DocView & engine.DocWriter, p: Params, returnDoc: boolean): Answer {
    const coll = collectionOf(p);
    const merge = returnDoc ? true : p.merge !== false;
    const result = engine.modify(
      view,
      view,
      coll,
      this.checked(returnDoc ? "database.modifyAndReturnDoc" : "database.modifyDocument", p),
      parseEjson(p.data, "data"),
      {
        merge,
        multi: returnDoc ? false : p.multi === true,
        upsert: returnDoc ? false : p.upsert === true,
      },
    );
    if (returnDoc) {
      return { data: { updated: result.updated, doc: result.doc ? wireText(result.doc) : null } };
    }
    return { data: { updated: result.updated, upsert_id: result.upsertId ?? null } };
  }

  private aggregate(view: engine.DocView, p: Params): Answer {
    if (!Array.isArray(p.stages)) throw new StackError("INVALID_PARAM", "stages must be an array");
    const pipeline = p.stages.map((s, i) => {
      if (!isPlainObject(s) || typeof s.stageKey !== "string") {
        throw new StackError("INVALID_PARAM", `stages[${i}] must be { stageKey, stageValue }`);
      }
      return { [s.stageKey]: parseEjson(s.stageValue, `stages[${i}].stageValue`) };
    });
    this.checkPipeline(collectionOf(p), pipeline);
    return { data: { list: engine.aggregate(view, collectionOf(p), pipeline).map(wireText) } };
  }

  /** Documents in a collection (the Cloud API's ListTables). */
  documentCount(coll: string): number {
    return this.store.scan(coll).length;
  }

  /** A pipeline is served when it starts with a served `$match` (and its `$sort`, if next). */
  private checkPipeline(coll: string, pipeline: Doc[]): void {
    const [first, second] = pipeline;
    const match = first && isPlainObject(first.$match) ? first.$match : {};
    const sort = second && isPlainObject(second.$sort) ? (second.$sort as Record<string, 1 | -1>) : undefined;
    if (!this.inspection) this.guard.check("database.aggregateDocuments", coll, match, sort);
  }

  close(): void {
    this.store.close();
  }
}
