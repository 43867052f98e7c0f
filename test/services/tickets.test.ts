// Tickets in-process (engine + fake clock + the simulator's ledger): 12306's fee tiers at their
// exact boundaries, seats under a rush, 退票 of one ticket, cancel racing a payment, one ticket's
// refund racing itself. Fair use has its own file (fair-use.test.ts).
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SeatClassCode } from "../../shared/contracts/api";
import { seatLayout } from "../../shared/catalog/seat-layout";
import { refundFee } from "../../shared/orders/refund-fee";
import { createOrder } from "../../shared/services/booking";
import { cancelOrder } from "../../shared/services/traveller-orders";
import { quoteRefund, requestOperatorRefund, requestTicketRefund } from "../../shared/services/refund-request";
import { login } from "../../shared/services/users";
import type { OrderDoc, RefundDoc } from "../../shared/store/model";
import type { PaymentGateway } from "../../shared/wechatpay/types";
import { passengers, user, world, type World } from "./harness";
import { deliverAll, drain, violations } from "./invariants";

const HOUR = 3600_000;
const orderOf = (w: World, id: string) => (w.mem.all("orders") as unknown as OrderDoc[]).find((o) => o._id === id)!;
const refunds = (w: World) => w.mem.all("refunds") as unknown as RefundDoc[];
const trainOf = (w: World) => w.mem.all("trains").find((t) => t._id === w.train._id) as unknown as World["train"];
const book = (w: World, tag: string, n = 1, seatClass: SeatClassCode = "second", extra: { seatPreference?: "window" | "aisle" } = {}) =>
  createOrder(w.deps, { trainId: w.train._id, seatClass, passengers: passengers(n), clientToken: `tok-${tag}`, ...extra }, user(tag));

async function paid(w: World, tag: string, n = 1, seatClass: SeatClassCode = "second") {
  const o = await book(w, tag, n, seatClass);
  expect(w.wx.pay(orderOf(w, o.orderId).prepayId!)).toBe(true);
  await deliverAll(w);
  expect(orderOf(w, o.orderId).status).toBe("PAID");
  return orderOf(w, o.orderId);
}

beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "error").mockImplementation(() => undefined);
});

