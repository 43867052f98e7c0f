// The real wx-server-sdk and @cloudbase/node-sdk, bundled in a built function (sdkprobe), against the
// local stack's database: every operation issue 2 lists, through both SDKs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES_CONFIG, loadProofConfig, startTestStack, type TestStack } from "../helpers/stack";

let stack: TestStack;
beforeAll(async () => {
  // sdkprobe runs up to 50 concurrent SDK calls in one invocation: its declared 30 s, load-proof.
  stack = await startTestStack({ configPath: loadProofConfig(FIXTURES_CONFIG), trains: false });
  // Like CloudBase, the stack writes only into collections that were created.
  for (const sdk of ["wx", "node"] as const) {
    for (const coll of ["", "_q", "_tx", "_rb", "_cf"].map((s) => `orders_${sdk}${s}`)) {
      const created = await probe(sdk, "createCollection", { coll });
      expect(created.threw, JSON.stringify(created)).toBeUndefined();
    }
  }
});
afterAll(async () => {
  await stack?.stop();
});

type Sdk = "wx" | "node";

async function probe<T = Record<string, unknown>>(sdk: Sdk, op: string, args: Record<string, unknown> = {}): Promise<T> {
  const res = await stack.call<T>("sdkprobe", { sdk, op, ...args }, { openid: "probe-user" });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.result;
}

/** The document list of a get(), whichever SDK answered. */
function docsOf(res: { ok: { data: unknown } }): Record<string, unknown>[] {
  const d = res.ok.data;
  return (Array.isArray(d) ? d : d ? [d] : []) as Record<string, unknown>[];
}

