// The defects of issue 8, each reproduced in-process (engine + fake clock + the simulator's ledger)
// and shown fixed. Every test here failed before its fix.
import { createSecretKey } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SeatClassCode } from "../../shared/contracts/api";
import { AppError } from "../../shared/errors";
import { autoRefundIdFor, outRefundNoFor, refundIdFor } from "../../shared/orders/ids";
import { handleNotificationRequest } from "../../shared/runtime/notify-http";
import { createOrder } from "../../shared/services/booking";
import { syncOrder } from "../../shared/services/traveller-orders";
import { reconcile } from "../../shared/services/reconcile";
import { applyNotification } from "../../shared/services/notify";
import { requestOperatorRefund, requestTicketRefund } from "../../shared/services/refund-request";
import { closeLocally } from "../../shared/services/settlement";
import { sweep } from "../../shared/services/sweeper";
import type { OrderDoc, PaymentEventDoc, RefundDoc } from "../../shared/store/model";
import { createRepos } from "../../shared/store/repos";
import { StaticKeyStore } from "../../shared/wechatpay/key-store";
import { createNotificationParser } from "../../shared/wechatpay/notification";
import { buildTestNotification, generateTestKeySet, transactionResource, type TestKeySet } from "../../shared/wechatpay/testing";
import type { NotificationParser } from "../../shared/wechatpay/types";
import { crashAt, gate } from "./db-wrappers";
import { passengers, user, world, type World } from "./harness";
import { deliverAll, drain, violations } from "./invariants";
import { LedgerGateway } from "./ledger-gateway";
import { chinaDate } from "../../shared/catalog/catalog";

const order = async (w: World, id: string) => (w.mem.all("orders") as unknown as OrderDoc[]).find((o) => o._id === id)!;
const refunds = (w: World) => w.mem.all("refunds") as unknown as RefundDoc[];
const events = (w: World) => w.mem.all("payment_events") as unknown as PaymentEventDoc[];
const trainOf = (w: World) => w.mem.all("trains").find((t) => t._id === w.train._id) as unknown as World["train"];
const book = (w: World, tag: string, seatClass: SeatClassCode = "second", n = 1, clientToken = `tok-${tag}`) =>
  createOrder(w.deps, { trainId: w.train._id, seatClass, passengers: passengers(n), clientToken }, user(tag));
const prepayOf = async (w: World, orderId: string) => (await order(w, orderId)).prepayId!;

async function paidOrder(w: World, tag: string, n = 1) {
  const o = await book(w, tag, "second", n);
  expect(w.wx.pay(await prepayOf(w, o.orderId))).toBe(true);
  await deliverAll(w);
  expect((await order(w, o.orderId)).status).toBe("PAID");
  return o;
}

beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "error").mockImplementation(() => undefined);
});