describe("退票费 (12306's rule)", () => {
  it("rounds to the nearest 0.5 yuan, a quarter up, with a 2-yuan minimum when charged", () => {
    expect(refundFee(10600, 5)).toBe(550); // 5.30 → 5.50 (12306's own example: 106 元 → 5.5 元)
    expect(refundFee(10500, 5)).toBe(550); // 5.25: a tail of exactly 0.25 counts as 0.5
    expect(refundFee(10490, 5)).toBe(500); // 5.245 → 5.00
    expect(refundFee(11500, 5)).toBe(600); // 5.75: a tail of exactly 0.75 goes up to 1
    expect(refundFee(11490, 5)).toBe(550); // 5.745 → 5.50
    expect(refundFee(7450, 10)).toBe(750); // 7.45 → 7.50
    expect(refundFee(7300, 20)).toBe(1450); // 14.60 → 14.50
    expect(refundFee(3000, 5)).toBe(200); // 1.50 → the 2-yuan minimum
    expect(refundFee(100, 20)).toBe(100); // never more than the ticket
    expect(refundFee(55300, 0)).toBe(0);
  });

  it("charges by the time left, each bound belonging to the cheaper tier: exactly 8 days, 48 h, 24 h; refused once departed", async () => {
    const w = await world({ daysAhead: 9 });
    const o = await paid(w, "tiers", 1, "second");
    const [ticket] = o.tickets;
    const price = ticket!.price;
    const at = (lead: number) => {
      w.clock.t = w.train.departAt - lead;
      return quoteRefund(w.deps, orderOf(w, o._id), [ticket!.ticketId]);
    };
    expect(at(8 * 24 * HOUR)).toMatchObject({ feePercent: 0, fee: 0, amount: price });
    expect(at(8 * 24 * HOUR - 1)).toMatchObject({ feePercent: 5, fee: refundFee(price, 5) });
    expect(at(48 * HOUR)).toMatchObject({ feePercent: 5 });
    expect(at(48 * HOUR - 1)).toMatchObject({ feePercent: 10, fee: refundFee(price, 10) });
    expect(at(24 * HOUR)).toMatchObject({ feePercent: 10 });
    expect(at(24 * HOUR - 1)).toMatchObject({ feePercent: 20, fee: refundFee(price, 20) });
    expect(at(1)).toMatchObject({ feePercent: 20 });
    expect(() => at(0)).toThrow(expect.objectContaining({ code: "ORDER_STATE" }));
    // The refund itself: departed → refused, nothing written.
    const before = w.mem.ops.length;
    await expect(
      requestTicketRefund(w.deps, { orderId: o._id, ticketIds: [ticket!.ticketId], refundToken: "late-1" }, user("tiers")),
    ).rejects.toMatchObject({ code: "ORDER_STATE" });
    expect(w.mem.ops.slice(before).filter((x) => x.op !== "get" && x.op !== "find")).toEqual([]);
    // 24 h before: 20 % is charged, WeChat Pay refunds the rest.
    w.clock.t = w.train.departAt - 23 * HOUR;
    const r = await requestTicketRefund(w.deps, { orderId: o._id, ticketIds: [ticket!.ticketId], refundToken: "in-time" }, user("tiers"));
    expect(r).toMatchObject({ fee: refundFee(price, 20), amount: price - refundFee(price, 20) });
    expect(Object.values(w.wx.store.state.refunds).map((x) => x.refund)).toEqual([price - refundFee(price, 20)]);
  });

  it("a quote has no side effects and equals what the refund then charges", async () => {
    const w = await world();
    const o = await paid(w, "quote", 2);
    const ids = o.tickets.map((t) => t.ticketId);
    const before = w.mem.ops.length;
    const q = quoteRefund(w.deps, orderOf(w, o._id), ids);
    expect(w.mem.ops.length).toBe(before);
    expect(q.tickets.map((t) => t.fee + t.refundAmount)).toEqual(o.tickets.map((t) => t.price));
    const r = await requestTicketRefund(w.deps, { orderId: o._id, ticketIds: ids, refundToken: "both" }, user("quote"));
    expect({ amount: r.amount, fee: r.fee }).toEqual({ amount: q.amount, fee: q.fee });
  });
});

