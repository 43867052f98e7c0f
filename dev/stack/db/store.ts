// On-disk document storage: one SQLite `docs` table keyed by (collection, _id), WAL journal.
// Every row carries a version from one global clock so optimistic transactions can detect
// any change (including delete + re-insert) since they read a document.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadText, storeText, type Doc } from "./ejson";

export interface StoredDoc {
  doc: Doc;
  version: number;
}

/** Key of an `_id` value in the table: its JSON text, so "5" and 5 stay distinct. */
export function idKey(id: unknown): string {
  return JSON.stringify(id);
}

export class DocStore {
  private readonly db: Database.Database;
  private clock: number;
  private readonly stmts;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, "cloudbase.sqlite"));
    this.db.pragma("journal_mode = WAL");
    // NORMAL in WAL mode: every commit is written to the WAL before the SDK gets its answer, so an
    // acknowledged write survives kill -9 (the durability test does exactly that); only a power
    // loss before the next checkpoint could lose the last commits, which is fine for a dev stack.
    // FULL would fsync every commit and cost about 3 ms a write here.
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(`CREATE TABLE IF NOT EXISTS docs (
      seq INTEGER PRIMARY KEY,
      coll TEXT NOT NULL,
      id TEXT NOT NULL,
      body TEXT NOT NULL,
      version INTEGER NOT NULL,
      UNIQUE (coll, id)
    )`);
    this.stmts = {
      get: this.db.prepare<[string, string], { body: string; version: number }>("SELECT body, version FROM docs WHERE coll = ? AND id = ?"),
      scan: this.db.prepare<[string], { body: string; version: number }>("SELECT body, version FROM docs WHERE coll = ? ORDER BY seq"),
      insert: this.db.prepare("INSERT INTO docs (coll, id, body, version) VALUES (?, ?, ?, ?)"),
      update: this.db.prepare("UPDATE docs SET body = ?, version = ? WHERE coll = ? AND id = ?"),
      remove: this.db.prepare("DELETE FROM docs WHERE coll = ? AND id = ?"),
      maxVersion: this.db.prepare<[], { v: number | null }>("SELECT MAX(version) AS v FROM docs"),
    };
    this.clock = this.stmts.maxVersion.get()?.v ?? 0;
  }

  /** The SQLite handle, for the collection catalog kept in the same file. */
  get sqlite(): Database.Database {
    return this.db;
  }

  get(coll: string, id: unknown): StoredDoc | undefined {
    const row = this.stmts.get.get(coll, idKey(id));
    return row && { doc: loadText(row.body), version: row.version };
  }

  /** Version of a document, 0 when it does not exist. */
  version(coll: string, id: unknown): number {
    return this.stmts.get.get(coll, idKey(id))?.version ?? 0;
  }

  /** All documents of a collection in insertion order. */
  scan(coll: string): StoredDoc[] {
    return this.stmts.scan.all(coll).map((row) => ({ doc: loadText(row.body), version: row.version }));
  }

  insert(coll: string, doc: Doc): void {
    this.stmts.insert.run(coll, idKey(doc._id), storeText(doc), ++this.clock);
  }

  replace(coll: string, doc: Doc): void {
    this.stmts.update.run(storeText(doc), ++this.clock, coll, idKey(doc._id));
  }

  remove(coll: string, id: unknown): void {
    this.stmts.remove.run(coll, idKey(id));
  }

  /** Runs fn inside one SQLite transaction (IMMEDIATE): all of it is written, or none. */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    this.db.close();
  }
}
