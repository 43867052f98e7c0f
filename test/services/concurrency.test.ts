// Races that must come out right, in-process: more bookings than seats, refunds adding up past the
// total, the same request many times at once. Each race runs under several seeded interleavings of
// the database operations (interleave.ts); the seed is in every failure message.
import { describe, expect, it } from "vitest";
import type { RefundResult } from "../../shared/contracts/api";
import { requestOperatorRefund, requestTicketRefund } from "../../shared/services/refund-request";
import { user, world, type World } from "./harness";
import { interleaved } from "./interleave";
import { deliverAll, violations } from "./invariants";
import { book, captureLogs, detail, orderDoc, orderDocs, paidOrder, refundsThere, remaining, settleAll, trainDoc } from "./scenario";

captureLogs();
const SEEDS = Array.from({ length: 8 }, (_, i) => i + 1);
const racing = (trainNo?: string) => (seed: number) => world({ db: (mem) => interleaved(mem, seed), ...(trainNo ? { trainNo } : {}) });
const settled = <T>(results: PromiseSettledResult<T>[]) => ({
  won: results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : [])),
  codes: results.flatMap((r) => (r.status === "rejected" ? [(r.reason as { code?: string }).code ?? String(r.reason)] : [])),
});
async function settleAndDeliver(w: World) {
  settleAll(w);
  await deliverAll(w);
}

