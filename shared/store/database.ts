// The database as the services see it: a handle with a few operations, each one round trip, taking
// filters and updates as plain data (a MongoDB-style subset). The deployed functions get the
// CloudBase implementation (cloudbase-database.ts); tests get the local stack's own engine in-process
// (dev/stack/db/memory-database.ts); wrappers can count, fail or interleave calls.

/** A stored document: an `_id` and JSON-like fields. */
export interface StoredDoc {
  _id: string;
}

/** Comparison operators a filter may use on a field. */
export interface FieldOps {
  $eq?: unknown;
  $ne?: unknown;
  $gt?: number;
  $gte?: number;
  $lt?: number;
  $lte?: number;
  $in?: readonly unknown[];
  $nin?: readonly unknown[];
  $exists?: boolean;
}

/** Field path (dotted) → a value (equality) or comparison operators, all of which must hold. */
export type Filter = Record<string, unknown>;

/** Field path (dotted) → new value. `$set` of an object replaces it whole (never merges). */
export interface Update {
  $set?: Record<string, unknown>;
  $inc?: Record<string, number>;
  $unset?: Record<string, true>;
  /** Appends one element to an array field. */
  $push?: Record<string, unknown>;
}

export interface FindOptions {
  orderBy?: [string, "asc" | "desc"];
  limit?: number;
}

export interface Database {
  get(coll: string, id: string): Promise<StoredDoc | undefined>;
  /** "duplicate" when a document with that `_id` exists (idempotency keys rely on it). */
  insert(coll: string, doc: StoredDoc): Promise<"inserted" | "duplicate">;
  /** Inserts a document whose `_id` the database chooses; answers it. */
  append(coll: string, doc: Record<string, unknown>): Promise<string>;
  /** Compare-and-set: updates every document matching `where`; answers how many CHANGED.
   *  0 can mean "no match" or "matched but already so": re-read before deciding who won. */
  update(coll: string, where: Filter, update: Update): Promise<number>;
  find(coll: string, where: Filter, opts?: FindOptions): Promise<StoredDoc[]>;
  remove(coll: string, where: Filter): Promise<number>;
  /** Writes the whole document (insert or replace). */
  set(coll: string, doc: StoredDoc): Promise<void>;
}

/** Largest page one find may ask for (CloudBase's server-side limit). */
export const MAX_FIND_LIMIT = 1000;

const OPERATORS: ReadonlySet<string> = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists"]);

/** Whether a filter value is a set of comparison operators rather than a value to equal. */
export function isFieldOps(v: unknown): v is FieldOps {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => OPERATORS.has(k));
}

/** Helpers that read like the filters they build. */
export const q = {
  eq: (v: unknown): FieldOps => ({ $eq: v }),
  ne: (v: unknown): FieldOps => ({ $ne: v }),
  gt: (v: number): FieldOps => ({ $gt: v }),
  gte: (v: number): FieldOps => ({ $gte: v }),
  lt: (v: number): FieldOps => ({ $lt: v }),
  lte: (v: number): FieldOps => ({ $lte: v }),
  in: (v: readonly unknown[]): FieldOps => ({ $in: v }),
  nin: (v: readonly unknown[]): FieldOps => ({ $nin: v }),
  exists: (v: boolean): FieldOps => ({ $exists: v }),
  /** Half-open range [from, to). */
  range: (from: number, to: number): FieldOps => ({ $gte: from, $lt: to }),
};
