// Refunds when WeChat Pay's answer is lost, never arrives, or the process dies, in-process: the
// sweeper finds out at WeChat Pay, submits again (same out_refund_no) only when WeChat Pay never got
// it, and never refunds or credits twice. Time passes on the fake clock.
import { describe, expect, it } from "vitest";
import { requestOperatorRefund } from "../../shared/services/refund-request";
import { RESUBMIT_AFTER_MS } from "../../shared/services/follow-up";
import { sweep } from "../../shared/services/sweeper";
import { world } from "./harness";
import { deliverAll, violations } from "./invariants";
import { captureLogs, detail, orderDoc, paidOrder, refundDocs, refundsThere, settleAll } from "./scenario";

captureLogs();

describe("refund recovery", () => {
  it("a refund whose answer is lost stays in progress; the sweeper finds it at WeChat Pay and settles it", async () => {
    const w = await world();
    const order = await paidOrder(w, "lost");
    w.wx.fail("refund", { kind: "lost" });
    const r = await requestOperatorRefund(w.deps, { orderId: order.orderId, refundToken: "r" });
    expect(r.status).toBe("PROCESSING");
    expect(refundDocs(w, order.orderId).map((x) => x.status)).toEqual(["CREATED"]);
    w.clock.advance(5_000);
    expect((await sweep(w.deps)).refundsChecked).toBe(1); // WeChat Pay has it, PROCESSING
    expect(refundDocs(w, order.orderId).map((x) => x.status)).toEqual(["PROCESSING"]);
    settleAll(w);
    w.wx.outbox.length = 0; // and its notification is lost too
    w.clock.advance(60_000);
    await sweep(w.deps);
    const d = await detail(w, "lost", order.orderId);
    expect(d).toMatchObject({ status: "REFUNDED", refundedAmount: order.amount });
    expect(d.refunds.map((x) => x.status)).toEqual(["SUCCESS"]);
    expect(w.wx.calls.refund).toBe(1);
    expect(violations(w, true)).toEqual([]);
  });

  it("a refund that never reached WeChat Pay is submitted again by the sweeper — only once no request of ours can still arrive — and once", async () => {
    const w = await world();
    const order = await paidOrder(w, "never");
    w.wx.fail("refund", { kind: "unknown" }); // lost before it took effect
    const r = await requestOperatorRefund(w.deps, { orderId: order.orderId, amount: 500, refundToken: "r" });
    expect(r.status).toBe("PROCESSING");
    w.clock.advance(RESUBMIT_AFTER_MS - 1);
    await sweep(w.deps); // WeChat Pay does not know it, but our request might still be on its way
    expect(w.wx.calls.refund).toBe(1);
    expect(refundsThere(w, order.outTradeNo)).toHaveLength(0);
    w.clock.advance(1);
    await sweep(w.deps); // query: RESOURCE_NOT_EXISTS → submit again with the same out_refund_no
    expect(w.wx.calls.refund).toBe(2);
    expect(refundsThere(w, order.outTradeNo).map((x) => x.outRefundNo)).toEqual([r.outRefundNo]);
    settleAll(w);
    await deliverAll(w);
    expect(await detail(w, "never", order.orderId)).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: 500 });
    w.clock.advance(RESUBMIT_AFTER_MS);
    await sweep(w.deps);
    expect(orderDoc(w, order.orderId).refundedAmount).toBe(500);
    expect(w.wx.calls.refund).toBe(2);
    expect(violations(w, true)).toEqual([]);
  });

  it("a refund answered 5xx after WeChat Pay carried it out stays in progress: no second refund, its notification settles it", async () => {
    const w = await world();
    const order = await paidOrder(w, "5xx");
    w.wx.fail("refund", { kind: "lost" });
    const r = await requestOperatorRefund(w.deps, { orderId: order.orderId, refundToken: "a" });
    expect(r.status).toBe("PROCESSING"); // not PAYMENT_FAILED: WeChat Pay may have done it
    await expect(requestOperatorRefund(w.deps, { orderId: order.orderId, refundToken: "b" })).rejects.toMatchObject({
      code: "REFUND_EXCEEDED",
    });
    settleAll(w);
    await deliverAll(w);
    const done = await detail(w, "5xx", order.orderId);
    expect(done).toMatchObject({ status: "REFUNDED", refundedAmount: order.amount });
    expect(done.refunds).toHaveLength(1);
    expect(refundsThere(w, order.outTradeNo)).toHaveLength(1);
    expect(violations(w, true)).toEqual([]);
  });

  it("crash repairs: a refused refund's reservation comes back; a refund credited before a crash is not credited twice", async () => {
    const w = await world();
    const order = await paidOrder(w, "crash", { seatClass: "first" });
    // Refused by WeChat Pay: FAILED, reservation back.
    w.wx.fail("refund", { kind: "refuse", status: 403, code: "NO_AUTH" });
    await expect(requestOperatorRefund(w.deps, { orderId: order.orderId, amount: 300, refundToken: "refused" })).rejects.toMatchObject({
      code: "PAYMENT_FAILED",
    });
    const failed = refundDocs(w, order.orderId).find((r) => r.status === "FAILED")!;
    expect(failed.reservationHeld).toBe(false);
    expect(orderDoc(w, order.orderId).refundReserved).toBe(0);
    // Now as if the process had died between the two: reserved, and the refund still says so.
    await w.mem.update("orders", { _id: order.orderId }, { $set: { refundReserved: 300, [`refundReservations.${failed._id}`]: 300 } });
    await w.mem.update("refunds", { _id: failed._id }, { $set: { reservationHeld: true } });
    expect((await sweep(w.deps)).reservationsReleased).toBe(1);
    expect(orderDoc(w, order.orderId).refundReserved).toBe(0);
    expect(orderDoc(w, order.orderId).refundReservations[failed._id]).toBeUndefined();

    // Credited, then the process died before the refund itself was marked SUCCESS.
    const r = await requestOperatorRefund(w.deps, { orderId: order.orderId, amount: 500, refundToken: "credited" });
    settleAll(w);
    const success = w.wx.outbox[0]!;
    await deliverAll(w);
    expect(orderDoc(w, order.orderId)).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: 500 });
    await w.mem.update("refunds", { _id: r.refundId }, { $set: { status: "PROCESSING" } });
    w.wx.outbox.push(success); // WeChat Pay sends it again
    await deliverAll(w);
    expect(orderDoc(w, order.orderId).refundedAmount).toBe(500);
    expect((await detail(w, "crash", order.orderId)).refunds.find((x) => x.refundId === r.refundId)!.status).toBe("SUCCESS");
    expect(violations(w, true)).toEqual([]);
  });
});
