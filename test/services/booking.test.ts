// Booking and paying in-process: the journey, identity, idempotency of createOrder, what a prepay
// refusal or an unknown answer leaves behind, sync's rate limit, resume and mockPay.
// The same journey through the built functions and the simulator: test/functions/e2e.test.ts.
import { describe, expect, it } from "vitest";
import type { CreateOrderResult } from "../../shared/contracts/api";
import { createOrder } from "../../shared/services/booking";
import { listOrders, mockPay, ownOrder, resumePayment, syncOrder } from "../../shared/services/traveller-orders";
import { heldByOrder } from "../../shared/services/seats";
import { requestOperatorRefund, requestTicketRefund } from "../../shared/services/refund-request";
import { holdFirstAnswer } from "./gateway-wrappers";
import { passengers, user, world } from "./harness";
import { deliverAll, violations } from "./invariants";
import { book, bookingInput, captureLogs, detail, orderDoc, prepayOf, remaining, settleAll, trainDoc } from "./scenario";

const logs = captureLogs();

describe("booking and payment", () => {
  it("books, is paid by the notification, refunds part then the rest: REFUNDED, seats back, timeline complete", async () => {
    const w = await world();
    const before = remaining(w);
    const price = w.train.seats.second.price;
    const people = passengers(2);
    const order = await createOrder(
      w.deps,
      { trainId: w.train._id, seatClass: "second", passengers: people, clientToken: "journey" },
      user("j"),
    );
    expect(order.amount).toBe(price * 2);
    expect(order.outTradeNo).toMatch(/^[0-9A-Za-z_\-|*]{6,32}$/);
    expect(order.expiresAt).toBe(w.clock.now() + 15 * 60_000);
    expect(order.payment).toEqual({
      mode: "wechatpay",
      params: expect.objectContaining({ package: `prepay_id=${prepayOf(w, order.orderId)}`, signType: "RSA" }),
    });
    expect(remaining(w)).toBe(before - 2);
    expect(heldByOrder(trainDoc(w), order.orderId).size).toBe(2);

    w.clock.advance(30_000);
    expect(w.wx.pay(prepayOf(w, order.orderId))).toBe(true);
    await deliverAll(w);
    const paid = await detail(w, "j", order.orderId);
    expect(paid.status).toBe("PAID");
    expect(paid.paidAt).toBe(w.clock.now());
    expect(paid.passengers.every((x) => /^\d{3}\*{11}[\dX]{4}$/.test(x.idCardNoMasked))).toBe(true);

    const r1 = await requestOperatorRefund(w.deps, { orderId: order.orderId, amount: price, reason: "行程变更", refundToken: "r1" });
    expect(r1).toMatchObject({ amount: price, status: "PROCESSING" });
    expect(settleAll(w)).toBe(1);
    await deliverAll(w);
    const partial = await detail(w, "j", order.orderId);
    expect(partial).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: price });
    expect(remaining(w)).toBe(before - 2); // a partial refund keeps the seats

    const r2 = await requestOperatorRefund(w.deps, { orderId: order.orderId, refundToken: "r2" });
    expect(r2.amount).toBe(order.amount - price); // default: all that is left
    settleAll(w);
    await deliverAll(w);
    const done = await detail(w, "j", order.orderId);
    expect(done.refundedAmount).toBe(order.amount);
    expect(done.refunds.map((r) => [r.amount, r.status])).toEqual([
      [price, "SUCCESS"],
      [order.amount - price, "SUCCESS"],
    ]);
    expect(done.timeline.map((t) => t.status)).toEqual(["PENDING", "PAID", "PARTIALLY_REFUNDED", "REFUNDED"]);
    expect(remaining(w)).toBe(before);
    await expect(requestOperatorRefund(w.deps, { orderId: order.orderId, refundToken: "r3" })).rejects.toMatchObject({
      code: "ORDER_STATE",
    });
    expect((await listOrders(w.deps, user("j"))).orders.map((o) => o.orderId)).toEqual([order.orderId]);
    // Logs name ids and decisions, never an ID number; the order keeps only the mask and the rider key.
    for (const p of people) expect(logs.text()).not.toContain(p.idCardNo);
    const stored = JSON.stringify(orderDoc(w, order.orderId));
    for (const p of people) {
      expect(stored).not.toContain(p.idCardNo);
      expect(stored).not.toContain(p.idCardNo.slice(3, 14));
    }
    expect(logs.lines().find((l) => l.fn === "payNotify" && l.decision === "APPLIED")).toMatchObject({
      orderId: order.orderId,
      outTradeNo: order.outTradeNo,
    });
    expect(violations(w, true)).toEqual([]);
  });

  it("a double tap (same clientToken, also concurrently) books once; reused with other content is a CONFLICT", async () => {
    const w = await world();
    const before = remaining(w, "first");
    const input = { trainId: w.train._id, seatClass: "first" as const, passengers: passengers(1), clientToken: "tap" };
    const answers = await Promise.all(Array.from({ length: 5 }, () => createOrder(w.deps, input, user("tap"))));
    expect(new Set(answers.map((a) => a.orderId)).size).toBe(1);
    const again = await createOrder(w.deps, input, user("tap"));
    expect(again.orderId).toBe(answers[0]!.orderId);
    expect(remaining(w, "first")).toBe(before - 1);
    await expect(createOrder(w.deps, { ...input, seatClass: "second" }, user("tap"))).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await listOrders(w.deps, user("tap"))).orders).toHaveLength(1);
    expect(Object.keys(w.wx.store.state.orders)).toHaveLength(1);
    expect(violations(w, false)).toEqual([]);
  });

  it("identity is the caller's: another user's order is NOT_FOUND for every action, and their list is empty", async () => {
    const w = await world();
    const order = await book(w, "alice");
    const bob = user("bob");
    await expect(ownOrder(w.deps, bob, order.orderId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      requestTicketRefund(w.deps, { orderId: order.orderId, ticketIds: [`${order.orderId}-1`], refundToken: "x" }, bob),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await listOrders(w.deps, bob)).orders).toEqual([]);
    // The same clientToken from another user is another order.
    const bobs = await book(w, "bob", { clientToken: "tok-alice" });
    expect(bobs.orderId).not.toBe(order.orderId);
    expect(orderDoc(w, bobs.orderId).openid).toBe(bob.openid);
  });

  it("refund rules: only PAID orders, never more than is left, the same refundToken refunds once", async () => {
    const w = await world();
    const order = await book(w, "rules");
    const refund = (amount: number | undefined, refundToken: string) =>
      requestOperatorRefund(w.deps, { orderId: order.orderId, ...(amount !== undefined ? { amount } : {}), refundToken });
    await expect(refund(undefined, "early")).rejects.toMatchObject({ code: "ORDER_STATE" });
    w.wx.pay(prepayOf(w, order.orderId));
    await deliverAll(w);
    await expect(refund(order.amount + 1, "too-much")).rejects.toMatchObject({ code: "REFUND_EXCEEDED" });
    const a = await refund(100, "once");
    const b = await refund(100, "once");
    expect(b.refundId).toBe(a.refundId);
    await expect(refund(200, "once")).rejects.toMatchObject({ code: "CONFLICT" });
    expect(w.wx.calls.refund).toBe(1);
    settleAll(w);
    await deliverAll(w);
    const d = await detail(w, "rules", order.orderId);
    expect(d).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: 100 });
    expect(d.refunds).toHaveLength(1);
  });

  it("a prepay refused by WeChat Pay (4xx) closes the order and holds no seats", async () => {
    const w = await world();
    const before = remaining(w);
    w.wx.fail("prepay", { kind: "refuse", status: 403, code: "NO_AUTH" });
    await expect(book(w, "refused", { n: 2 })).rejects.toMatchObject({ code: "PAYMENT_FAILED" });
    expect(remaining(w)).toBe(before);
    expect((await listOrders(w.deps, user("refused"))).orders.map((o) => o.status)).toEqual(["CLOSED"]);
    expect(trainDoc(w).seatMap ?? {}).toEqual({});
    expect(violations(w, true)).toEqual([]);
  });

  it("a prepay whose outcome is unknown (5xx, or done and the answer lost) keeps the order and its seats; the same clientToken finishes it", async () => {
    for (const fault of [{ kind: "unknown" }, { kind: "lost" }] as const) {
      const w = await world();
      const before = remaining(w, "first");
      w.wx.fail("prepay", fault);
      const input = bookingInput(w, "unknown", { seatClass: "first" });
      await expect(book(w, "unknown", { input })).rejects.toMatchObject({ code: "PAYMENT_FAILED" });
      expect(remaining(w, "first"), fault.kind).toBe(before - 1);
      const again = await book(w, "unknown", { input });
      expect(again.payment.mode).toBe("wechatpay");
      expect(remaining(w, "first"), fault.kind).toBe(before - 1); // held once
      expect(Object.keys(w.wx.store.state.orders)).toHaveLength(1);
      expect(w.wx.pay(prepayOf(w, again.orderId))).toBe(true);
      await deliverAll(w);
      expect(orderDoc(w, again.orderId).status).toBe("PAID");
      expect(violations(w, true)).toEqual([]);
    }
  });

  it("a double tap where one prepay is refused late and the other succeeds keeps the order that can be paid", async () => {
    const w = await world();
    const before = remaining(w, "business");
    w.wx.fail("prepay", { kind: "refuse", status: 403, code: "NO_AUTH" });
    const slow = holdFirstAnswer(w, "jsapiPrepay");
    const input = bookingInput(w, "late", { seatClass: "business" });
    const first = book(w, "late", { input, deps: slow.deps });
    await slow.reached; // refused at WeChat Pay; the refusal is on its way
    const second = await book(w, "late", { input });
    slow.release();
    const late = await first.then(
      (r: CreateOrderResult) => r.orderId,
      (e: { code?: string }) => e.code,
    );
    expect(late).toBe(second.orderId);
    expect(orderDoc(w, second.orderId).status).toBe("PENDING");
    expect(remaining(w, "business")).toBe(before - 1);
    expect(w.wx.pay(prepayOf(w, second.orderId))).toBe(true);
    await deliverAll(w);
    expect(orderDoc(w, second.orderId).status).toBe("PAID");
    expect(violations(w, true)).toEqual([]);
  });

  it("sync asks WeChat Pay at most once a second per order, however often it is called", async () => {
    const w = await world();
    const order = await book(w, "sync");
    w.wx.fail("query", { kind: "unknown" }, 100); // every query fails
    for (let i = 0; i < 5; i++) await syncOrder(w.deps, orderDoc(w, order.orderId), { fn: "orders" }, 1000);
    expect(w.wx.calls.query).toBe(1);
    expect(logs.lines().filter((l) => l.decision === "QUERY_FAILED" && l.orderId === order.orderId)).toHaveLength(1);
    w.clock.advance(999);
    await syncOrder(w.deps, orderDoc(w, order.orderId), { fn: "orders" }, 1000);
    expect(w.wx.calls.query).toBe(1);
    w.clock.advance(1);
    await syncOrder(w.deps, orderDoc(w, order.orderId), { fn: "orders" }, 1000);
    expect(w.wx.calls.query).toBe(2);
  });

  it("resume gives the owner fresh pay params for the same prepay while PENDING and time is left, and nothing after", async () => {
    const w = await world();
    const order = await book(w, "resume");
    const again = await resumePayment(w.deps, await ownOrder(w.deps, user("resume"), order.orderId));
    expect(again).toMatchObject({ orderId: order.orderId, outTradeNo: order.outTradeNo, amount: order.amount, expiresAt: order.expiresAt });
    expect(again.payment).toEqual(order.payment);
    await expect(ownOrder(w.deps, user("other"), order.orderId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Too little time left to open the payment sheet.
    w.clock.advance(order.expiresAt - w.clock.now() - 5_000);
    await expect(resumePayment(w.deps, orderDoc(w, order.orderId))).rejects.toMatchObject({ code: "ORDER_STATE" });
    w.wx.pay(prepayOf(w, order.orderId));
    await deliverAll(w);
    await expect(resumePayment(w.deps, orderDoc(w, order.orderId))).rejects.toMatchObject({ code: "ORDER_STATE" });
  });

  it("mockPay is FORBIDDEN outside PAY_MODE=mock; in mock mode it pays through the same transition, once", async () => {
    const w = await world();
    const order = await book(w, "mock");
    await expect(mockPay(w.deps, orderDoc(w, order.orderId))).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(orderDoc(w, order.orderId).status).toBe("PENDING");
    const mock = { ...w.deps, mode: "mock" as const };
    expect((await mockPay(mock, orderDoc(w, order.orderId))).status).toBe("PAID");
    await expect(mockPay(mock, orderDoc(w, order.orderId))).rejects.toMatchObject({ code: "ORDER_STATE" });
    expect(orderDoc(w, order.orderId).timeline.map((t) => t.status)).toEqual(["PENDING", "PAID"]);
  });
});
