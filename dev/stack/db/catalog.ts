// Which collections exist, their permission tag and their indexes, kept in the same SQLite file as
// the documents. CloudBase refuses to touch a collection that was never created; so does the stack.
import type Database from "better-sqlite3";
import type { IndexKey, IndexSpec } from "./index-rule";

/** What a collection created in the console (or by createCollection) starts with. */
export const DEFAULT_ACL = "PRIVATE";
export const ACL_TAGS = ["READONLY", "PRIVATE", "ADMINWRITE", "ADMINONLY"] as const;
export type AclTag = (typeof ACL_TAGS)[number];

export type IndexOutcome = "created" | "exists" | "conflict";

export class CollectionCatalog {
  /** Collection name → ACL tag; read on every request, so kept in memory. */
  private readonly known = new Map<string, AclTag>();
  private readonly stmts;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS collections (
      name TEXT PRIMARY KEY,
      acl TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS indexes (
      coll TEXT NOT NULL,
      name TEXT NOT NULL,
      keys TEXT NOT NULL,
      PRIMARY KEY (coll, name)
    );`);
    // Data directories from before collections were tracked: what holds documents existed.
    db.prepare("INSERT OR IGNORE INTO collections (name, acl) SELECT DISTINCT coll, ? FROM docs").run(DEFAULT_ACL);
    this.stmts = {
      insert: db.prepare<[string, string]>("INSERT OR IGNORE INTO collections (name, acl) VALUES (?, ?)"),
      setAcl: db.prepare<[string, string]>("UPDATE collections SET acl = ? WHERE name = ?"),
      indexes: db.prepare<[string], { name: string; keys: string }>("SELECT name, keys FROM indexes WHERE coll = ? ORDER BY rowid"),
      addIndex: db.prepare<[string, string, string]>("INSERT INTO indexes (coll, name, keys) VALUES (?, ?, ?)"),
      dropIndex: db.prepare<[string, string]>("DELETE FROM indexes WHERE coll = ? AND name = ?"),
    };
    for (const row of db.prepare<[], { name: string; acl: AclTag }>("SELECT name, acl FROM collections").all()) {
      this.known.set(row.name, row.acl);
    }
  }

  has(name: string): boolean {
    return this.known.has(name);
  }

  names(): string[] {
    return [...this.known.keys()].sort();
  }

  /** false when it existed already. */
  create(name: string): boolean {
    if (this.known.has(name)) return false;
    this.stmts.insert.run(name, DEFAULT_ACL);
    this.known.set(name, DEFAULT_ACL);
    return true;
  }

  acl(name: string): AclTag | undefined {
    return this.known.get(name);
  }

  setAcl(name: string, tag: AclTag): void {
    this.stmts.setAcl.run(tag, name);
    this.known.set(name, tag);
  }

  /** Declared indexes (not `_id_`, which every collection has). */
  indexes(name: string): IndexSpec[] {
    return this.stmts.indexes.all(name).map((r) => ({ name: r.name, keys: JSON.parse(r.keys) as IndexKey[] }));
  }

  /** "conflict": an index of that name exists with other keys (never replaced silently). */
  createIndex(coll: string, spec: IndexSpec): IndexOutcome {
    const same = this.indexes(coll).find((ix) => ix.name === spec.name);
    if (same) return JSON.stringify(same.keys) === JSON.stringify(spec.keys) ? "exists" : "conflict";
    this.stmts.addIndex.run(coll, spec.name, JSON.stringify(spec.keys));
    return "created";
  }

  dropIndex(coll: string, name: string): boolean {
    return this.stmts.dropIndex.run(coll, name).changes > 0;
  }
}
