// `npm run db:setup` (the official @cloudbase/manager-node, unmodified) run against the local stack,
// which answers the Tencent Cloud API actions it makes (TC3-HMAC-SHA256 verified): on an empty
// environment it creates exactly the declared database, a second run changes nothing, and the
// README's next step (`npm run seed`) then works. Plus the plan without credentials.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import CloudBase from "@cloudbase/manager-node";
import { DATABASE, declaredIndexes } from "../../shared/store/schema";
import { dbSetup } from "../../scripts/db/command";
import { checkDatabase, readLive } from "../../scripts/db/setup";
import { REPO_ROOT, startTestStack, type TestStack } from "../helpers/stack";

function run(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "scripts", script), ...args], {
      cwd: REPO_ROOT,
      env: env as NodeJS.ProcessEnv,
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, out, err }));
  });
}

/** The same command in this process (scripts/db/command.ts, what the CLI calls): output as the CLI
 *  prints it. One run per suite goes through the real CLI (`run`), the others here: a tsx process
 *  start costs seconds of CPU. */
async function runHere(argv: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await dbSetup({ argv, env, out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) });
  return { code, out, err };
}

/** The process environment without anything that could send manager-node elsewhere. */
function cleanEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(env)) if (/^(https?_proxy|TCB_|TENCENTCLOUD_|USE_INTERNAL_ENDPOINT)/i.test(k)) delete env[k];
  return { ...env, ...extra };
}

describe("db:setup --dry-run (no credentials)", () => {
  it("lists every declared collection as ADMINONLY with its indexes", async () => {
    const r = await runHere(["--dry-run"], cleanEnv({}));
    expect(r.code, r.err).toBe(0);
    for (const c of DATABASE) {
      expect(r.out).toContain(`create collection ${c.name}\n`);
      expect(r.out).toContain(`set ${c.name} permission (default) → ADMINONLY\n`);
      for (const ix of declaredIndexes(c)) expect(r.out).toContain(`create index ${c.name}.${ix.name} `);
    }
  });

  it("without --dry-run and without credentials it refuses to run", async () => {
    const r = await runHere([], cleanEnv({}));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/TCB_ENV_ID/);
  });
});

describe("db:setup against the stack's Cloud API", () => {
  let stack: TestStack;
  let env: Record<string, string | undefined>;
  const manager = () => new CloudBase({ envId: "local-env", secretId: stack.connection.secretId, secretKey: stack.connection.secretKey });
  const writes = async () => {
    const calls = ((await stack.get("/dev/stats")).json as { cloudapi: Record<string, number> }).cloudapi;
    return (calls.CreateTable ?? 0) + (calls.UpdateTable ?? 0) + (calls.ModifyDatabaseACL ?? 0);
  };

  beforeAll(async () => {
    // A fresh environment: no collection at all (STACK_SCHEMA=0).
    stack = await startTestStack({ schema: false });
    env = cleanEnv({
      TCB_ENV_ID: "local-env",
      TENCENTCLOUD_SECRETID: stack.connection.secretId,
      TENCENTCLOUD_SECRETKEY: stack.connection.secretKey,
      // manager-node's own override of the tcb endpoint.
      TCB_BASE_URL: `${stack.baseUrl}/cloudapi`,
    });
    process.env.TCB_BASE_URL = `${stack.baseUrl}/cloudapi`;
  });
  afterAll(async () => {
    delete process.env.TCB_BASE_URL;
    await stack?.stop();
  });

  it("the first run creates exactly the declared state", async () => {
    expect((await checkDatabase(manager(), DATABASE)).ok).toBe(false);
    const r = await run("db-setup.ts", [], env);
    expect(r.code, r.err + r.out).toBe(0);
    for (const c of DATABASE) expect(r.out).toContain(`done: create collection ${c.name}\n`);
    expect(r.out).toContain("done: set orders permission (default) → ADMINONLY");

    const live = await readLive(manager(), DATABASE);
    for (const c of DATABASE) {
      const l = live.find((x) => x.name === c.name)!;
      expect(l.exists, c.name).toBe(true);
      expect(l.acl, c.name).toBe("ADMINONLY");
      expect(l.indexes, c.name).toEqual([
        { name: "_id_", keys: [["_id", 1]], unique: true },
        ...declaredIndexes(c).map((ix) => ({ name: ix.name, keys: ix.keys, unique: false })),
      ]);
    }
    // Nothing besides the declared collections.
    const tables = await manager().database.listCollections();
    expect(tables.Collections.map((t) => t.CollectionName).sort()).toEqual(DATABASE.map((c) => c.name).sort());
    expect(await checkDatabase(manager(), DATABASE)).toEqual({ ok: true, changes: [], problems: [] });
  });

  it("the second run is a no-op", async () => {
    const before = await writes();
    const r = await runHere([], env);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("0 change(s)");
    expect(r.out).toContain("nothing to do");
    expect(await writes()).toBe(before);
  });

  it("then `npm run seed` fills the trains through the SDK and stack.json", async () => {
    const r = await run("seed.ts", [], cleanEnv({ DATA_DIR: stack.dataDir, SEED_DAYS: "2" }));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/trains: [1-9]\d* added/);
  });

  it("a drifted environment is reported and repaired; a conflicting index is reported, not dropped", async () => {
    const m = manager();
    await m
      .commonService("tcb", "2018-06-08")
      .call({ Action: "ModifyDatabaseACL", Param: { EnvId: "local-env", CollectionName: "orders", AclTag: "PRIVATE" } });
    await m.database.updateCollection("refunds", { DropIndexes: [{ IndexName: "orderId_status" }] });
    await m.database.updateCollection("refunds", {
      CreateIndexes: [
        { IndexName: "orderId_status", MgoKeySchema: { MgoIndexKeys: [{ Name: "orderId", Direction: "-1" }], MgoIsUnique: false } },
      ],
    });
    const check = await checkDatabase(m, DATABASE);
    expect(check.ok).toBe(false);
    expect(check.changes).toEqual([{ kind: "setPermission", collection: "orders", from: "PRIVATE", to: "ADMINONLY" }]);
    expect(check.problems).toEqual([expect.objectContaining({ collection: "refunds", index: "orderId_status" })]);

    const r = await runHere([], env);
    expect(r.code).toBe(1);
    expect(r.out).toContain("done: set orders permission PRIVATE → ADMINONLY");
    expect(r.err).toContain("index refunds.orderId_status exists as { orderId: -1 }");
    expect((await readLive(m, DATABASE)).find((c) => c.name === "orders")!.acl).toBe("ADMINONLY");
  });

  it("a request signed with another key is refused (AuthFailure.SignatureFailure)", async () => {
    const forged = new CloudBase({ envId: "local-env", secretId: stack.connection.secretId, secretKey: "not-the-key" });
    await expect(forged.database.describeCollection("orders")).rejects.toMatchObject({ code: "AuthFailure.SignatureFailure" });
  });
});

describe("npm start applies the same declaration", () => {
  it("a stack started normally already holds the declared database", async () => {
    const stack = await startTestStack({ trains: false });
    process.env.TCB_BASE_URL = `${stack.baseUrl}/cloudapi`;
    try {
      const m = new CloudBase({ envId: "local-env", secretId: stack.connection.secretId, secretKey: stack.connection.secretKey });
      expect(await checkDatabase(m, DATABASE)).toEqual({ ok: true, changes: [], problems: [] });
    } finally {
      delete process.env.TCB_BASE_URL;
      await stack.stop();
    }
  });
});
