// Optimistic transactions. A transaction buffers its writes in memory and remembers the version of
// every document it read or wrote; commit re-checks those versions and applies the writes inside one
// SQLite transaction, or fails with DATABASE_TRANSACTION_CONFLICT (the SDK's runTransaction retries
// on that code). Other requests never wait for an open transaction and never see its writes;
// abort (or expiry) just drops the buffer, so rollback cannot leave anything behind.
import { randomBytes } from "node:crypto";
import { StackError } from "../errors";
import type { Doc } from "./ejson";
import type { DocView, DocWriter } from "./engine";
import { idKey, type DocStore } from "./store";

/** An open transaction nobody finishes is dropped after this long (MongoDB's default is 60 s). */
const TRANSACTION_TTL_MS = 60_000;

interface Write {
  coll: string;
  id: unknown;
  doc: Doc | null; // null: removed
}

export class Transaction implements DocView, DocWriter {
  readonly id = randomBytes(12).toString("hex");
  readonly startedAt = Date.now();
  /** key → version seen (0 = absent) */
  readonly reads = new Map<string, { coll: string; id: unknown; version: number }>();
  readonly writes = new Map<string, Write>();

  constructor(private readonly store: DocStore) {}

  private remember(coll: string, id: unknown, version: number): void {
    const key = coll + "\u0000" + idKey(id);
    if (!this.reads.has(key)) this.reads.set(key, { coll, id, version });
  }

  get(coll: string, id: unknown): Doc | undefined {
    const pending = this.writes.get(coll + "\u0000" + idKey(id));
    if (pending) return pending.doc ?? undefined;
    const stored = this.store.get(coll, id);
    this.remember(coll, id, stored?.version ?? 0);
    return stored?.doc;
  }

  scan(coll: string): Doc[] {
    const out: Doc[] = [];
    const seen = new Set<string>();
    for (const { doc, version } of this.store.scan(coll)) {
      const key = coll + "\u0000" + idKey(doc._id);
      seen.add(key);
      const pending = this.writes.get(key);
      if (pending) {
        if (pending.doc) out.push(pending.doc);
        continue;
      }
      this.remember(coll, doc._id, version);
      out.push(doc);
    }
    for (const [key, w] of this.writes) if (w.coll === coll && w.doc && !seen.has(key)) out.push(w.doc);
    return out;
  }

  private put(coll: string, id: unknown, doc: Doc | null): void {
    this.get(coll, id); // records the version we are overwriting
    this.writes.set(coll + "\u0000" + idKey(id), { coll, id, doc });
  }

  insert(coll: string, doc: Doc): void {
    this.put(coll, doc._id, doc);
  }

  replace(coll: string, doc: Doc): void {
    this.put(coll, doc._id, doc);
  }

  remove(coll: string, id: unknown): void {
    this.put(coll, id, null);
  }
}

export class TransactionManager {
  private readonly open = new Map<string, Transaction>();

  constructor(private readonly store: DocStore) {}

  start(): Transaction {
    this.expire();
    const tx = new Transaction(this.store);
    this.open.set(tx.id, tx);
    return tx;
  }

  find(id: unknown): Transaction {
    this.expire();
    const tx = typeof id === "string" ? this.open.get(id) : undefined;
    if (!tx) {
      throw new StackError("DATABASE_TRANSACTION_NOT_FOUND", `transaction ${String(id)} is not open (finished, aborted or expired)`);
    }
    return tx;
  }

  commit(id: unknown): void {
    const tx = this.find(id);
    this.open.delete(tx.id);
    this.store.atomically(() => {
      for (const r of tx.reads.values()) {
        if (this.store.version(r.coll, r.id) !== r.version) {
          throw new StackError(
            "DATABASE_TRANSACTION_CONFLICT",
            `transaction conflict: ${r.coll}/${String(r.id)} changed since the transaction read it`,
          );
        }
      }
      for (const w of tx.writes.values()) {
        const exists = this.store.version(w.coll, w.id) !== 0;
        if (w.doc === null) {
          if (exists) this.store.remove(w.coll, w.id);
        } else if (exists) {
          this.store.replace(w.coll, w.doc);
        } else {
          this.store.insert(w.coll, w.doc);
        }
      }
    });
  }

  abort(id: unknown): void {
    const tx = this.find(id);
    this.open.delete(tx.id);
  }

  get openCount(): number {
    return this.open.size;
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, tx] of this.open) if (now - tx.startedAt > TRANSACTION_TTL_MS) this.open.delete(id);
  }
}
