// Wire-protocol actions the SDK probe does not cover: aggregate, modifyAndReturnDoc, remove,
// regular expressions, limit default/cap, projection, and server dates inside updates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EJSON } from "bson";
import { startTestStack, type TestStack } from "../helpers/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ trains: false });
  await admin({ action: "database.addCollection", collectionName: "w" });
  const docs = Array.from({ length: 1200 }, (_v, i) =>
    EJSON.stringify({ _id: `d${i}`, i, group: i % 3, name: `item-${i}` }, { relaxed: false }),
  );
  const res = await admin({ action: "database.insertDocument", collectionName: "w", data: docs });
  expect((res.data as { insertedIds: string[] }).insertedIds).toHaveLength(1200);
});
afterAll(async () => {
  await stack?.stop();
});

async function admin(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await stack.admin(body);
  expect(res.status).toBe(200);
  return res.json as Record<string, unknown>;
}

const list = (r: Record<string, unknown>) => (r.data as { list: string[] }).list.map((s) => EJSON.parse(s) as Record<string, unknown>);

describe("wire protocol", () => {
  it("limit defaults to 100 and is capped at 1000", async () => {
    expect(list(await admin({ action: "database.getDocument", collectionName: "w", query: "{}" }))).toHaveLength(100);
    expect(list(await admin({ action: "database.getDocument", collectionName: "w", query: "{}", limit: 5000 }))).toHaveLength(1000);
  });

  it("projection, order and offset", async () => {
    const r = await admin({
      action: "database.getDocument",
      collectionName: "w",
      query: '{"group":1}',
      order: '{"i":-1}',
      offset: 1,
      limit: 2,
      projection: '{"i":1}',
    });
    expect(list(r)).toEqual([
      { _id: "d1195", i: 1195 },
      { _id: "d1192", i: 1192 },
    ]);
  });

  it("regular expressions (EJSON $regularExpression)", async () => {
    const q = EJSON.stringify({ name: /^ITEM-11\d\d$/i }, { relaxed: false });
    expect(list(await admin({ action: "database.getDocument", collectionName: "w", query: q, limit: 1000 }))).toHaveLength(100);
  });

  it("aggregate: $match + $group + $sort", async () => {
    const r = await admin({
      action: "database.aggregateDocuments",
      collectionName: "w",
      stages: [
        { stageKey: "$match", stageValue: '{"i":{"$lt":9}}' },
        { stageKey: "$group", stageValue: '{"_id":"$group","n":{"$sum":1}}' },
        { stageKey: "$sort", stageValue: '{"_id":1}' },
      ],
    });
    expect(list(r)).toEqual([
      { _id: 0, n: 3 },
      { _id: 1, n: 3 },
      { _id: 2, n: 3 },
    ]);
  });

  it("modifyAndReturnDoc answers the updated document; server date in an update", async () => {
    const before = Date.now();
    const r = await admin({
      action: "database.modifyAndReturnDoc",
      collectionName: "w",
      query: '{"_id":"d7"}',
      data: '{"$inc":{"i":1000},"$set":{"at":{"$tcb_server_date":{"offset":0}}}}',
    });
    const data = r.data as { updated: number; doc: string };
    expect(data.updated).toBe(1);
    const doc = EJSON.parse(data.doc) as { i: number; at: Date };
    expect(doc.i).toBe(1007);
    // The server's time while it served the request (same clock: one machine).
    expect(doc.at.getTime()).toBeGreaterThanOrEqual(before);
    expect(doc.at.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("removeDocument: single and multi", async () => {
    const one = await admin({ action: "database.removeDocument", collectionName: "w", query: '{"group":2}', multi: false });
    expect(one.data).toEqual({ deleted: 1 });
    const many = await admin({ action: "database.removeDocument", collectionName: "w", query: '{"group":2}', multi: true });
    expect(many.data).toEqual({ deleted: 399 });
    const left = await admin({ action: "database.calculateDocument", collectionName: "w", query: "{}" });
    expect(left.data).toEqual({ total: 800 });
  });
});