describe("issue 8 defects", () => {
  it("1. two bookings with the same clientToken that both reach WeChat Pay: one payable order, its seats still held", async () => {
    const w = await world({ trainNo: "G5" }); // 6 business seats
    const input = { trainId: w.train._id, seatClass: "business" as const, passengers: passengers(2), clientToken: "same" };
    const [a, b] = await Promise.all([createOrder(w.deps, input, user("a")), createOrder(w.deps, input, user("a"))]);
    expect(w.wx.calls.prepay).toBe(2); // the case: both reached WeChat Pay and got the same prepay_id
    expect(a.orderId).toBe(b.orderId);
    const o = await order(w, a.orderId);
    expect(o.status).toBe("PENDING");
    expect(Object.values(trainOf(w).seatMap).filter((h) => h.orderId === o._id)).toHaveLength(2);
    expect(trainOf(w).seats.business.remaining).toBe(4);
    // The class cannot be oversold: 4 more seats, then SOLD_OUT.
    for (let i = 0; i < 4; i++) await book(w, `fill${i}`, "business");
    await expect(book(w, "one-too-many", "business")).rejects.toMatchObject({ code: "SOLD_OUT" });
    expect(violations(w, false)).toEqual([]);
  });

  it("2. a payment on a closed order is refunded even when the automatic refund is refused once; reconciliation flags it until then", async () => {
    const w = await world();
    const o = await book(w, "late");
    const prepayId = await prepayOf(w, o.orderId);
    // Closed here (as a refused twin would) while WeChat Pay still lets the payer pay.
    await closeLocally(w.deps, await order(w, o.orderId), "test", { fn: "test" });
    w.wx.fail("refund", { kind: "refuse", code: "FREQUENCY_LIMITED", status: 429 });
    expect(w.wx.pay(prepayId)).toBe(true);
    const notification = w.wx.outbox[0]!;
    await deliverAll(w);
    const txid = (await order(w, o.orderId)).transactionId!;
    const auto = refunds(w).find((r) => r._id === autoRefundIdFor(txid))!;
    expect(auto.status).toBe("CREATED"); // kept, to be sent again — not FAILED
    expect(events(w).at(-1)).toMatchObject({ decision: "REFUNDED_CLOSED_ORDER", httpStatus: 204 });
    const before = await reconcile(w.deps, chinaDate(w.clock.now()), { fn: "test" });
    expect(before.discrepancies).toContainEqual(expect.objectContaining({ kind: "CLOSED_ORDER_NOT_REFUNDED", outTradeNo: o.outTradeNo }));
    // WeChat Pay's retry of the same notification does not start a second refund.
    w.wx.outbox.push(notification);
    await drain(w);
    const closed = await order(w, o.orderId);
    expect(closed.status).toBe("CLOSED");
    expect(closed.refundedAmount).toBe(o.amount);
    expect(Object.values(w.wx.store.state.refunds).filter((r) => r.outTradeNo === o.outTradeNo)).toHaveLength(1);
    const after = await reconcile(w.deps, chinaDate(w.clock.now()), { fn: "test" });
    expect(after.discrepancies.filter((d) => d.kind === "CLOSED_ORDER_NOT_REFUNDED")).toEqual([]);
    expect(violations(w, true)).toEqual([]);
  });

  it("3. same-token bookings with a refused prepay: a hold taken after the other call released is given back", async () => {
    const w = await world();
    w.wx.fail("prepay", { kind: "refuse", code: "PARAM_ERROR" }, 2);
    const input = { trainId: w.train._id, seatClass: "second" as const, passengers: passengers(1), clientToken: "twin" };
    // B reads the order as PENDING, then waits before holding while A runs to the end.
    const g = gate(w.mem, (op, coll) => op === "update" && coll === "trains");
    const depsB = { ...w.deps, db: createRepos(g.db) };
    const b = createOrder(depsB, input, user("t")).catch((e: unknown) => e);
    await g.reached;
    await expect(createOrder(w.deps, input, user("t"))).rejects.toMatchObject({ code: "PAYMENT_FAILED" });
    g.open();
    expect(await b).toBeInstanceOf(AppError);
    expect(Object.keys(trainOf(w).seatMap)).toEqual([]);
    expect(violations(w, true)).toEqual([]);
  });

  it("4. a crash anywhere in a refund (before or after any write) never blocks the amount: the sweeper finishes or gives it back", async () => {
    for (const when of ["before", "after"] as const) {
      for (let k = 1; k <= 6; k++) {
        const w = await world();
        const o = await paidOrder(w, `crash${k}${when}`);
        const crashing = crashAt(w.mem, k, when);
        const r = await requestOperatorRefund(
          { ...w.deps, db: createRepos(crashing) },
          { orderId: o.orderId, amount: 100, refundToken: "r1" },
        ).catch((e: unknown) => e);
        await drain(w);
        expect(violations(w, true), `crash ${when} write ${k}`).toEqual([]);
        // Whatever happened, the rest of the order can still be refunded in full.
        const now = await order(w, o.orderId);
        const left = now.amount - now.refundReserved;
        if (left > 0) await requestOperatorRefund(w.deps, { orderId: o.orderId, refundToken: "rest" });
        await drain(w);
        expect((await order(w, o.orderId)).refundedAmount, `crash ${when} write ${k}: ${String(r)}`).toBe(o.amount);
      }
    }
  });
});

