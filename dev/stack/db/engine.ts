// Database operations with MongoDB semantics (mingo), over any view of the documents: the
// committed store, or a transaction's overlay. Pure logic: the caller decides atomicity.
import { randomBytes } from "node:crypto";
import { Query, Aggregator, update as applyModifier } from "mingo";
import { Context } from "mingo/core";
import * as projectionOperators from "mingo/operators/projection";
import * as queryOperators from "mingo/operators/query";
import { Query as LeanQuery } from "mingo/query";
import { update as leanModifier } from "mingo/updater";
import type { AnyObject } from "mingo/types";
import { StackError, errorMessage } from "../errors";
import { isPlainObject } from "../http-body";
import type { Doc } from "./ejson";
import { checkQuery, checkUpdate, AGGREGATE_STAGES } from "./operators";

export interface DocView {
  get(coll: string, id: unknown): Doc | undefined;
  scan(coll: string): Doc[];
}

export interface DocWriter {
  insert(coll: string, doc: Doc): void;
  replace(coll: string, doc: Doc): void;
  remove(coll: string, id: unknown): void;
}

export interface FindOptions {
  order?: Record<string, 1 | -1>;
  offset?: number;
  limit?: number;
  projection?: Record<string, unknown>;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** CloudBase-style document id: 32 hex characters. */
export function newId(): string {
  return randomBytes(16).toString("hex");
}

/** Wraps mingo so its exceptions become INVALID_PARAM values instead of 500s. */
function mingo<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof StackError) throw e;
    throw new StackError("INVALID_PARAM", `${what}: ${errorMessage(e)}`);
  }
}

// mingo copies its whole operator table (hundreds of aggregation operators) into every query and
// update it makes: most of their cost here. Queries and updates need only the query and projection
// operators, a table a tenth the size; one that uses `$expr` (aggregation expressions) gets the
// full table. Same semantics either way (test/stack/database.test.ts, the model test).
const LEAN = Context.init({ query: queryOperators, projection: projectionOperators });
const usesExpr = (x: unknown): boolean => JSON.stringify(x).includes('"$expr"');

function compileQuery(query: Doc): { test(doc: AnyObject): boolean } {
  return usesExpr(query) ? new Query(query as AnyObject, {}) : new LeanQuery(query as AnyObject, { context: LEAN });
}

/** Selects nothing: only its cursor (projection, sort, skip, limit) is used, on documents already matched. */
const EVERYTHING = new Query({}, {});

/** The `_id` a query pins down with a plain equality, if any (lets us skip a scan). */
function pinnedId(query: Doc): unknown {
  const id = query._id;
  return typeof id === "string" || typeof id === "number" ? id : undefined;
}

/** Documents matching the query, in natural (insertion) order. */
export function match(view: DocView, coll: string, query: Doc): Doc[] {
  checkQuery(query);
  const q = mingo("query", () => compileQuery(query));
  const id = pinnedId(query);
  const candidates = id !== undefined ? [view.get(coll, id)].filter((d): d is Doc => !!d) : view.scan(coll);
  return mingo("query", () => candidates.filter((d) => q.test(d as AnyObject)));
}

export function find(view: DocView, coll: string, query: Doc, opts: FindOptions): Doc[] {
  const matched = match(view, coll, query);
  const limit = Math.min(opts.limit && opts.limit > 0 ? opts.limit : DEFAULT_LIMIT, MAX_LIMIT);
  return mingo("find", () => {
    let cursor = EVERYTHING.find<Doc>(matched, opts.projection as AnyObject | undefined);
    if (opts.order && Object.keys(opts.order).length > 0) cursor = cursor.sort(opts.order);
    if (opts.offset) cursor = cursor.skip(opts.offset);
    return cursor.limit(limit).all();
  });
}

export function count(view: DocView, coll: string, query: Doc): number {
  return match(view, coll, query).length;
}

/** Inserts all documents or none; an existing or repeated `_id` is DATABASE_DUPLICATE_WRITE. */
export function insert(view: DocView, writer: DocWriter, coll: string, docs: Doc[]): unknown[] {
  const seen = new Set<string>();
  const ids: unknown[] = [];
  for (const doc of docs) {
    const id = doc._id ?? newId();
    if (typeof id !== "string" && typeof id !== "number") {
      throw new StackError("INVALID_PARAM", "_id must be a string or a number");
    }
    const key = JSON.stringify(id);
    if (seen.has(key) || view.get(coll, id)) {
      throw new StackError(
        "DATABASE_DUPLICATE_WRITE",
        `E11000 duplicate key error collection: ${coll} index: _id_ dup key: { _id: ${key} }`,
      );
    }
    seen.add(key);
    ids.push(id);
  }
  docs.forEach((doc, i) => {
    writer.insert(coll, { ...doc, _id: ids[i] });
  });
  return ids;
}