describe("concurrency", () => {
  it.each(SEEDS)(
    "concurrent bookings beyond the seats: exactly as many succeed as there were seats, the losers leave nothing (seed %i)",
    async (seed) => {
      const w = await racing("G5")(seed); // business: 6 seats
      const seats = remaining(w, "business");
      expect(seats).toBe(6);
      const { won, codes } = settled(
        await Promise.allSettled(Array.from({ length: seats * 3 }, (_, i) => book(w, `buyer${i}`, { seatClass: "business" }))),
      );
      expect(won).toHaveLength(seats);
      expect(codes).toEqual(Array(seats * 2).fill("SOLD_OUT"));
      expect(remaining(w, "business")).toBe(0);
      expect([...new Set(Object.values(trainDoc(w).seatMap ?? {}).map((h) => h.orderId))].sort()).toEqual(won.map((o) => o.orderId).sort());
      expect(orderDocs(w)).toHaveLength(seats);
      expect(Object.keys(w.wx.store.state.orders)).toHaveLength(seats);
      expect(violations(w, false)).toEqual([]);
    },
  );

  it.each(SEEDS)("two-passenger bookings against an odd number of seats never oversell (seed %i)", async (seed) => {
    const w = await racing("G8501")(seed); // business: 8 seats
    const before = remaining(w, "business");
    expect(before).toBe(8);
    await book(w, "first-one", { seatClass: "business" }); // an odd number left
    const { won, codes } = settled(
      await Promise.allSettled(Array.from({ length: 8 }, (_, i) => book(w, `pair${i}`, { seatClass: "business", n: 2 }))),
    );
    expect(won).toHaveLength(Math.floor((before - 1) / 2));
    expect(codes.every((c) => c === "SOLD_OUT")).toBe(true);
    expect(remaining(w, "business")).toBe((before - 1) % 2);
    expect(violations(w, false)).toEqual([]);
  });

  it.each(SEEDS)("concurrent refunds never exceed the total; the losers are kept as refused records (seed %i)", async (seed) => {
    const w = await racing()(seed);
    const order = await paidOrder(w, "quarters", { n: 2 });
    const part = Math.floor(order.amount / 4);
    const { won, codes } = settled(
      await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => requestOperatorRefund(w.deps, { orderId: order.orderId, amount: part, refundToken: `q${i}` })),
      ),
    );
    expect(won).toHaveLength(4);
    expect(codes).toEqual(Array(8).fill("REFUND_EXCEEDED"));
    expect(orderDoc(w, order.orderId).refundReserved).toBe(4 * part);
    expect(refundsThere(w, order.outTradeNo)).toHaveLength(4); // only the winners reached WeChat Pay
    const left = order.amount - 4 * part;
    if (left > 0) await requestOperatorRefund(w.deps, { orderId: order.orderId, refundToken: "rest" });
    await settleAndDeliver(w);
    const done = await detail(w, "quarters", order.orderId);
    expect(done.status).toBe("REFUNDED");
    expect(done.refundedAmount).toBe(order.amount);
    expect(done.refunds.filter((r) => r.status === "SUCCESS").reduce((s, r) => s + r.amount, 0)).toBe(order.amount);
    expect(done.refunds.filter((r) => r.status !== "SUCCESS").map((r) => r.status)).toEqual(Array(8).fill("CLOSED"));
    expect(refundsThere(w, order.outTradeNo).every((r) => r.status === "SUCCESS")).toBe(true);
    expect(violations(w, true)).toEqual([]);
  });

  it.each(SEEDS)(
    "a refund and two full refunds racing on the same order: the sum never exceeds, and is what was reserved (seed %i)",
    async (seed) => {
      const w = await racing()(seed);
      const order = await paidOrder(w, "race", { seatClass: "first" });
      const refund = (amount: number | undefined, refundToken: string) =>
        requestOperatorRefund(w.deps, { orderId: order.orderId, ...(amount !== undefined ? { amount } : {}), refundToken });
      const { won } = settled(await Promise.allSettled([refund(undefined, "full1"), refund(100, "part"), refund(undefined, "full2")]));
      const total = won.reduce((s, r: RefundResult) => s + r.amount, 0);
      expect(total).toBeLessThanOrEqual(order.amount);
      expect(won.length).toBeGreaterThanOrEqual(1);
      expect(orderDoc(w, order.orderId).refundReserved).toBe(total);
      expect(refundsThere(w, order.outTradeNo).reduce((s, r) => s + r.refund, 0)).toBe(total);
      const d = await detail(w, "race", order.orderId);
      expect(d.refunds.filter((r) => r.status !== "CLOSED").reduce((s, r) => s + r.amount, 0)).toBe(total);
      await settleAndDeliver(w);
      expect(orderDoc(w, order.orderId).refundedAmount).toBe(total);
      expect(violations(w, true)).toEqual([]);
    },
  );

  it.each(SEEDS)("the same 退票 five times at once (a double tap): one refund, the same answer to all (seed %i)", async (seed) => {
    const w = await racing()(seed);
    const order = await paidOrder(w, "tap");
    const input = { orderId: order.orderId, ticketIds: [`${order.orderId}-1`], refundToken: "tap" };
    const results = await Promise.all(Array.from({ length: 5 }, () => requestTicketRefund(w.deps, input, user("tap"))));
    expect(new Set(results.map((r) => r.refundId)).size).toBe(1);
    expect(results.every((r) => r.amount === results[0]!.amount && r.amount + r.fee === order.amount)).toBe(true);
    expect(refundsThere(w, order.outTradeNo)).toHaveLength(1);
    await settleAndDeliver(w);
    const done = await detail(w, "tap", order.orderId);
    expect(done.status).toBe("REFUNDED");
    expect(done.refunds).toHaveLength(1);
    expect(orderDoc(w, order.orderId).refundReserved).toBe(results[0]!.amount);
    expect(violations(w, true)).toEqual([]);
  });

  it.each(SEEDS)("an operator's refund of everything five times at once: one refund, the same answer to all (seed %i)", async (seed) => {
    const w = await racing()(seed);
    const order = await paidOrder(w, "optap");
    const results = await Promise.all(
      Array.from({ length: 5 }, () => requestOperatorRefund(w.deps, { orderId: order.orderId, refundToken: "tap" })),
    );
    expect(new Set(results.map((r) => r.refundId)).size).toBe(1);
    expect(results.every((r) => r.amount === order.amount)).toBe(true);
    expect(refundsThere(w, order.outTradeNo)).toHaveLength(1);
    await settleAndDeliver(w);
    expect((await detail(w, "optap", order.orderId)).status).toBe("REFUNDED");
    expect(violations(w, true)).toEqual([]);
  });

  it.each(SEEDS)(
    "a double tap of createOrder (same clientToken five times at once) books once, at WeChat Pay too (seed %i)",
    async (seed) => {
      const w = await racing()(seed);
      const before = remaining(w, "first");
      const input = {
        trainId: w.train._id,
        seatClass: "first" as const,
        passengers: [{ name: "乘客甲", idCardNo: "11010519491231002X" }],
        clientToken: "tap",
      };
      const { won, codes } = settled(await Promise.allSettled(Array.from({ length: 5 }, () => book(w, "tap", { input }))));
      // A tap that finds the first one mid-insert is asked to retry (CONFLICT); none books a second order.
      expect(codes.every((c) => c === "CONFLICT")).toBe(true);
      expect(new Set(won.map((o) => o.orderId)).size).toBe(1);
      expect(remaining(w, "first")).toBe(before - 1);
      expect(orderDocs(w)).toHaveLength(1);
      expect(Object.keys(w.wx.store.state.orders)).toHaveLength(1);
      expect(violations(w, false)).toEqual([]);
    },
  );
});
