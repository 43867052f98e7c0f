// The database declaration (shared/store/schema.ts) against a CloudBase environment, through the
// official @cloudbase/manager-node: read what exists, plan what is missing, apply it. Idempotent:
// collections and indexes are only ever added, a permission only ever set to the declared one, and
// an index whose name exists with other keys is reported, never dropped.
// Tencent Cloud API actions used (service tcb, 2018-06-08): DescribeEnvInfo (manager-node's lazy
// init), DescribeTable / CreateTable / UpdateTable (database.checkCollectionExists,
// createCollectionIfNotExists, describeCollection, updateCollection) and DescribeDatabaseACL /
// ModifyDatabaseACL (through commonService: manager-node has no helper for a collection's ACL).
import type CloudBase from "@cloudbase/manager-node";
import { declaredIndexes, type CollectionDeclaration, type IndexDirection } from "../../shared/store/schema";

type Keys = [field: string, direction: IndexDirection][];

export interface LiveIndex {
  name: string;
  keys: Keys;
  unique: boolean;
}

export interface LiveCollection {
  name: string;
  exists: boolean;
  acl?: string;
  indexes: LiveIndex[];
}

export type Change =
  | { kind: "createCollection"; collection: string }
  | { kind: "setPermission"; collection: string; from?: string; to: string }
  | { kind: "createIndex"; collection: string; index: string; keys: Keys };

export interface Problem {
  collection: string;
  index: string;
  message: string;
}

export interface Plan {
  changes: Change[];
  problems: Problem[];
}

const TCB = ["tcb", "2018-06-08"] as const;

function keysOf(raw: unknown): Keys {
  const list = Array.isArray(raw) ? (raw as { Name?: unknown; Direction?: unknown }[]) : [];
  return list.map((k) => [String(k.Name), String(k.Direction) === "-1" ? -1 : 1]);
}

/** What the environment has for each declared collection (read-only). */
export async function readLive(manager: CloudBase, schema: readonly CollectionDeclaration[]): Promise<LiveCollection[]> {
  const envId = manager.currentEnvironment().getEnvId();
  const common = manager.commonService(...TCB);
  const out: LiveCollection[] = [];
  for (const c of schema) {
    const exists = (await manager.database.checkCollectionExists(c.name)).Exists;
    if (!exists) {
      out.push({ name: c.name, exists, indexes: [] });
      continue;
    }
    const table = await manager.database.describeCollection(c.name);
    const acl = (await common.call({ Action: "DescribeDatabaseACL", Param: { EnvId: envId, CollectionName: c.name } })) as {
      AclTag?: string;
    };
    out.push({
      name: c.name,
      exists,
      acl: acl.AclTag,
      indexes: (table.Indexes ?? []).map((ix) => ({ name: ix.Name, keys: keysOf(ix.Keys), unique: ix.Unique })),
    });
  }
  return out;
}

/** What setup must do to reach the declaration; `live` absent: everything (a plan without credentials). */
export function plan(schema: readonly CollectionDeclaration[], live?: readonly LiveCollection[]): Plan {
  const changes: Change[] = [];
  const problems: Problem[] = [];
  for (const c of schema) {
    const l = live?.find((x) => x.name === c.name);
    if (!l?.exists) changes.push({ kind: "createCollection", collection: c.name });
    if (l?.acl !== c.permission) changes.push({ kind: "setPermission", collection: c.name, from: l?.acl, to: c.permission });
    for (const ix of declaredIndexes(c)) {
      const have = l?.indexes.find((x) => x.name === ix.name);
      if (!have) changes.push({ kind: "createIndex", collection: c.name, index: ix.name, keys: ix.keys });
      else if (JSON.stringify(have.keys) !== JSON.stringify(ix.keys) || have.unique) {
        problems.push({
          collection: c.name,
          index: ix.name,
          message: `exists as ${formatKeys(have.keys)}${have.unique ? " unique" : ""}, declared ${formatKeys(ix.keys)}: drop it in the console, then run db:setup again`,
        });
      }
    }
  }
  return { changes, problems };
}

export async function apply(manager: CloudBase, changes: readonly Change[], log: (line: string) => void): Promise<void> {
  const envId = manager.currentEnvironment().getEnvId();
  const common = manager.commonService(...TCB);
  for (const ch of changes) {
    if (ch.kind === "createCollection") await manager.database.createCollectionIfNotExists(ch.collection);
    if (ch.kind === "setPermission") {
      await common.call({ Action: "ModifyDatabaseACL", Param: { EnvId: envId, CollectionName: ch.collection, AclTag: ch.to } });
    }
    if (ch.kind === "createIndex") {
      await manager.database.updateCollection(ch.collection, {
        CreateIndexes: [
          {
            IndexName: ch.index,
            MgoKeySchema: { MgoIndexKeys: ch.keys.map(([Name, d]) => ({ Name, Direction: String(d) })), MgoIsUnique: false },
          },
        ],
      });
    }
    log(`done: ${describeChange(ch)}`);
  }
}

/**
 * For `npm run doctor -- --online`: the live environment against the declaration, read-only.
 * ok when nothing is missing and no index conflicts; `changes` is what `npm run db:setup` would do.
 */
export async function checkDatabase(manager: CloudBase, schema: readonly CollectionDeclaration[]): Promise<Plan & { ok: boolean }> {
  const p = plan(schema, await readLive(manager, schema));
  return { ...p, ok: p.changes.length === 0 && p.problems.length === 0 };
}

export function formatKeys(keys: Keys): string {
  return `{ ${keys.map(([f, d]) => `${f}: ${d}`).join(", ")} }`;
}

export function describeChange(ch: Change): string {
  switch (ch.kind) {
    case "createCollection":
      return `create collection ${ch.collection}`;
    case "setPermission":
      return `set ${ch.collection} permission ${ch.from ?? "(default)"} → ${ch.to}`;
    case "createIndex":
      return `create index ${ch.collection}.${ch.index} ${formatKeys(ch.keys)}`;
  }
}