describe.each<Sdk>(["wx", "node"])("%s SDK in a built bundle", (sdk) => {
  const coll = `orders_${sdk}`;

  it("add answers the new id and get by id returns the document", async () => {
    const added = await probe<{ ok: Record<string, string> }>(sdk, "add", { coll, doc: { amount: 100, status: "PENDING" } });
    const id = sdk === "wx" ? added.ok._id : added.ok.id;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const got = await probe<{ ok: { data: unknown } }>(sdk, "get", { coll, id });
    if (sdk === "wx") expect(got.ok.data).toEqual({ _id: id, amount: 100, status: "PENDING" });
    else expect(got.ok.data).toEqual([{ _id: id, amount: 100, status: "PENDING" }]);
  });

  it("get of a missing id: node-sdk answers an empty list, wx-server-sdk throws", async () => {
    const got = await probe<Record<string, unknown>>(sdk, "get", { coll, id: "no-such-id" });
    if (sdk === "node") expect(got).toEqual({ ok: expect.objectContaining({ data: [] }) });
    else expect(got.threw).toBe(true);
  });

  it("where + orderBy + limit (+ skip, field) and count", async () => {
    const c = `${coll}_q`;
    for (const [i, amount] of [30, 10, 50, 20, 40].entries()) {
      await probe(sdk, "add", { coll: c, doc: { _id: `q${i}`, amount, kind: i % 2 === 0 ? "even" : "odd" } });
    }
    const top = await probe<{ ok: { data: unknown } }>(sdk, "query", {
      coll: c,
      where: { kind: "even" },
      orderBy: [["amount", "desc"]],
      limit: 2,
    });
    expect(docsOf(top).map((d) => d.amount)).toEqual([50, 40]);
    const page = await probe<{ ok: { data: unknown } }>(sdk, "query", {
      coll: c,
      where: {},
      orderBy: [["amount", "asc"]],
      skip: 1,
      limit: 2,
      field: { amount: true },
    });
    expect(docsOf(page)).toEqual([
      { _id: "q3", amount: 20 },
      { _id: "q0", amount: 30 },
    ]);
    const counted = await probe<{ ok: { total: number } }>(sdk, "count", { coll: c, where: { kind: "odd" } });
    expect(counted.ok.total).toBe(2);
    const ops = await probe<{ ok: { data: unknown } }>(sdk, "queryOperators", { coll: c, n: 15 });
    // amount in (15, 1000] and (status in [..] or vip): none has status or vip
    expect(docsOf(ops)).toEqual([]);
  });

  it("update with db.command operators (inc, push, remove, set, dotted path)", async () => {
    await probe(sdk, "add", { coll, doc: { _id: "u1", amount: 10, tags: ["a"], note: "drop me", status: "NEW" } });
    const res = await probe<{ ok: Record<string, unknown> }>(sdk, "updateOperators", { coll, id: "u1" });
    if (sdk === "wx") expect(res.ok.stats).toEqual({ updated: 1 });
    else expect(res.ok.updated).toBe(1);
    const got = await probe<{ ok: { data: unknown } }>(sdk, "get", { coll, id: "u1" });
    expect(docsOf(got)[0]).toEqual({ _id: "u1", amount: 15, tags: ["a", "x"], status: "SEEN", nested: { flag: true } });
  });

  it("serverDate is filled with the server's time", async () => {
    const before = Date.now();
    await probe(sdk, "addWithServerDate", { coll, doc: { _id: "sd1" } });
    const got = await probe<{ ok: { data: unknown } }>(sdk, "get", { coll, id: "sd1" });
    const at = Date.parse(String(docsOf(got)[0]?.createdAt));
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("set replaces a document (and creates it when missing)", async () => {
    const created = await probe<{ ok: Record<string, unknown> }>(sdk, "set", { coll, id: "s1", doc: { x: 1, y: 1 } });
    if (sdk === "wx") expect(created.ok.stats).toEqual({ updated: 0, created: 1 });
    else expect(created.ok).toMatchObject({ updated: 0, upsertedId: "s1" });
    await probe(sdk, "set", { coll, id: "s1", doc: { x: 2 } });
    const got = await probe<{ ok: { data: unknown } }>(sdk, "get", { coll, id: "s1" });
    expect(docsOf(got)[0]).toEqual({ _id: "s1", x: 2 });
  });

  it("compare-and-set: 50 concurrent conditional updates of one document, exactly one wins", async () => {
    await probe(sdk, "add", { coll, doc: { _id: "cas1", status: "PENDING" } });
    const res = await probe<{ ok: { updated: number[] } }>(sdk, "cas", { coll, id: "cas1", n: 50 });
    expect(res.ok.updated).toHaveLength(50);
    expect(res.ok.updated.filter((u) => u === 1)).toHaveLength(1);
    expect(res.ok.updated.filter((u) => u === 0)).toHaveLength(49);
    const got = await probe<{ ok: { data: unknown } }>(sdk, "get", { coll, id: "cas1" });
    const doc = docsOf(got)[0] as { status: string; winner: number };
    expect(doc.status).toBe("PAID");
    expect(res.ok.updated[doc.winner]).toBe(1);
  });

  it("transaction commit applies every write", async () => {
    const c = `${coll}_tx`;
    await probe(sdk, "add", { coll: c, doc: { _id: "A", balance: 100 } });
    await probe(sdk, "add", { coll: c, doc: { _id: "A-to", balance: 0 } });
    const res = await probe<{ ok: unknown }>(sdk, "txCommit", { coll: c, id: "A", n: 30 });
    expect(res.ok).toEqual({ from: 100, to: 0 });
    const all = await probe<{ ok: { data: unknown } }>(sdk, "query", { coll: c, where: {}, orderBy: [["_id", "asc"]] });
    expect(docsOf(all)).toEqual([
      { _id: "A", balance: 70 },
      { _id: "A-log", moved: 30 },
      { _id: "A-to", balance: 30 },
    ]);
  });

  it("transaction rollback leaves nothing behind (writes were visible inside it)", async () => {
    const c = `${coll}_rb`;
    await probe(sdk, "add", { coll: c, doc: { _id: "B", balance: 5 } });
    const res = await probe<{ ok: { insideBalance: number } }>(sdk, "txRollback", { coll: c, id: "B" });
    expect(res.ok.insideBalance).toBe(-999);
    const viaRun = await probe<Record<string, unknown>>(sdk, "txRunRollback", { coll: c, id: "B" });
    expect(viaRun).toMatchObject({ threw: true, message: "changed my mind" });
    const all = await probe<{ ok: { data: unknown } }>(sdk, "query", { coll: c, where: {} });
    expect(docsOf(all)).toEqual([{ _id: "B", balance: 5 }]);
  });

  it("two transactions writing one document: the second commit fails with a conflict", async () => {
    const c = `${coll}_cf`;
    await probe(sdk, "add", { coll: c, doc: { _id: "C", balance: 0 } });
    const res = await probe<{ ok: { secondCommit: Record<string, unknown> } }>(sdk, "txConflict", { coll: c, id: "C" });
    expect(res.ok.secondCommit).toMatchObject({ threw: true });
    expect(String(res.ok.secondCommit.code ?? res.ok.secondCommit.message)).toMatch(/DATABASE_TRANSACTION_CONFLICT|conflict/);
    const got = await probe<{ ok: { data: unknown } }>(sdk, "get", { coll: c, id: "C" });
    expect(docsOf(got)[0]).toEqual({ _id: "C", balance: 1 });
  });

  it("a duplicate _id is rejected and the first document is kept", async () => {
    await probe(sdk, "add", { coll, doc: { _id: "dup", v: 1 } });
    const second = await probe<Record<string, unknown>>(sdk, "add", { coll, doc: { _id: "dup", v: 2 } });
    expect(second.threw).toBe(true);
    expect(String(second.message)).toMatch(/duplicate key/);
    if (sdk === "node") expect(second.code).toBe("DATABASE_DUPLICATE_WRITE");
    else expect(second.errCode).toBe(-501001); // wx-server-sdk folds server codes into -501001
    const got = await probe<{ ok: { data: unknown } }>(sdk, "get", { coll, id: "dup" });
    expect(docsOf(got)[0]).toEqual({ _id: "dup", v: 1 });
  });

  it("an unsupported query operator is an error, not an empty result", async () => {
    const res = await probe<Record<string, unknown>>(sdk, "badOperator", { coll });
    expect(res.threw).toBe(true);
    expect(String(res.message)).toMatch(/\$where is not supported/);
  });
});
