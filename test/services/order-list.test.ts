// 我的订单 in-process: the tabs against the order states and the server's clock around departure, and
// keyset pagination (no duplicate, no gap, even with an order created between pages; bad cursors and
// limits refused). Every query runs on the strict engine: an unindexed one fails the test.
import { describe, expect, it } from "vitest";
import type { OrdersListResult, OrdersTab } from "../../shared/contracts/api";
import { requestTicketRefund } from "../../shared/services/refund-request";
import { cancelOrder, listOrders } from "../../shared/services/traveller-orders";
import type { OrderDoc } from "../../shared/store/model";
import { user, world, type World } from "./harness";
import { deliverAll } from "./invariants";
import { book, captureLogs, orderDoc, paidOrder, settleAll } from "./scenario";

captureLogs();

const ids = (r: OrdersListResult) => r.orders.map((o) => o.orderId);
const tab = (w: World, tag: string, status?: OrdersTab) => listOrders(w.deps, user(tag), status ? { status } : {});

async function errorOf(p: Promise<unknown>): Promise<{ code: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string };
  }
  throw new Error("expected a refusal");
}

describe("my orders: tabs", () => {
  it("puts each order in exactly one tab by its state and the server's clock around departure", async () => {
    const w = await world();
    const closed = await book(w, "me", { clientToken: "tok-closed1" });
    await cancelOrder(w.deps, orderDoc(w, closed.orderId));
    w.clock.advance(61_000);
    const trip = await paidOrder(w, "me", { clientToken: "tok-trip-01", n: 2 });
    w.clock.advance(61_000);
    const returned = await paidOrder(w, "me", { clientToken: "tok-return1" });
    const r = await requestTicketRefund(
      w.deps,
      { orderId: returned.orderId, ticketIds: [`${returned.orderId}-1`], refundToken: "refund-all-1" },
      user("me"),
    );
    expect(r.status).toBe("PROCESSING");
    settleAll(w);
    await deliverAll(w);
    expect(orderDoc(w, returned.orderId).status).toBe("REFUNDED");
    w.clock.advance(61_000);
    const unpaid = await book(w, "me", { clientToken: "tok-unpaid1" });
    // Someone else's orders are never listed.
    await paidOrder(w, "other", { clientToken: "tok-other01" });

    expect(ids(await tab(w, "me"))).toEqual([unpaid.orderId, returned.orderId, trip.orderId, closed.orderId]);
    expect(ids(await tab(w, "me", "unpaid"))).toEqual([unpaid.orderId]);
    expect(ids(await tab(w, "me", "upcoming"))).toEqual([trip.orderId]);
    expect(ids(await tab(w, "me", "done"))).toEqual([returned.orderId, closed.orderId]);

    // A millisecond before departure (server clock) the trip is still ahead; at departure it is done.
    const departAt = orderDoc(w, trip.orderId).departAt!;
    expect(departAt).toBe(w.train.departAt);
    w.clock.t = departAt - 1;
    expect(ids(await tab(w, "me", "upcoming"))).toEqual([trip.orderId]);
    w.clock.t = departAt;
    const upcoming = await tab(w, "me", "upcoming");
    expect(upcoming.orders).toEqual([]);
    expect(upcoming.serverNow).toBe(departAt);
    expect(ids(await tab(w, "me", "done"))).toEqual([returned.orderId, trip.orderId, closed.orderId]);
    // Still PENDING in the database until the sweeper closes it: the unpaid tab shows it (the page
    // shows it as timed out from expiresAt and serverNow).
    expect(ids(await tab(w, "me", "unpaid"))).toEqual([unpaid.orderId]);
  });

  it("a paid order whose every ticket was returned is done even before departure; a partly returned one is upcoming", async () => {
    const w = await world();
    const two = await paidOrder(w, "me", { clientToken: "tok-partial", n: 2 });
    await requestTicketRefund(w.deps, { orderId: two.orderId, ticketIds: [`${two.orderId}-1`], refundToken: "refund-one-1" }, user("me"));
    settleAll(w);
    await deliverAll(w);
    expect(orderDoc(w, two.orderId).status).toBe("PARTIALLY_REFUNDED");
    expect(ids(await tab(w, "me", "upcoming"))).toEqual([two.orderId]);
    // Stored before departAt was kept: counted done (docs/api.md).
    const legacy: OrderDoc = { ...orderDoc(w, two.orderId), _id: "f".repeat(24), createdAt: w.clock.now() + 1 };
    delete legacy.departAt;
    await w.deps.db.orders.insert(legacy);
    expect(ids(await tab(w, "me", "done"))).toEqual([legacy._id]);
  });
});