describe("issue 8 defects: notifications", () => {
  let keys: TestKeySet;
  let parser: NotificationParser;
  beforeAll(() => {
    keys = generateTestKeySet();
    parser = createNotificationParser({
      apiV3Key: createSecretKey(Buffer.from(keys.apiV3Key)),
      keys: new StaticKeyStore(new Map([[keys.wechatpay.serial, keys.wechatpay.publicKey]])),
    });
  });
  const post = (w: World, n: { headers: Record<string, string>; body: string }) =>
    handleNotificationRequest({ path: "/api/payment/notify", httpMethod: "POST", headers: n.headers, body: n.body }, parser, {
      ...w.deps,
      now: () => Date.now(),
    });

  it("5. an unverified request stores nothing per request (counted per day); stored header fields are capped", async () => {
    const w = await world();
    const huge = "R".repeat(12_000);
    for (let i = 0; i < 20; i++) {
      const forged = buildTestNotification(keys, { serial: keys.wechatpay.serial, privateKey: keys.merchantPrivateKey });
      const res = await post(w, { headers: { ...forged.headers, "Request-ID": huge }, body: forged.body });
      expect(res.statusCode).toBe(401);
    }
    expect(events(w)).toHaveLength(0);
    expect(w.mem.all("notify_rejections")).toEqual([expect.objectContaining({ total: 20, codes: { BAD_SIGNATURE: 20 } })]);
    // A verified one with a huge Request-ID: recorded, the header capped.
    const unknown = buildTestNotification(keys, keys.wechatpay, {
      resource: transactionResource(keys, { out_trade_no: `TP${"0".repeat(24)}` }),
    });
    const res = await post(w, { headers: { ...unknown.headers, "Request-ID": huge }, body: unknown.body });
    expect(res.statusCode).toBe(400);
    expect(events(w)).toHaveLength(1);
    expect(events(w)[0]!.requestId!.length).toBeLessThanOrEqual(64);
  });

  it("6a. a verified notification of an unknown event type is acknowledged (204) and recorded as IGNORED", async () => {
    const w = await world();
    const n = buildTestNotification(keys, keys.wechatpay, { eventType: "TRANSACTION.CLOSED" });
    expect((await post(w, n)).statusCode).toBe(204);
    expect(events(w)).toEqual([expect.objectContaining({ decision: "IGNORED", eventType: "TRANSACTION.CLOSED", source: "notification" })]);
  });
});

describe("issue 8 defects: sync and the sweeper", () => {
  it("6b. twenty concurrent syncs of one order ask WeChat Pay once per second", async () => {
    const w = await world();
    const o = await book(w, "sync");
    const doc = await order(w, o.orderId);
    await Promise.all(Array.from({ length: 20 }, () => syncOrder(w.deps, doc, { fn: "orders" }, 1000)));
    expect(w.wx.calls.query).toBe(1);
    w.clock.advance(1000);
    await Promise.all(Array.from({ length: 20 }, () => syncOrder(w.deps, doc, { fn: "orders" }, 1000)));
    expect(w.wx.calls.query).toBe(2);
  });

  it("6c. a slow WeChat Pay cannot starve the database repairs, and its work stops at the budget", async () => {
    const w = await world();
    const booked = [];
    for (let i = 0; i < 12; i++) booked.push(await book(w, `slow${i}`));
    // A seat release that a crash interrupted (closed order still marked as holding seats).
    const leaked = booked[0]!;
    await w.mem.update("orders", { _id: leaked.orderId }, { $set: { status: "CLOSED" } });
    w.clock.advance(20 * 60_000); // every order expired: each needs WeChat Pay (close) — slowly
    const slow = w.deps.gateway;
    const deps = {
      ...w.deps,
      gateway: async () => {
        w.clock.advance(10_000); // each WeChat Pay call takes 10 s
        return slow();
      },
    };
    const report = await sweep(deps, 40_000);
    expect(report.seatsReleased).toBe(1);
    expect(Object.values(trainOf(w).seatMap).filter((h) => h.orderId === leaked.orderId)).toEqual([]);
    expect(report.deferred).toBeGreaterThan(0);
    expect(report.expiredClosed).toBeLessThanOrEqual(4);
  });

  it("6d. when the sweeper's close finds the order paid, the payment is recorded in payment_events", async () => {
    const w = await world();
    const o = await book(w, "paid-at-expiry");
    w.wx.pay(await prepayOf(w, o.orderId));
    w.wx.outbox.length = 0; // the notification never arrives
    w.clock.advance(20 * 60_000);
    const report = await sweep(w.deps);
    expect(report.expiredPaid).toBe(1);
    expect(events(w)).toEqual([expect.objectContaining({ source: "sweeper", decision: "APPLIED", orderId: o.orderId })]);
    expect(violations(w, false)).toEqual([]);
  });

  it("refund ids and out_refund_no are derived, so the test can find them", () => {
    expect(outRefundNoFor(refundIdFor("o", "x", "t"))).toMatch(/^RF[0-9a-f]{24}$/);
  });
});

