// The Database over @cloudbase/node-sdk: filters and updates translated to the SDK's commands.
// One SDK instance per process; every operation is one round trip.
import tcb from "@cloudbase/node-sdk";
import { isFieldOps, type Database, type FieldOps, type Filter, type FindOptions, type StoredDoc, type Update } from "./database";

type Db = ReturnType<ReturnType<typeof tcb.init>["database"]>;
type Command = Db["command"];

/** Errors the SDK throws carry the server's code; duplicate _id is the one we branch on. */
export function isDuplicateKey(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  const text = `${String(err?.code ?? "")} ${String(err?.message ?? "")}`;
  return /DUPLICATE|E11000|duplicate key/i.test(text);
}

// The SDK's command values are untyped chains; `unknown` keeps them opaque here.
function opCommand(_: Command, op: keyof FieldOps, v: unknown): unknown {
  switch (op) {
    case "$eq":
      return _.eq(v);
    case "$ne":
      return _.neq(v);
    case "$gt":
      return _.gt(v as number);
    case "$gte":
      return _.gte(v as number);
    case "$lt":
      return _.lt(v as number);
    case "$lte":
      return _.lte(v as number);
    case "$in":
      return _.in(v as unknown[]);
    case "$nin":
      return _.nin(v as unknown[]);
    case "$exists":
      return _.exists(v as boolean);
  }
}

export function toSdkFilter(_: Command, where: Filter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, v] of Object.entries(where)) {
    if (!isFieldOps(v)) {
      out[field] = v;
      continue;
    }
    const cmds = (Object.entries(v) as [keyof FieldOps, unknown][]).map(([op, arg]) => opCommand(_, op, arg));
    out[field] = cmds.length === 1 ? cmds[0] : _.and(...(cmds as Parameters<Command["and"]>));
  }
  return out;
}

export function toSdkUpdate(_: Command, u: Update): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  // A plain object under update() would be merged field by field: _.set replaces it whole.
  for (const [k, v] of Object.entries(u.$set ?? {})) out[k] = isObject(v) ? _.set(v as object) : v;
  for (const [k, v] of Object.entries(u.$inc ?? {})) out[k] = _.inc(v);
  for (const k of Object.keys(u.$unset ?? {})) out[k] = _.remove();
  for (const [k, v] of Object.entries(u.$push ?? {})) out[k] = _.push(v);
  return out;
}

export type SdkOptions = { env: string; secretId?: string; secretKey?: string; serviceUrl?: string };

export class CloudbaseDatabase implements Database {
  private readonly db: Db;
  constructor(options: SdkOptions | Db) {
    this.db = "collection" in options ? options : tcb.init(options).database();
  }
  private get _(): Command {
    return this.db.command;
  }

  async get(coll: string, id: string): Promise<StoredDoc | undefined> {
    const res = await this.db.collection(coll).doc(id).get();
    return (res.data?.[0] as StoredDoc | undefined) ?? undefined;
  }

  async insert(coll: string, doc: StoredDoc): Promise<"inserted" | "duplicate"> {
    try {
      await this.db.collection(coll).add(doc);
      return "inserted";
    } catch (e) {
      if (isDuplicateKey(e)) return "duplicate";
      throw e;
    }
  }

  async append(coll: string, doc: Record<string, unknown>): Promise<string> {
    const res = await this.db.collection(coll).add(doc);
    return String((res as { id?: unknown }).id);
  }

  async update(coll: string, where: Filter, update: Update): Promise<number> {
    const res = await this.db.collection(coll).where(toSdkFilter(this._, where)).update(toSdkUpdate(this._, update));
    return res.updated ?? 0;
  }

  async find(coll: string, where: Filter, opts: FindOptions = {}): Promise<StoredDoc[]> {
    let query = this.db.collection(coll).where(toSdkFilter(this._, where));
    if (opts.orderBy) query = query.orderBy(opts.orderBy[0], opts.orderBy[1]);
    const res = await query.limit(opts.limit ?? 100).get();
    return (res.data ?? []) as StoredDoc[];
  }

  async remove(coll: string, where: Filter): Promise<number> {
    const res = await this.db.collection(coll).where(toSdkFilter(this._, where)).remove();
    return (res as { deleted?: number }).deleted ?? 0;
  }

  async set(coll: string, doc: StoredDoc): Promise<void> {
    const { _id, ...rest } = doc;
    await this.db.collection(coll).doc(_id).set(rest);
  }
}

let current: CloudbaseDatabase | undefined;
/** Inside a function: the environment it runs in (SYMBOL_CURRENT_ENV), one SDK instance per process. */
export function currentEnvDatabase(): CloudbaseDatabase {
  current ??= new CloudbaseDatabase({ env: tcb.SYMBOL_CURRENT_ENV as unknown as string });
  return current;
}
