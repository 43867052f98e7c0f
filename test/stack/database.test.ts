// The emulator is as strict as CloudBase: a collection that was never created cannot be written
// (DATABASE_COLLECTION_NOT_EXIST, wx-server-sdk's -502005), createCollection makes it writable, the
// declared collections exist from the start, and under test a query on a declared collection that
// no index serves fails. Driven through the real SDKs bundled in a function (sdkprobe).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDatabase } from "../../dev/local-sdk";
import { DATABASE } from "../../shared/store/schema";
import { startTestStack, type TestStack } from "../helpers/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ trains: false });
});
afterAll(async () => {
  // One test below makes an unindexed query on purpose (and checks it was recorded).
  await stack?.stop({ allowUnindexed: true });
});

type Sdk = "wx" | "node";
type Probe = Record<string, unknown> & { threw?: boolean; code?: unknown; errCode?: unknown; message?: string; ok?: unknown };

async function probe(sdk: Sdk, op: string, args: Record<string, unknown>): Promise<Probe> {
  const res = await stack.call<Probe>("sdkprobe", { sdk, op, ...args }, { openid: "db-user" });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.result;
}

describe("collections must be created", () => {
  it("node-sdk: writing to a collection never created fails with DATABASE_COLLECTION_NOT_EXIST; createCollection lets it through", async () => {
    const refused = await probe("node", "add", { coll: "undeclared_node", doc: { _id: "a" } });
    expect(refused).toMatchObject({ threw: true, code: "DATABASE_COLLECTION_NOT_EXIST" });
    expect(refused.message).toContain("Db or Table not exist");
    const read = await probe("node", "get", { coll: "undeclared_node", id: "a" });
    expect(read).toMatchObject({ threw: true, code: "DATABASE_COLLECTION_NOT_EXIST" });

    expect((await probe("node", "createCollection", { coll: "undeclared_node" })).threw).toBeUndefined();
    expect((await probe("node", "add", { coll: "undeclared_node", doc: { _id: "a" } })).threw).toBeUndefined();
    expect(await probe("node", "get", { coll: "undeclared_node", id: "a" })).toMatchObject({ ok: { data: [{ _id: "a" }] } });
    // Creating it again fails, as in CloudBase.
    expect(await probe("node", "createCollection", { coll: "undeclared_node" })).toMatchObject({
      threw: true,
      code: "DATABASE_COLLECTION_ALREADY_EXIST",
    });
  });

  it("wx-server-sdk: the same refusal surfaces as errCode -502005; createCollection lets it through", async () => {
    const refused = await probe("wx", "add", { coll: "undeclared_wx", doc: { _id: "b" } });
    expect(refused).toMatchObject({ threw: true, errCode: -502005 });
    expect((await probe("wx", "createCollection", { coll: "undeclared_wx" })).threw).toBeUndefined();
    expect((await probe("wx", "add", { coll: "undeclared_wx", doc: { _id: "b" } })).threw).toBeUndefined();
  });

  it("every declared collection exists from the start (npm start and test stacks apply the declaration)", async () => {
    for (const c of DATABASE) {
      const again = await stack.admin({ action: "database.addCollection", collectionName: c.name });
      expect(again.json, c.name).toMatchObject({ code: "DATABASE_COLLECTION_ALREADY_EXIST" });
    }
    // Started with trains: false (STACK_SEED_TRAINS=0): the collection is there, empty.
    const trains = await localDatabase(stack.connection, { inspection: true }).collection("trains").count();
    expect(trains.total).toBe(0);
  });
});

describe("queries on declared collections are checked against their indexes", () => {
  it("a query on an unindexed field fails under test and is recorded; an index-served one runs", async () => {
    const before = (await stack.unindexed()).length;
    const bad = await probe("node", "query", { coll: "orders", where: { amount: 100 } });
    expect(bad).toMatchObject({ threw: true, code: "DATABASE_QUERY_NOT_INDEXED" });
    expect(bad.message).toContain("orders");
    const badSort = await probe("node", "query", { coll: "orders", where: { openid: "o" }, orderBy: [["amount", "desc"]] });
    expect(badSort).toMatchObject({ threw: true, code: "DATABASE_QUERY_NOT_INDEXED" });

    const good = await probe("node", "query", { coll: "orders", where: { openid: "o" }, orderBy: [["createdAt", "desc"]] });
    expect(good.threw).toBeUndefined();
    const byId = await probe("wx", "count", { coll: "orders", where: { _id: "x", status: "PENDING" } });
    expect(byId.threw).toBeUndefined();

    const recorded = (await stack.unindexed()).slice(before);
    expect(recorded).toEqual([
      expect.objectContaining({ collection: "orders", action: "database.getDocument", equality: ["amount"], sort: [] }),
      expect.objectContaining({ collection: "orders", equality: ["openid"], sort: [["amount", -1]] }),
    ]);
    // Field names only: no value of the query is kept.
    expect(JSON.stringify(recorded)).not.toContain("100");
  });

  it("collections outside the declaration (test scaffolding) are not checked", async () => {
    await probe("node", "createCollection", { coll: "scratch" });
    expect((await probe("node", "query", { coll: "scratch", where: { anything: 1 } })).threw).toBeUndefined();
  });
});

describe("without strict indexes (npm start)", () => {
  it("an unindexed query runs, is recorded and warned about on stderr", async () => {
    const relaxed = await startTestStack({ strictIndexes: false, trains: false });
    try {
      const r = await relaxed.call<Probe>("sdkprobe", { sdk: "node", op: "query", coll: "orders", where: { amount: 1 } });
      expect(r.result.threw).toBeUndefined();
      expect(await relaxed.unindexed()).toEqual([expect.objectContaining({ collection: "orders", equality: ["amount"] })]);
      expect(relaxed.stderr()).toMatch(/warning: unindexed query on orders/);
    } finally {
      await relaxed.stop();
    }
  });
});