describe("seats", () => {
  it("100 concurrent bookings of one train never share a seat; each ticket shows the seat it holds", async () => {
    const w = await world({ trainNo: "G5" }); // 120 second-class seats
    const start = w.mem.ops.length;
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => book(w, `rush${i}`, 1)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    // They all read the train before any held a seat: some chose the same seat and chose again.
    const holdAttempts = w.mem.ops.slice(start).filter((x) => x.op === "update" && x.coll === "trains").length;
    expect(holdAttempts).toBeGreaterThan(100);
    const tickets = (w.mem.all("orders") as unknown as OrderDoc[]).flatMap((o) => o.tickets);
    expect(tickets).toHaveLength(100);
    expect(new Set(tickets.map((t) => t.seatKey)).size).toBe(100);
    expect(trainOf(w).seats.second.remaining).toBe(20);
    expect(violations(w, false)).toEqual([]);
    // The rest of the class, then nothing: 20 more succeed, the 21st is SOLD_OUT.
    const more = await Promise.allSettled(Array.from({ length: 21 }, (_, i) => book(w, `late${i}`, 1)));
    expect(more.filter((r) => r.status === "fulfilled")).toHaveLength(20);
    expect(more.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(["SOLD_OUT"]);
    await drain(w);
    expect(violations(w, true)).toEqual([]);
  });

  it("groups sit together, preferences are kept where possible, and released seats are sold again", async () => {
    const w = await world({ trainNo: "G5" });
    const pair = orderOf(w, (await book(w, "pair", 2)).orderId);
    const [a, b] = pair.tickets.map((t) => seatLayout(w.train.seats).second.find((s) => s.key === t.seatKey)!);
    expect([a!.carriage, a!.row, a!.side]).toEqual([b!.carriage, b!.row, b!.side]);
    expect(pair.tickets.every((t) => /^\d{2}$/.test(t.carriage) && /^\d{1,2}[A-F]$/.test(t.seatNo))).toBe(true);
    const windowSeat = orderOf(w, (await book(w, "win", 1, "second", { seatPreference: "window" })).orderId).tickets[0]!;
    expect(windowSeat.seatNo).toMatch(/[AF]$/);
    const aisleSeat = orderOf(w, (await book(w, "aisle", 1, "first", { seatPreference: "aisle" })).orderId).tickets[0]!;
    expect(aisleSeat.seatNo).toMatch(/[CD]$/);

    // Business on G5 has 6 seats: fill them, cancel one order, and its seats are sold again.
    const six = [await book(w, "b1", 3, "business"), await book(w, "b2", 3, "business")];
    await expect(book(w, "b3", 1, "business")).rejects.toMatchObject({ code: "SOLD_OUT" });
    const freed = orderOf(w, six[0]!.orderId)
      .tickets.map((t) => t.seatKey)
      .sort();
    await cancelOrder(w.deps, orderOf(w, six[0]!.orderId));
    const again = orderOf(w, (await book(w, "b4", 3, "business")).orderId);
    expect(again.tickets.map((t) => t.seatKey).sort()).toEqual(freed);
    expect(violations(w, false)).toEqual([]);
  });
});

describe("退票 of one ticket", () => {
  it("returns one ticket (its seat goes back), then the other: PARTIALLY_REFUNDED, then REFUNDED with the fees kept", async () => {
    const w = await world();
    const o = await paid(w, "two", 2);
    const [t1, t2] = o.tickets;
    const remaining = () => trainOf(w).seats.second.remaining;
    const held = remaining();
    const r1 = await requestTicketRefund(w.deps, { orderId: o._id, ticketIds: [t1!.ticketId], refundToken: "first" }, user("two"));
    expect(orderOf(w, o._id).tickets.map((t) => t.status)).toEqual(["REFUNDING", "ISSUED"]);
    await drain(w, 1);
    let now = orderOf(w, o._id);
    expect(now.status).toBe("PARTIALLY_REFUNDED");
    expect(now.tickets.map((t) => t.status)).toEqual(["REFUNDED", "ISSUED"]);
    expect(now.tickets[0]).toMatchObject({ refundId: r1.refundId, refundFee: r1.fee, refundAmount: r1.amount });
    expect(remaining()).toBe(held + 1);
    expect(trainOf(w).seatMap[t1!.seatKey]).toBeUndefined();
    expect(trainOf(w).seatMap[t2!.seatKey]?.ticketId).toBe(t2!.ticketId);
    // Returned already: not again.
    await expect(
      requestTicketRefund(w.deps, { orderId: o._id, ticketIds: [t1!.ticketId], refundToken: "again" }, user("two")),
    ).rejects.toMatchObject({ code: "ORDER_STATE" });
    const r2 = await requestTicketRefund(w.deps, { orderId: o._id, ticketIds: [t2!.ticketId], refundToken: "second" }, user("two"));
    await drain(w, 1);
    now = orderOf(w, o._id);
    expect(now.status).toBe("REFUNDED");
    expect(now.refundedAmount).toBe(o.amount - r1.fee - r2.fee);
    expect(remaining()).toBe(held + 2);
    expect(violations(w, true)).toEqual([]);
  });

  it("a refund WeChat Pay refuses gives the ticket back (ISSUED), and it can be returned again", async () => {
    const w = await world();
    const o = await paid(w, "refused");
    const id = o.tickets[0]!.ticketId;
    w.wx.fail("refund", { kind: "refuse", code: "NOT_ENOUGH", status: 403 });
    await expect(
      requestTicketRefund(w.deps, { orderId: o._id, ticketIds: [id], refundToken: "no" }, user("refused")),
    ).rejects.toMatchObject({ code: "PAYMENT_FAILED" });
    expect(orderOf(w, o._id).tickets[0]).toMatchObject({ status: "ISSUED" });
    expect(orderOf(w, o._id).tickets[0]!.refundId).toBeUndefined();
    await requestTicketRefund(w.deps, { orderId: o._id, ticketIds: [id], refundToken: "yes" }, user("refused"));
    await drain(w);
    expect(orderOf(w, o._id).status).toBe("REFUNDED");
    expect(violations(w, true)).toEqual([]);
  });

  it("the same ticket returned twice at once: with the same token one refund; with two tokens one wins, the other is refused and changes nothing", async () => {
    const w = await world();
    const o = await paid(w, "race", 2);
    const id = o.tickets[0]!.ticketId;
    const same = await Promise.all(
      [0, 1].map(() => requestTicketRefund(w.deps, { orderId: o._id, ticketIds: [id], refundToken: "same" }, user("race"))),
    );
    expect(same[0]!.refundId).toBe(same[1]!.refundId);
    expect(Object.keys(w.wx.store.state.refunds)).toHaveLength(1);

    const other = o.tickets[1]!.ticketId;
    const two = await Promise.allSettled(
      ["x", "y"].map((tok) => requestTicketRefund(w.deps, { orderId: o._id, ticketIds: [other], refundToken: tok }, user("race"))),
    );
    expect(two.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(two.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(["ORDER_STATE"]);
    expect(Object.keys(w.wx.store.state.refunds)).toHaveLength(2);
    expect(
      refunds(w)
        .filter((r) => r.status === "FAILED")
        .map((r) => r.failure),
    ).toEqual(["TICKET_STATE"]);
    await drain(w);
    const now = orderOf(w, o._id);
    expect(now.status).toBe("REFUNDED");
    expect(now.refundedAmount).toBe(
      o.tickets.reduce((s, t) => s + t.price, 0) -
        refunds(w)
          .filter((r) => r.status === "SUCCESS")
          .reduce((s, r) => s + (r.fee ?? 0), 0),
    );
    expect(violations(w, true)).toEqual([]);
  });

  it("an operator's refund of everything left makes the order REFUNDED and its tickets with it", async () => {
    const w = await world();
    const o = await paid(w, "ops", 2);
    await requestOperatorRefund(w.deps, { orderId: o._id, refundToken: "ops-all" });
    await drain(w);
    const now = orderOf(w, o._id);
    expect(now.status).toBe("REFUNDED");
    expect(now.refundedAmount).toBe(o.amount);
    expect(now.tickets.map((t) => t.status)).toEqual(["REFUNDED", "REFUNDED"]);
    expect(Object.values(trainOf(w).seatMap).filter((h) => h.orderId === o._id)).toEqual([]);
    expect(violations(w, true)).toEqual([]);
  });
});

describe("an operator's refund in flight while the last ticket is returned", () => {
  it("keeps the order PARTIALLY_REFUNDED until that refund ends; closed without money, the order is REFUNDED", async () => {
    const w = await world();
    const o = await paid(w, "mixed");
    const ops = await requestOperatorRefund(w.deps, { orderId: o._id, amount: 100, refundToken: "goodwill" });
    await requestTicketRefund(w.deps, { orderId: o._id, ticketIds: [o.tickets[0]!.ticketId], refundToken: "ticket" }, user("mixed"));
    const ticketRefund = refunds(w).find((r) => r.tickets)!;
    w.wx.settleRefund(ticketRefund.outRefundNo, "SUCCESS");
    await deliverAll(w);
    expect(orderOf(w, o._id).status).toBe("PARTIALLY_REFUNDED"); // the operator's 1 yuan is still in flight
    w.wx.settleRefund(ops.outRefundNo, "CLOSED");
    await deliverAll(w);
    const now = orderOf(w, o._id);
    expect(now.status).toBe("REFUNDED");
    expect(now.refundedAmount).toBe(ticketRefund.amount);
    expect(now.timeline.at(-1)).toMatchObject({ status: "REFUNDED", note: "退款已结清" });
    expect(violations(w, true)).toEqual([]);
  });
});

describe("cancel", () => {
  it("closes at WeChat Pay and here, gives the seats back, is idempotent, and frees the user to book again", async () => {
    const w = await world();
    await login(w.deps, user("c"));
    const o = await book(w, "c", 2);
    const remaining = trainOf(w).seats.second.remaining;
    const closed = await cancelOrder(w.deps, orderOf(w, o.orderId));
    expect(closed.status).toBe("CLOSED");
    expect(closed.tickets.map((t) => t.status)).toEqual(["CANCELLED", "CANCELLED"]);
    expect(w.wx.store.state.orders[o.outTradeNo]!.tradeState).toBe("CLOSED");
    expect(trainOf(w).seats.second.remaining).toBe(remaining + 2);
    expect((await cancelOrder(w.deps, orderOf(w, o.orderId))).status).toBe("CLOSED");
    expect(w.wx.calls.close).toBe(1);
    await createOrder(
      w.deps,
      { trainId: w.train._id, seatClass: "second", passengers: passengers(1), clientToken: "after-cancel" },
      user("c"),
    );
    expect(violations(w, false)).toEqual([]);
  });

  it("racing a payment: a payment that reaches WeChat Pay first wins — the cancel makes the order PAID, tickets issued, seats kept", async () => {
    const w = await world();
    const o = await book(w, "race-pay", 2);
    const prepayId = orderOf(w, o.orderId).prepayId!;
    // The payer confirms at the very moment the cancel's close reaches WeChat Pay.
    const gw: PaymentGateway = Object.create(w.wx, { close: { value: async (no: string) => (w.wx.pay(prepayId), w.wx.close(no)) } });
    const after = await cancelOrder({ ...w.deps, gateway: async () => gw }, orderOf(w, o.orderId));
    expect(after.status).toBe("PAID");
    expect(after.tickets.map((t) => t.status)).toEqual(["ISSUED", "ISSUED"]);
    expect(Object.values(trainOf(w).seatMap).filter((h) => h.orderId === o.orderId)).toHaveLength(2);
    await drain(w); // the payment's own notification: already applied
    expect(orderOf(w, o.orderId).status).toBe("PAID");
    expect(violations(w, true)).toEqual([]);
  });

  it("racing a payment the other way: once closed at WeChat Pay, the payment is refused there and nothing is charged", async () => {
    const w = await world();
    const o = await book(w, "race-cancel");
    const prepayId = orderOf(w, o.orderId).prepayId!;
    await cancelOrder(w.deps, orderOf(w, o.orderId));
    expect(w.wx.pay(prepayId)).toBe(false);
    await drain(w);
    expect(orderOf(w, o.orderId).status).toBe("CLOSED");
    expect(violations(w, true)).toEqual([]);
  });

  it("refuses a paid order (退票 is the way) and answers PAYMENT_FAILED when WeChat Pay cannot be reached, leaving it payable", async () => {
    const w = await world();
    const p = await paid(w, "paid-cancel");
    await expect(cancelOrder(w.deps, p)).rejects.toMatchObject({ code: "ORDER_STATE" });
    const o = await book(w, "unreachable");
    w.wx.fail("close", { kind: "unknown" });
    w.wx.fail("query", { kind: "unknown" });
    await expect(cancelOrder(w.deps, orderOf(w, o.orderId))).rejects.toMatchObject({ code: "PAYMENT_FAILED" });
    expect(orderOf(w, o.orderId).status).toBe("PENDING");
    expect(violations(w, false)).toEqual([]);
  });
});