/** `n` orders of user "many", `perMs` of them in each millisecond (ties are where keysets go wrong). */
async function manyOrders(w: World, n: number, perMs: number): Promise<OrderDoc> {
  const base = orderDoc(w, (await book(w, "many", { clientToken: "tok-many-00" })).orderId);
  for (let i = 1; i < n; i++) {
    const _id = (0x100000 + i).toString(16).padStart(24, "a");
    await w.deps.db.orders.insert({ ...base, _id, createdAt: base.createdAt + 10 + Math.floor(i / perMs) });
  }
  return base;
}

async function walk(w: World, limit: number, status?: OrdersTab, between?: (page: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await listOrders(w.deps, user("many"), { ...(status ? { status } : {}), limit, ...(cursor ? { cursor } : {}) });
    expect(r.orders.length).toBeLessThanOrEqual(limit);
    seen.push(...ids(r));
    await between?.(page);
    if (!r.nextCursor) return seen;
    cursor = r.nextCursor;
  }
  throw new Error("no end");
}

describe("my orders: pages", () => {
  for (const perMs of [1, 4, 30]) {
    it(`45 orders (${perMs} per millisecond) in pages of 20, 7 and 1: every one once, newest first`, async () => {
      const w = await world({ onlyTrain: true });
      await manyOrders(w, 45, perMs);
      const expected = (w.mem.all("orders") as unknown as OrderDoc[])
        .sort((a, b) => b.createdAt - a.createdAt || (a._id < b._id ? 1 : -1))
        .map((o) => o._id);
      expect(expected).toHaveLength(45);
      for (const limit of [20, 7, 1]) expect(await walk(w, limit)).toEqual(expected);
      expect(await walk(w, 50, "unpaid")).toEqual(expected);
    });
  }

  it("an order created between pages neither repeats nor hides the others", async () => {
    const w = await world({ onlyTrain: true });
    await manyOrders(w, 45, 2);
    const before = (w.mem.all("orders") as unknown as OrderDoc[]).map((o) => o._id);
    const base = orderDoc(w, before[0]!);
    const seen = await walk(w, 20, undefined, async (page) => {
      if (page === 0) await w.deps.db.orders.insert({ ...base, _id: "e".repeat(24), createdAt: w.clock.now() + 60_000 });
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...before].sort());
  });

  it("default 20, at most 50; limits outside 1–50 and malformed or foreign cursors are INVALID_ARGUMENT", async () => {
    const w = await world({ onlyTrain: true });
    await manyOrders(w, 60, 1);
    const first = await listOrders(w.deps, user("many"));
    expect(first.orders).toHaveLength(20);
    expect((await listOrders(w.deps, user("many"), { limit: 50 })).orders).toHaveLength(50);
    for (const limit of [0, 51, 2.5, -1, Number.NaN])
      expect(await errorOf(listOrders(w.deps, user("many"), { limit }))).toMatchObject({ code: "INVALID_ARGUMENT" });
    const foreign = first.nextCursor!;
    const forged = Buffer.from(JSON.stringify({ s: "all", t: "x", i: "1" })).toString("base64url");
    for (const [cursor, status] of [
      ["not a cursor!", undefined],
      ["e30", undefined], // {}
      [forged, undefined],
      [foreign, "unpaid"], // the 全部 tab's cursor on 待支付
    ] as const)
      expect(await errorOf(listOrders(w.deps, user("many"), { cursor, ...(status ? { status } : {}) }))).toMatchObject({
        code: "INVALID_ARGUMENT",
      });
  });
});
