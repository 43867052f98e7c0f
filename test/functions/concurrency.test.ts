// Races that must come out right: more bookings than seats, refunds adding up past the total
// (operators' amount refunds: no user identity), the same 退票 tapped five times.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult, OrderDetail, RefundResult } from "../../shared/contracts/api";
import type { TestStack } from "../helpers/stack";
import { caller, database, errCode, findTrain, newUser, ok, operator, passengers, prepayIdOf, startPayStack, token, waitForStatus } from "./helpers";

let stack: TestStack;
beforeAll(async () => {
  stack = await startPayStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe("concurrency", () => {
  it("concurrent bookings beyond the seats: exactly as many succeed as there were seats", async () => {
    const probe = caller(stack, newUser());
    const train = await findTrain(probe, "G5"); // 商务座: 6 seats
    const seats = train.seats.find((s) => s.code === "business")!;
    expect(seats.remaining).toBeLessThanOrEqual(10);
    const attempts = seats.remaining * 3;
    const results = await Promise.all(
      Array.from({ length: attempts }, () => caller(stack, newUser("buyer"))("createOrder", { trainId: train.trainId, seatClass: "business", passengers: passengers(1), clientToken: token() })),
    );
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(seats.remaining);
    expect(results.filter((r) => !r.ok).map(errCode)).toEqual(Array(attempts - seats.remaining).fill("SOLD_OUT"));
    const after = (await findTrain(probe, "G5")).seats.find((s) => s.code === "business")!;
    expect(after.remaining).toBe(0);
    const doc = (await database(stack).collection("trains").doc(train.trainId).get()).data[0] as { seatMap: Record<string, { seatClass: string }> };
    expect(Object.values(doc.seatMap).filter((h) => h.seatClass === "business")).toHaveLength(seats.remaining);
    const orders = await database(stack).collection("orders").where({ "train.trainId": train.trainId }).count();
    expect(orders.total).toBe(seats.remaining); // the losers left nothing behind
  });

  it("two-passenger bookings against an odd number of seats never oversell", async () => {
    const probe = caller(stack, newUser());
    const train = await findTrain(probe, "G8501"); // 商务座: 8 seats
    const before = train.seats.find((s) => s.code === "business")!.remaining;
    // Take one seat first so that an odd number is left.
    ok(await probe("createOrder", { trainId: train.trainId, seatClass: "business", passengers: passengers(1), clientToken: token() }));
    const results = await Promise.all(
      Array.from({ length: 8 }, () => caller(stack, newUser())("createOrder", { trainId: train.trainId, seatClass: "business", passengers: passengers(2), clientToken: token() })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(Math.floor((before - 1) / 2));
    expect((await findTrain(probe, "G8501")).seats.find((s) => s.code === "business")!.remaining).toBe((before - 1) % 2);
  });

  it("concurrent refunds never exceed the total", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G6001");
    const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(2), clientToken: token() })) as CreateOrderResult;
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    const part = Math.floor(order.amount / 4);
    const ops = operator(stack);
    const results = await Promise.all(Array.from({ length: 12 }, () => ops("refund", { orderId: order.orderId, amount: part, refundToken: token() })));
    const accepted = results.filter((r) => r.ok).map((r) => ok(r) as RefundResult);
    expect(accepted).toHaveLength(4);
    // Refused for the amount, or — once the first four have settled — because the order is REFUNDED.
    expect(results.filter((r) => !r.ok).map(errCode).every((c) => c === "REFUND_EXCEEDED" || c === "ORDER_STATE")).toBe(true);
    const left = order.amount - 4 * part;
    if (left > 0) ok(await ops("refund", { orderId: order.orderId, refundToken: token() }));
    const done = await waitForStatus(call, order.orderId, "REFUNDED");
    expect(done.refundedAmount).toBe(order.amount);
    // Requests that lost the race for the amount are kept as refused records (CLOSED to the user).
    expect(done.refunds.filter((r) => r.status === "SUCCESS").reduce((s, r) => s + r.amount, 0)).toBe(order.amount);
    expect(done.refunds.filter((r) => r.status !== "SUCCESS").every((r) => r.status === "CLOSED")).toBe(true);
    const sim = (await stack.get(`/sim/notifications?out_trade_no=${order.outTradeNo}`)).json as { notifications: unknown[] };
    expect(sim.notifications.length).toBeGreaterThanOrEqual(accepted.length + 1);
  });

  it("a refund and a full refund racing on the same order: the sum still never exceeds", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G6002");
    const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "first", passengers: passengers(1), clientToken: token() })) as CreateOrderResult;
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    const ops = operator(stack);
    const results = await Promise.all([
      ops("refund", { orderId: order.orderId, refundToken: token() }),
      ops("refund", { orderId: order.orderId, amount: 100, refundToken: token() }),
      ops("refund", { orderId: order.orderId, refundToken: token() }),
    ]);
    const total = results.filter((r) => r.ok).reduce((s, r) => s + (ok(r) as RefundResult).amount, 0);
    expect(total).toBeLessThanOrEqual(order.amount);
    const stored = (await database(stack).collection("orders").doc(order.orderId).get()).data[0] as { refundReserved: number };
    expect(stored.refundReserved).toBe(total);
    const d = ok(await call("orders", { action: "get", orderId: order.orderId })) as OrderDetail;
    expect(d.refunds.filter((r) => r.status !== "CLOSED").reduce((s, r) => s + r.amount, 0)).toBe(total);
  });

  it("the same 退票 five times at once (a double tap): one refund, the same answer to all", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G7001");
    const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() })) as CreateOrderResult;
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    const refundToken = token("tap");
    const results = await Promise.all(Array.from({ length: 5 }, () => call("refund", { orderId: order.orderId, ticketIds: [`${order.orderId}-1`], refundToken })));
    const ids = new Set(results.map((r) => (ok(r) as RefundResult).refundId));
    expect(ids.size).toBe(1);
    const done = await waitForStatus(call, order.orderId, "REFUNDED");
    expect(done.refunds).toHaveLength(1);
    const stored = (await database(stack).collection("orders").doc(order.orderId).get()).data[0] as { refundReserved: number };
    expect(stored.refundReserved).toBe(done.refunds[0]!.amount);
    expect(done.refunds[0]!.amount + done.refunds[0]!.fee).toBe(order.amount);
  });
});
