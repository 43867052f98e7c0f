// Bad input on the wire protocol gets a clear { code, message } and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../helpers/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ trains: false });
  expect((await admin({ action: "database.addCollection", collectionName: "bad" })).status).toBe(200);
  const seed = await admin({ action: "database.insertDocument", collectionName: "bad", data: ['{"_id":"keep","v":{"$numberInt":"1"}}'] });
  expect(seed.json).toMatchObject({ data: { insertedIds: ["keep"] } });
});
afterAll(async () => {
  await stack?.stop();
});

function admin(body: Record<string, unknown>) {
  return stack.admin(body);
}

/** The whole `bad` collection, read through the wire protocol. */
async function snapshot(): Promise<unknown> {
  const res = await admin({ action: "database.getDocument", collectionName: "bad", query: "{}", limit: 1000 });
  return (res.json as { data: { list: string[] } }).data.list;
}

describe("POST /admin bad input", () => {
  it("malformed JSON → 400 INVALID_JSON", async () => {
    const before = await snapshot();
    const res = await stack.post("/admin", '{"action":"database.insertDocument","collectionName":"bad","data":["{}"]', {
      "content-type": "application/json",
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: "INVALID_JSON" });
    expect(await snapshot()).toEqual(before);
  });

  it("unknown action → UNSUPPORTED_ACTION", async () => {
    const res = await admin({ action: "database.dropCollection", collectionName: "bad" });
    expect(res.json).toMatchObject({ code: "UNSUPPORTED_ACTION", message: expect.stringContaining("database.dropCollection") });
    expect(await snapshot()).toHaveLength(1);
  });

  it("missing action or collection → INVALID_PARAM", async () => {
    expect((await admin({ collectionName: "bad" })).json).toMatchObject({ code: "INVALID_PARAM" });
    expect((await admin({ action: "database.getDocument" })).json).toMatchObject({ code: "INVALID_PARAM" });
    // A body that is not an object cannot carry a signature: refused before it is parsed as a request.
    expect((await stack.post("/admin", [1, 2])).status).toBe(401);
  });

  it("unsupported query / update operators → UNSUPPORTED_OPERATOR, nothing modified", async () => {
    const before = await snapshot();
    const q = await admin({ action: "database.getDocument", collectionName: "bad", query: '{"v":{"$near":[0,0]}}' });
    expect(q.json).toMatchObject({ code: "UNSUPPORTED_OPERATOR" });
    const u = await admin({
      action: "database.modifyDocument",
      collectionName: "bad",
      query: '{"_id":"keep"}',
      data: '{"$set":{"v":2},"$setOnInsert":{"w":1}}',
      merge: true,
      multi: false,
    });
    expect(u.json).toMatchObject({ code: "UNSUPPORTED_OPERATOR", message: expect.stringContaining("$setOnInsert") });
    const a = await admin({
      action: "database.aggregateDocuments",
      collectionName: "bad",
      stages: [{ stageKey: "$out", stageValue: '"x"' }],
    });
    expect(a.json).toMatchObject({ code: "UNSUPPORTED_OPERATOR" });
    expect(await snapshot()).toEqual(before);
  });

  it("invalid EJSON in a field → INVALID_PARAM", async () => {
    const res = await admin({ action: "database.getDocument", collectionName: "bad", query: "{nope" });
    expect(res.json).toMatchObject({ code: "INVALID_PARAM", message: expect.stringContaining("query") });
  });

  it("an insert batch with one duplicate inserts nothing", async () => {
    const res = await admin({ action: "database.insertDocument", collectionName: "bad", data: ['{"_id":"new1"}', '{"_id":"keep"}'] });
    expect(res.json).toMatchObject({ code: "DATABASE_DUPLICATE_WRITE" });
    expect(await snapshot()).toHaveLength(1);
  });

  it("an oversized body → 413 BODY_TOO_LARGE, nothing inserted", async () => {
    const big = JSON.stringify({
      action: "database.insertDocument",
      collectionName: "bad",
      data: [JSON.stringify({ _id: "big", pad: "x".repeat(1_100_000) })],
    });
    const res = await stack.post("/admin", big, { "content-type": "application/json" });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ code: "BODY_TOO_LARGE" });
    expect(await snapshot()).toHaveLength(1);
    const fn = await stack.post("/functions/whoami", JSON.stringify({ pad: "x".repeat(1_100_000) }), {
      "content-type": "application/json",
    });
    expect(fn.status).toBe(413);
  });

  it("unknown transaction id → DATABASE_TRANSACTION_NOT_FOUND", async () => {
    const res = await admin({ action: "database.commitTransaction", transactionId: "nope" });
    expect(res.json).toMatchObject({ code: "DATABASE_TRANSACTION_NOT_FOUND" });
  });

  it("/dev/stats counts admin round trips by action", async () => {
    const before = (await stack.get("/dev/stats")).json as { admin: { requests: number; byAction: Record<string, number> } };
    await snapshot();
    const after = (await stack.get("/dev/stats")).json as { admin: { requests: number; byAction: Record<string, number> } };
    expect(after.admin.requests).toBe(before.admin.requests + 1);
    expect(after.admin.byAction["database.getDocument"]).toBe((before.admin.byAction["database.getDocument"] ?? 0) + 1);
  });
});
