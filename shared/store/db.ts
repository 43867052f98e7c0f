// The cloud database through @cloudbase/node-sdk, behind a few typed operations the services use.
// One SDK instance per process; every operation here is one round trip.
import tcb from "@cloudbase/node-sdk";

type Db = ReturnType<ReturnType<typeof tcb.init>["database"]>;
export type Command = Db["command"];
/** A query or update object as the SDK takes it (may contain db.command values). */
export type Filter = Record<string, unknown>;

let db: Db | undefined;
export function database(): Db {
  // SYMBOL_CURRENT_ENV: the environment the function runs in (SCF_NAMESPACE locally).
  db ??= tcb.init({ env: tcb.SYMBOL_CURRENT_ENV }).database();
  return db;
}

/** Outside a function (seed script, dev stack): an explicit environment and endpoint. */
export function useDatabase(options: { env: string; secretId: string; secretKey: string; serviceUrl?: string }): void {
  db = tcb.init(options).database();
}
export const cmd = (): Command => database().command;

/** Errors the SDK throws carry the server's code; duplicate _id is the one we branch on. */
export function isDuplicateKey(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  const text = `${String(err?.code ?? "")} ${String(err?.message ?? "")}`;
  return /DUPLICATE|E11000|duplicate key/i.test(text);
}

export class Collection<T extends { _id: string }> {
  constructor(readonly name: string) {}
  private get ref() {
    return database().collection(this.name);
  }

  async get(id: string): Promise<T | undefined> {
    const res = await this.ref.doc(id).get();
    return (res.data?.[0] as T | undefined) ?? undefined;
  }

  /** "duplicate" when a document with that _id exists already (idempotency keys rely on it). */
  async insert(doc: T): Promise<"inserted" | "duplicate"> {
    try {
      await this.ref.add(doc);
      return "inserted";
    } catch (e) {
      if (isDuplicateKey(e)) return "duplicate";
      throw e;
    }
  }

  /** Inserts a document whose _id the server chooses. */
  async append(doc: Omit<T, "_id">): Promise<string> {
    const res = await this.ref.add(doc);
    return String(res.id);
  }

  /** Compare-and-set: updates the documents matching `where`; answers how many changed. */
  async update(where: Filter, update: Filter): Promise<number> {
    const res = await this.ref.where(where).update(update);
    return res.updated ?? 0;
  }

  async find(where: Filter, opts: { orderBy?: [string, "asc" | "desc"]; limit?: number } = {}): Promise<T[]> {
    let q = this.ref.where(where);
    if (opts.orderBy) q = q.orderBy(opts.orderBy[0], opts.orderBy[1]);
    const res = await q.limit(opts.limit ?? 100).get();
    return (res.data ?? []) as T[];
  }

  async remove(where: Filter): Promise<number> {
    const res = await this.ref.where(where).remove();
    return (res as { deleted?: number }).deleted ?? 0;
  }

  async set(doc: T): Promise<void> {
    const { _id, ...rest } = doc;
    await this.ref.doc(_id).set(rest);
  }
}
