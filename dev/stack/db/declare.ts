// `npm start` and test stacks create the declared database in-process, from the same declaration
// `npm run db:setup` applies to a CloudBase environment: collections, ADMINONLY, indexes.
import type { CollectionDeclaration } from "../../../shared/store/schema";
import { declaredIndexes } from "../../../shared/store/schema";
import type { CollectionCatalog } from "./catalog";

export interface DeclareResult {
  created: string[];
  indexes: string[];
  /** Indexes whose name exists with other keys: left alone, reported. */
  conflicts: string[];
}

export function applyDeclaration(catalog: CollectionCatalog, decls: readonly CollectionDeclaration[]): DeclareResult {
  const out: DeclareResult = { created: [], indexes: [], conflicts: [] };
  for (const c of decls) {
    if (catalog.create(c.name)) out.created.push(c.name);
    if (catalog.acl(c.name) !== c.permission) catalog.setAcl(c.name, c.permission);
    for (const ix of declaredIndexes(c)) {
      const r = catalog.createIndex(c.name, ix);
      if (r === "created") out.indexes.push(`${c.name}.${ix.name}`);
      if (r === "conflict") out.conflicts.push(`${c.name}.${ix.name}`);
    }
  }
  return out;
}
