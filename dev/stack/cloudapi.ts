// The Tencent Cloud API actions (service tcb, version 2018-06-08) that `npm run db:setup` and the
// doctor's online check make through @cloudbase/manager-node, answered from the stack's own
// collection catalog, so the real setup code can be run offline (manager-node sends them to
// TCB_BASE_URL). Shapes from Tencent's API reference (cloud.tencent.com/document/api/876):
// DescribeTable, CreateTable, UpdateTable, ListTables, DescribeDatabaseACL, ModifyDatabaseACL,
// DescribeEnvInfo. Answers are `{ Response: { …, RequestId } }`, errors `{ Response: { Error: { Code,
// Message }, RequestId } }`, as the real API does.
import { randomUUID } from "node:crypto";
import { isPlainObject } from "./http-body";
import { ACL_TAGS, type AclTag, type CollectionCatalog } from "./db/catalog";
import type { IndexKey } from "./db/index-rule";

export const CLOUDAPI_VERSION = "2018-06-08";
/** What the stack reports as the environment's database instance (any id would do). */
const DATABASE_INSTANCE = "tnt-local";

type Params = Record<string, unknown>;

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const str = (p: Params, name: string): string => {
  const v = p[name];
  if (typeof v !== "string" || v.length === 0) throw new ApiError("MissingParameter", `${name} is required`);
  return v;
};

export interface CloudApiDeps {
  envId: string;
  catalog: CollectionCatalog;
  /** Number of documents in a collection (ListTables' Count). */
  count(collection: string): number;
}

export class CloudApi {
  /** Calls by action, for tests and `/dev/stats`. */
  readonly calls: Record<string, number> = {};

  constructor(private readonly deps: CloudApiDeps) {}

  handle(action: string, version: string, body: unknown): { Response: Record<string, unknown> } {
    const RequestId = randomUUID();
    this.calls[action] = (this.calls[action] ?? 0) + 1;
    try {
      if (version !== CLOUDAPI_VERSION) throw new ApiError("InvalidParameterValue", `X-TC-Version must be ${CLOUDAPI_VERSION}`);
      if (!isPlainObject(body)) throw new ApiError("InvalidParameter", "the body must be a JSON object");
      if (body.EnvId !== undefined && body.EnvId !== this.deps.envId)
        throw new ApiError("ResourceNotFound", `environment ${String(body.EnvId)} not found`);
      return { Response: { ...this.dispatch(action, body), RequestId } };
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      return { Response: { Error: { Code: e.code, Message: e.message }, RequestId } };
    }
  }

  private table(p: Params, key = "TableName"): string {
    const name = str(p, key);
    if (!this.deps.catalog.has(name)) throw new ApiError("ResourceNotFound", `[ResourceNotFound] Db or Table not exist: ${name}`);
    return name;
  }

  private dispatch(action: string, p: Params): Record<string, unknown> {
    const { catalog } = this.deps;
    switch (action) {
      case "DescribeEnvInfo":
        return {
          EnvInfo: {
            EnvBaseInfo: {
              EnvId: this.deps.envId,
              Alias: "local",
              Status: "NORMAL",
              Region: "ap-shanghai",
              Databases: [{ InstanceId: DATABASE_INSTANCE, Status: "RUNNING", Region: "ap-shanghai" }],
              Storages: [],
              Functions: [],
            },
          },
        };
      case "DescribeTable": {
        const name = this.table(p);
        const indexes = [
          { Name: "_id_", Unique: true, Keys: [{ Name: "_id", Direction: "1" }] },
          ...catalog
            .indexes(name)
            .map((ix) => ({ Name: ix.name, Unique: false, Keys: ix.keys.map(([f, d]) => ({ Name: f, Direction: String(d) })) })),
        ].map((ix) => ({ ...ix, Size: 0, Accesses: { Ops: 0, Since: new Date(0).toISOString() } }));
        return { Indexes: indexes, IndexNum: indexes.length };
      }
      case "CreateTable": {
        const name = str(p, "TableName");
        if (!catalog.create(name))
          throw new ApiError("ResourceUnavailable.ResourceExist", `[ResourceUnavailable.ResourceExist] Table exist: ${name}`);
        return {};
      }
      case "UpdateTable":
        return this.updateTable(this.table(p), p);
      case "ListTables": {
        const names = catalog.names();
        const offset = typeof p.MgoOffset === "number" ? p.MgoOffset : 0;
        const limit = typeof p.MgoLimit === "number" ? p.MgoLimit : 100;
        const page = names.slice(offset, offset + limit);
        return {
          Tables: page.map((n) => ({
            TableName: n,
            Count: this.deps.count(n),
            Size: 0,
            IndexCount: catalog.indexes(n).length + 1,
            IndexSize: 0,
          })),
          Pager: { Offset: offset, Limit: limit, Total: names.length },
        };
      }
      case "DescribeDatabaseACL":
        return { AclTag: catalog.acl(this.table(p, "CollectionName")) };
      case "ModifyDatabaseACL": {
        const name = this.table(p, "CollectionName");
        const tag = str(p, "AclTag");
        if (!(ACL_TAGS as readonly string[]).includes(tag))
          throw new ApiError("InvalidParameterValue", `AclTag must be one of ${ACL_TAGS.join(", ")}`);
        catalog.setAcl(name, tag as AclTag);
        return {};
      }
      default:
        throw new ApiError("InvalidAction", `action ${action} is not answered by the local stack`);
    }
  }

  private updateTable(name: string, p: Params): Record<string, unknown> {
    const { catalog } = this.deps;
    const creates = Array.isArray(p.CreateIndexes) ? p.CreateIndexes : [];
    const drops = Array.isArray(p.DropIndexes) ? p.DropIndexes : [];
    // Validate everything first: an invalid request changes nothing.
    const specs = creates.map((c) => {
      if (!isPlainObject(c) || typeof c.IndexName !== "string" || !/^\w{1,128}$/.test(c.IndexName))
        throw new ApiError("InvalidParameter", "CreateIndexes[].IndexName must be a word");
      const schema = c.MgoKeySchema;
      if (!isPlainObject(schema) || !Array.isArray(schema.MgoIndexKeys) || schema.MgoIndexKeys.length === 0)
        throw new ApiError("InvalidParameter", "CreateIndexes[].MgoKeySchema.MgoIndexKeys is required");
      // Nothing in this project relies on a unique secondary index (ids are derived into _id), so
      // the emulator does not enforce them and will not pretend to.
      if (schema.MgoIsUnique === true)
        throw new ApiError("UnsupportedOperation", "unique secondary indexes are not emulated by the local stack");
      const keys: IndexKey[] = schema.MgoIndexKeys.map((k: unknown) => {
        if (!isPlainObject(k) || typeof k.Name !== "string" || (k.Direction !== "1" && k.Direction !== "-1"))
          throw new ApiError("InvalidParameter", 'MgoIndexKeys[] must be { Name, Direction: "1" | "-1" }');
        return [k.Name, k.Direction === "1" ? 1 : -1];
      });
      return { name: c.IndexName, keys };
    });
    for (const s of specs) {
      const same = catalog.indexes(name).find((ix) => ix.name === s.name);
      if (same && JSON.stringify(same.keys) !== JSON.stringify(s.keys))
        throw new ApiError("ResourceInUse", `index ${s.name} exists with other keys`);
    }
    for (const d of drops) if (isPlainObject(d) && typeof d.IndexName === "string") catalog.dropIndex(name, d.IndexName);
    for (const s of specs) catalog.createIndex(name, s);
    return {};
  }
}