describe("found by the model-based test", () => {
  it("a retried booking whose earlier prepay was paid meanwhile: ORDERPAID makes the order PAID, never CLOSED", async () => {
    const w = await world();
    const input = { trainId: w.train._id, seatClass: "second" as const, passengers: passengers(1), clientToken: "paid-retry" };
    // The first attempt reaches WeChat Pay but its answer is lost; the payer pays that prepay anyway
    // (the sheet was opened from an earlier answer), and the notification is late.
    w.wx.fail("prepay", { kind: "lost" });
    await expect(createOrder(w.deps, input, user("p"))).rejects.toMatchObject({ code: "PAYMENT_FAILED" });
    const o = (w.mem.all("orders") as unknown as OrderDoc[])[0]!;
    expect(w.wx.pay(w.wx.store.state.orders[o.outTradeNo]!.prepayId)).toBe(true);
    // The retry: WeChat Pay answers ORDERPAID.
    await expect(createOrder(w.deps, input, user("p"))).rejects.toMatchObject({ code: "ORDER_STATE" });
    expect((await order(w, o._id)).status).toBe("PAID");
    await drain(w);
    expect(violations(w, true)).toEqual([]);
  });

  /** A one-ticket order whose ticket was returned (退票) and refunded at WeChat Pay, and the delivery
   *  of that refund's SUCCESS with the credit held after it read the order, before its write. */
  async function lastTicketCreditHeld(w: World, tag: string, before?: (orderId: string) => Promise<void>) {
    const o = await paidOrder(w, tag);
    if (before) await before(o.orderId);
    const ticketId = (await order(w, o.orderId)).tickets[0]!.ticketId;
    const ret = await requestTicketRefund(w.deps, { orderId: o.orderId, ticketIds: [ticketId], refundToken: "ticket" }, user(tag));
    expect(ret.fee).toBeGreaterThan(0); // something is left for an operator to refund
    expect(w.wx.settleRefund(ret.outRefundNo, "SUCCESS")).toBe(true);
    const n = w.wx.outbox.splice(0).find((x) => x.outRefundNo === ret.outRefundNo)!;
    const g = gate(w.mem, (op, coll) => op === "update" && coll === "orders");
    const credit = applyNotification({ ...w.deps, db: createRepos(g.db) }, LedgerGateway.parsed(n, `held-${tag}`));
    await g.reached;
    return { o, ret, credit, open: g.open };
  }

  it("the last ticket's refund is credited while an operator's refund of the rest is reserved: the order waits for it, then is REFUNDED", async () => {
    const w = await world();
    const { o, ret, credit, open } = await lastTicketCreditHeld(w, "held-credit");
    // Between the credit's read and its write, an operator refunds what is left (the 退票费).
    const ops = await requestOperatorRefund(w.deps, { orderId: o.orderId, refundToken: "rest" });
    expect(ops.amount).toBe(ret.fee);
    open();
    expect(await credit).toMatchObject({ decision: "APPLIED" });
    // The operator's refund is in flight: not REFUNDED yet (REFUNDED would refuse its credit).
    expect(await order(w, o.orderId)).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: ret.amount });
    expect(w.wx.settleRefund(ops.outRefundNo, "SUCCESS")).toBe(true);
    await deliverAll(w);
    expect(w.wx.outbox).toEqual([]); // acknowledged, not answered 500 again and again
    expect(await order(w, o.orderId)).toMatchObject({ status: "REFUNDED", refundedAmount: o.amount });
    expect(refunds(w).map((r) => r.status)).toEqual(["SUCCESS", "SUCCESS"]);
    await drain(w);
    expect(violations(w, true)).toEqual([]);
  });

  it("the last ticket's refund is credited while the operator's refund in flight is closed: the order is REFUNDED, not left PARTIALLY_REFUNDED", async () => {
    const w = await world();
    let ops!: Awaited<ReturnType<typeof requestOperatorRefund>>;
    const { o, ret, credit, open } = await lastTicketCreditHeld(w, "held-close", async (orderId) => {
      ops = await requestOperatorRefund(w.deps, { orderId, amount: 100, refundToken: "goodwill" });
    });
    // The credit read the operator's 1 yuan in flight; before its write that refund is closed
    // (its reservation goes back; the ticket is still REFUNDING, so nothing is settled then).
    expect(w.wx.settleRefund(ops.outRefundNo, "CLOSED")).toBe(true);
    await deliverAll(w);
    open();
    expect(await credit).toMatchObject({ decision: "APPLIED" });
    expect(await order(w, o.orderId)).toMatchObject({ status: "REFUNDED", refundedAmount: ret.amount, refundReserved: ret.amount });
    await drain(w);
    expect((await order(w, o.orderId)).status).toBe("REFUNDED");
    expect(violations(w, true)).toEqual([]);
  });
});