export interface ModifyOptions {
  /** true: `data` is update operators; false: `data` replaces the document (set). */
  merge: boolean;
  multi: boolean;
  upsert: boolean;
}

export interface ModifyResult {
  updated: number;
  upsertId?: unknown;
  /** The last document written (for modifyAndReturnDoc). */
  doc?: Doc;
}

/** Turns `data` into an operator document (merge) or a replacement (set), validated. */
export function prepareUpdate(data: unknown, merge: boolean): Doc {
  if (!isPlainObject(data)) throw new StackError("INVALID_PARAM", "data must be an object");
  const keys = Object.keys(data);
  const ops = keys.filter((k) => k.startsWith("$"));
  if (!merge) {
    if (ops.length) throw new StackError("INVALID_PARAM", "a replacement (set) cannot contain operators");
    return data;
  }
  if (ops.length === 0) return { $set: data }; // plain fields under merge mean $set
  if (ops.length !== keys.length) {
    throw new StackError("INVALID_PARAM", "update mixes operators and plain fields");
  }
  checkUpdate(data);
  return data;
}

/** Applies a prepared update to a copy of doc; returns the new document and whether it changed. */
export function applyUpdate(doc: Doc, update: Doc, merge: boolean): { next: Doc; changed: boolean } {
  if (!merge) {
    const next = { ...update, _id: doc._id };
    return { next, changed: JSON.stringify(next) !== JSON.stringify(doc) };
  }
  const next = structuredClone(doc);
  const changedPaths = mingo("update", () =>
    usesExpr(update)
      ? applyModifier(next as AnyObject, update as AnyObject, [], undefined, { cloneMode: "deep" })
      : leanModifier(next as AnyObject, update as AnyObject, [], undefined, { cloneMode: "deep", queryOptions: { context: LEAN } }),
  );
  if ("_id" in next && next._id !== doc._id) throw new StackError("INVALID_PARAM", "_id cannot be changed");
  return { next, changed: changedPaths.length > 0 };
}

export function modify(view: DocView, writer: DocWriter, coll: string, query: Doc, data: unknown, opts: ModifyOptions): ModifyResult {
  const update = prepareUpdate(data, opts.merge);
  const targets = match(view, coll, query);
  const chosen = opts.multi ? targets : targets.slice(0, 1);
  let updated = 0;
  let last: Doc | undefined;
  for (const doc of chosen) {
    const { next, changed } = applyUpdate(doc, update, opts.merge);
    last = next;
    if (!changed) continue;
    writer.replace(coll, next);
    updated++;
  }
  if (chosen.length === 0 && opts.upsert) {
    const seed: Doc = {};
    for (const [k, v] of Object.entries(query)) if (!k.startsWith("$") && !isPlainObject(v)) seed[k] = v;
    const id = seed._id ?? newId();
    const { next } = applyUpdate({ ...seed, _id: id }, update, opts.merge);
    writer.insert(coll, { ...next, _id: id });
    return { updated: 0, upsertId: id, doc: next };
  }
  return { updated, doc: last };
}

export function remove(view: DocView, writer: DocWriter, coll: string, query: Doc, multi: boolean): number {
  const targets = match(view, coll, query);
  const chosen = multi ? targets : targets.slice(0, 1);
  for (const doc of chosen) writer.remove(coll, doc._id);
  return chosen.length;
}

export function aggregate(view: DocView, coll: string, pipeline: Doc[]): Doc[] {
  for (const stage of pipeline) {
    const [key] = Object.keys(stage);
    if (!key || !AGGREGATE_STAGES.has(key)) {
      throw new StackError("UNSUPPORTED_OPERATOR", `aggregation stage ${key ?? "(empty)"} is not supported by the local stack`);
    }
    if (key === "$match") checkQuery(stage.$match);
  }
  return mingo("aggregate", () => {
    const agg = new Aggregator(pipeline as AnyObject[], {
      collectionResolver: (name: string) => view.scan(name) as AnyObject[],
    });
    return agg.run(view.scan(coll) as AnyObject[]) as Doc[];
  });
}
