// When notifications do not come, in-process: sync and the sweeper ask WeChat Pay; expiry closes at
// WeChat Pay and gives seats back; the close-versus-pay race both ways; a payment that arrives after
// the order was closed. Time passes on the fake clock.
import { describe, expect, it } from "vitest";
import { autoRefundIdFor } from "../../shared/orders/ids";
import { syncOrder } from "../../shared/services/traveller-orders";
import { closeLocally } from "../../shared/services/settlement";
import { sweep } from "../../shared/services/sweeper";
import { holdFirstAnswer } from "./gateway-wrappers";
import { world, type World } from "./harness";
import { interleaved } from "./interleave";
import { deliverAll, violations } from "./invariants";
import { book, captureLogs, detail, eventDocs, orderDoc, prepayOf, refundDocs, refundsThere, remaining, settleAll } from "./scenario";

captureLogs();

/** Booked and paid at WeChat Pay; the notification is lost. */
async function paidSilently(w: World, tag: string, n = 1) {
  const order = await book(w, tag, { n });
  expect(w.wx.pay(prepayOf(w, order.orderId))).toBe(true);
  w.wx.outbox.length = 0;
  return order;
}

describe("recovery", () => {
  it("a dropped notification: orders sync asks WeChat Pay and marks the order PAID", async () => {
    const w = await world();
    const order = await paidSilently(w, "sync");
    expect((await detail(w, "sync", order.orderId)).status).toBe("PENDING");
    const synced = await syncOrder(w.deps, orderDoc(w, order.orderId), { fn: "orders" }, 1000);
    expect(synced.status).toBe("PAID");
    expect(synced.transactionId).toBe(w.wx.store.state.orders[order.outTradeNo]!.transactionId);
    expect(eventDocs(w, { outTradeNo: order.outTradeNo }).map((e) => [e.source, e.decision])).toEqual([["query", "APPLIED"]]);
    expect(violations(w, true)).toEqual([]);
  });

  it("a dropped notification: the sweeper queries PENDING orders once they are a minute old", async () => {
    const w = await world();
    const order = await paidSilently(w, "quiet");
    w.clock.advance(59_999);
    expect((await sweep(w.deps)).queried).toBe(0); // too young to be asked about
    expect(orderDoc(w, order.orderId).status).toBe("PENDING");
    expect(w.wx.calls.query).toBe(0);
    w.clock.advance(1);
    expect((await sweep(w.deps)).queried).toBe(1);
    expect(orderDoc(w, order.orderId).status).toBe("PAID");
    expect(eventDocs(w, { outTradeNo: order.outTradeNo }).map((e) => e.decision)).toEqual(["APPLIED"]);
    expect(violations(w, true)).toEqual([]);
  });

  it("expiry: the sweeper closes at WeChat Pay, then here, and the seats come back, once", async () => {
    const w = await world();
    const before = remaining(w, "first");
    const order = await book(w, "expire", { seatClass: "first", n: 2 });
    expect(remaining(w, "first")).toBe(before - 2);
    w.clock.advance(order.expiresAt - w.clock.now() - 1);
    expect((await sweep(w.deps)).expiredClosed).toBe(0); // not yet expired (queried, still NOTPAY)
    w.clock.advance(1);
    expect((await sweep(w.deps)).expiredClosed).toBe(1);
    const d = await detail(w, "expire", order.orderId);
    expect(d.status).toBe("CLOSED");
    expect(d.timeline.map((t) => t.status)).toEqual(["PENDING", "CLOSED"]);
    expect(remaining(w, "first")).toBe(before);
    expect(w.wx.store.state.orders[order.outTradeNo]!.tradeState).toBe("CLOSED");
    expect(w.wx.pay(prepayOf(w, order.orderId))).toBe(false); // closed at WeChat Pay: cannot be paid any more
    const again = await sweep(w.deps); // idempotent: nothing is closed or released twice
    expect(again).toMatchObject({ expiredClosed: 0, seatsReleased: 0, holdLeaksRepaired: 0 });
    expect(remaining(w, "first")).toBe(before);
    expect(violations(w, true)).toEqual([]);
  });

  it("close versus pay: paid just before the close (notification lost) ends PAID, seats kept", async () => {
    const w = await world();
    const before = remaining(w);
    const order = await paidSilently(w, "justpaid");
    w.clock.advance(16 * 60_000);
    const report = await sweep(w.deps); // close answers ORDERPAID → query → PAID
    expect(report).toMatchObject({ expiredClosed: 0, expiredPaid: 1 });
    expect(orderDoc(w, order.orderId).status).toBe("PAID");
    expect(remaining(w)).toBe(before - 1);
    expect(violations(w, true)).toEqual([]);
  });

  it("close versus pay: the payer pays while the sweeper's close is on its way: WeChat Pay closed first, the payment is refused, CLOSED", async () => {
    const w = await world();
    const order = await book(w, "closing");
    w.clock.advance(16 * 60_000);
    const slow = holdFirstAnswer(w, "close");
    const sweeping = sweep(slow.deps);
    await slow.reached;
    expect(w.wx.pay(prepayOf(w, order.orderId))).toBe(false);
    slow.release();
    expect((await sweeping).expiredClosed).toBe(1);
    expect(orderDoc(w, order.orderId).status).toBe("CLOSED");
    expect(violations(w, true)).toEqual([]);
  });

  it.each([1, 2, 3, 4, 5, 6])(
    "close versus pay: paid at the last moment, the notification and the sweeper at once apply exactly one outcome (seed %i)",
    async (seed) => {
      const w = await world({ db: (mem) => interleaved(mem, seed) });
      const order = await book(w, "photo");
      w.clock.advance(order.expiresAt - w.clock.now() - 1);
      expect(w.wx.pay(prepayOf(w, order.orderId))).toBe(true);
      w.clock.advance(1);
      const [, report] = await Promise.all([deliverAll(w), sweep(w.deps)]);
      expect(report.errors).toBe(0);
      const o = orderDoc(w, order.orderId);
      expect(o.status).toBe("PAID");
      expect(o.timeline.map((t) => t.status)).toEqual(["PENDING", "PAID"]);
      expect(eventDocs(w, { outTradeNo: order.outTradeNo, decision: "APPLIED" })).toHaveLength(1);
      await deliverAll(w);
      expect(violations(w, true)).toEqual([]);
    },
  );

  it("a payment that arrives for a CLOSED order is recorded and refunded automatically, once, however often it is delivered", async () => {
    const w = await world();
    const order = await book(w, "late");
    await closeLocally(w.deps, orderDoc(w, order.orderId), "operator", { fn: "test" }); // closed here meanwhile
    expect(w.wx.pay(prepayOf(w, order.orderId))).toBe(true);
    const notification = w.wx.outbox[0]!;
    await deliverAll(w);
    w.wx.outbox.push(notification); // WeChat Pay sends it again
    await deliverAll(w);
    const txid = w.wx.store.state.orders[order.outTradeNo]!.transactionId;
    const d = await detail(w, "late", order.orderId);
    expect(d.status).toBe("CLOSED");
    expect(d.refunds.map((r) => [r.refundId, r.amount, r.status])).toEqual([[autoRefundIdFor(txid!), order.amount, "PROCESSING"]]);
    expect(refundsThere(w, order.outTradeNo)).toHaveLength(1);
    expect(eventDocs(w, { outTradeNo: order.outTradeNo }).map((e) => [e.decision, e.httpStatus])).toEqual([
      ["REFUNDED_CLOSED_ORDER", 204],
      ["REFUNDED_CLOSED_ORDER", 204],
    ]);
    settleAll(w);
    await deliverAll(w);
    const after = orderDoc(w, order.orderId);
    expect(after).toMatchObject({ status: "CLOSED", refundedAmount: order.amount });
    expect(refundDocs(w, order.orderId).map((r) => r.status)).toEqual(["SUCCESS"]);
    expect(violations(w, true)).toEqual([]);
  });
});
