// When notifications do not come: sync and the sweeper ask WeChat Pay; expiry closes and gives
// seats back; the close-versus-pay race; a payment that arrives after the order was closed.
// "Time passes" by moving an order's stored times back through the real SDK.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult, OrderDetail } from "../../shared/contracts/api";
import { refundResource, transactionResource } from "../../shared/wechatpay/testing";
import type { TestStack } from "../helpers/stack";
import { caller, database, findTrain, forger, newUser, ok, passengers, prepayIdOf, startPayStack, token, waitForStatus, operator } from "./helpers";

let stack: TestStack;
/** Amount refunds are operators' (no user identity). */
const ops: ReturnType<typeof operator> = (name, data) => operator(stack)(name, data);
beforeAll(async () => {
  // Short gateway timeout, so "no answer" cases take half a second, not five.
  stack = await startPayStack({ env: { WECHAT_PAY_TIMEOUT_MS: "500" } });
});
afterAll(async () => {
  await stack?.stop();
});

type Call = ReturnType<typeof caller>;
async function book(trainNo: string, seatClass: "business" | "first" | "second" = "second", n = 1): Promise<{ call: Call; order: CreateOrderResult; remaining: () => Promise<number> }> {
  const call = caller(stack, newUser());
  const train = await findTrain(call, trainNo);
  const order = ok(await call("createOrder", { trainId: train.trainId, seatClass, passengers: passengers(n), clientToken: token() })) as CreateOrderResult;
  return { call, order, remaining: async () => (await findTrain(call, trainNo)).seats.find((s) => s.code === seatClass)!.remaining };
}
const age = (orderId: string, fields: { createdAt?: number; expiresAt?: number }) => database(stack).collection("orders").doc(orderId).update(fields);
const sweep = async () => {
  const r = await stack.post("/timers/sweeper", {});
  expect(r.status, r.text).toBe(200);
  return r.json;
};
const get = async (call: Call, orderId: string) => ok(await call("orders", { action: "get", orderId })) as OrderDetail;

describe("recovery", () => {
  it("a dropped notification: orders sync asks WeChat Pay and marks the order PAID", async () => {
    const { call, order } = await book("G79");
    const paid = await stack.post("/sim/pay", { prepay_id: prepayIdOf(order), notification: { drop: true } });
    expect(paid.status).toBe(200);
    expect((await get(call, order.orderId)).status).toBe("PENDING");
    const synced = ok(await call("orders", { action: "sync", orderId: order.orderId })) as OrderDetail;
    expect(synced.status).toBe("PAID");
    const ev = await database(stack).collection("payment_events").where({ outTradeNo: order.outTradeNo }).get();
    expect(ev.data.map((e: { source: string; decision: string }) => [e.source, e.decision])).toEqual([["query", "APPLIED"]]);
  });

  it("a dropped notification: the sweeper queries PENDING orders older than a minute", async () => {
    const { call, order } = await book("G80");
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order), notification: { drop: true } });
    await sweep();
    expect((await get(call, order.orderId)).status).toBe("PENDING"); // too young to be asked about
    await age(order.orderId, { createdAt: Date.now() - 90_000 });
    await sweep();
    expect((await get(call, order.orderId)).status).toBe("PAID");
  });

  it("expiry: the sweeper closes at WeChat Pay, then here, and the seats come back", async () => {
    const { call, order, remaining } = await book("G8502", "first", 2);
    const held = await remaining();
    await age(order.orderId, { expiresAt: Date.now() - 1000 });
    await sweep();
    const d = await get(call, order.orderId);
    expect(d.status).toBe("CLOSED");
    expect(await remaining()).toBe(held + 2);
    const q = await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    expect(q.status).toBeGreaterThanOrEqual(400); // closed at WeChat Pay: cannot be paid any more
    await sweep(); // idempotent: nothing is released twice
    expect(await remaining()).toBe(held + 2);
  });

  it("close versus pay: paid just before the close (notification lost) ends PAID, seats kept", async () => {
    const { call, order, remaining } = await book("G1911", "first");
    const held = await remaining();
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order), notification: { drop: true } });
    await age(order.orderId, { expiresAt: Date.now() - 1000 });
    await sweep(); // close answers ORDERPAID → query → PAID
    expect((await get(call, order.orderId)).status).toBe("PAID");
    expect(await remaining()).toBe(held);
  });

  it("close versus pay: notification and sweeper at once still apply exactly one outcome", async () => {
    const { call, order } = await book("G7301");
    await age(order.orderId, { expiresAt: Date.now() - 1000 });
    const [payAnswer] = await Promise.all([stack.post("/sim/pay", { prepay_id: prepayIdOf(order) }), sweep()]);
    const settled = await get(call, order.orderId);
    if (payAnswer.status === 200) {
      // The payer won: the order must end PAID (by notification or by ORDERPAID → query).
      await waitForStatus(call, order.orderId, "PAID");
    } else {
      expect(settled.status).toBe("CLOSED");
    }
  });

  it("a payment that arrives for a CLOSED order is recorded and refunded automatically, once", async () => {
    const { call, order } = await book("G7302");
    const paid = (await stack.post("/sim/pay", { prepay_id: prepayIdOf(order), notification: { drop: true } })).json as { transaction_id: string };
    // The order was closed here meanwhile (e.g. an operator closed it): force it.
    await database(stack).collection("orders").doc(order.orderId).update({ status: "CLOSED" });
    const forge = forger(stack);
    const n = forge.build({ resource: transactionResource(forge.keys, { out_trade_no: order.outTradeNo, transaction_id: paid.transaction_id, amount: { total: order.amount, payer_total: order.amount, currency: "CNY", payer_currency: "CNY" } }) });
    expect((await forge.post(n)).status).toBe(204);
    expect((await forge.post(n)).status).toBe(204);
    const d = await get(call, order.orderId);
    expect(d.status).toBe("CLOSED");
    expect(d.refunds).toHaveLength(1);
    expect(d.refunds[0]!.amount).toBe(order.amount);
    const ev = await database(stack).collection("payment_events").where({ outTradeNo: order.outTradeNo, decision: "REFUNDED_CLOSED_ORDER" }).get();
    expect(ev.data).toHaveLength(2);
  });

  it("a prepay that times out (outcome unknown) keeps the order; the same clientToken finishes it", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G6002");
    const req = { trainId: train.trainId, seatClass: "business" as const, passengers: passengers(1), clientToken: token() };
    await stack.post("/sim/faults", { endpoint: "jsapi", timeout: true, applied: true, times: 1 });
    const first = await call("createOrder", req);
    expect(first.ok ? "ok" : first.error.code).toBe("PAYMENT_FAILED");
    const again = ok(await call("createOrder", req)) as CreateOrderResult; // WeChat Pay answers the same prepay_id
    expect(again.payment.mode).toBe("wechatpay");
    const after = (await findTrain(call, "G6002")).seats.find((s) => s.code === "business")!.remaining;
    expect(after).toBe(train.seats.find((s) => s.code === "business")!.remaining - 1); // held once
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(again) });
    await waitForStatus(call, again.orderId, "PAID");
  });

  it("a refund whose answer is lost stays in progress; the sweeper finds it at WeChat Pay and settles it", async () => {
    const { call, order } = await book("G4");
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    await stack.post("/sim/faults", { endpoint: "refund", timeout: true, applied: true, times: 1 });
    const r = ok(await ops("refund", { orderId: order.orderId, refundToken: token() })) as { refundId: string; status: string };
    expect(r.status).toBe("PROCESSING");
    await database(stack).collection("refunds").doc(r.refundId).update({ createdAt: Date.now() - 60_000 });
    await sweep();
    await waitForStatus(call, order.orderId, "REFUNDED");
  });

  it("a refund that never reached WeChat Pay is submitted again by the sweeper, once", async () => {
    const { call, order } = await book("G3");
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    await stack.post("/sim/faults", { endpoint: "refund", timeout: true, times: 1 }); // lost before it took effect
    const r = ok(await ops("refund", { orderId: order.orderId, amount: 500, refundToken: token() })) as { refundId: string; outRefundNo: string };
    await database(stack).collection("refunds").doc(r.refundId).update({ createdAt: Date.now() - 180_000 });
    await sweep(); // query: RESOURCE_NOT_EXISTS → submit again with the same out_refund_no
    const d = await waitForStatus(call, order.orderId, "PARTIALLY_REFUNDED");
    expect(d.refundedAmount).toBe(500);
    await sweep();
    expect((await get(call, order.orderId)).refundedAmount).toBe(500);
  });

  it("a refund answered 500 after WeChat Pay carried it out stays in progress: no second refund, the sweeper settles it", async () => {
    const { call, order } = await book("G1");
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    await stack.post("/sim/faults", { endpoint: "refund", status: 500, applied: true, times: 1 });
    const r = ok(await ops("refund", { orderId: order.orderId, refundToken: token() })) as { refundId: string; status: string };
    expect(r.status).toBe("PROCESSING"); // not PAYMENT_FAILED: WeChat Pay may have done it
    const again = await ops("refund", { orderId: order.orderId, refundToken: token() });
    // Refused either way: nothing left to refund (still PAID), or the order is REFUNDED already.
    expect(["REFUND_EXCEEDED", "ORDER_STATE"]).toContain(again.ok ? "ok" : again.error.code);
    const done = await waitForStatus(call, order.orderId, "REFUNDED"); // its notification finds the refund
    expect(done.refundedAmount).toBe(order.amount);
    expect(done.refunds).toHaveLength(1);
  });

  it("crash repairs: a refused refund's reservation comes back; a refund credited before a crash is not credited twice", async () => {
    const { call, order } = await book("G3", "first");
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    const db = database(stack);
    const orderDoc = async () => (await db.collection("orders").doc(order.orderId).get()).data[0] as { refundReserved: number; refundedAmount: number; refundReservations: Record<string, number> };

    // Refused by WeChat Pay: FAILED, reservation back. Then pretend the process died between the two.
    await stack.post("/sim/faults", { endpoint: "refund", status: 403, code: "NO_AUTH", times: 1 });
    const refused = await ops("refund", { orderId: order.orderId, amount: 300, refundToken: token("refused") });
    expect(refused.ok ? "ok" : refused.error.code).toBe("PAYMENT_FAILED");
    const failed = (await db.collection("refunds").where({ orderId: order.orderId, status: "FAILED" }).get()).data[0] as { _id: string };
    expect((await orderDoc()).refundReserved).toBe(0);
    await db.collection("orders").doc(order.orderId).update({ refundReserved: 300, [`refundReservations.${failed._id}`]: 300 });
    await db.collection("refunds").doc(failed._id).update({ reservationHeld: true });
    await sweep();
    expect((await orderDoc()).refundReserved).toBe(0);
    expect((await orderDoc()).refundReservations[failed._id]).toBeUndefined();

    // Credited, then the process died before the refund itself was marked SUCCESS.
    const r = ok(await ops("refund", { orderId: order.orderId, amount: 500, refundToken: token() })) as { refundId: string; outRefundNo: string };
    await waitForStatus(call, order.orderId, "PARTIALLY_REFUNDED");
    await db.collection("refunds").doc(r.refundId).update({ status: "PROCESSING" });
    const forge = forger(stack);
    const n = forge.build({ eventType: "REFUND.SUCCESS", resource: refundResource(forge.keys, "SUCCESS", { out_trade_no: order.outTradeNo, out_refund_no: r.outRefundNo, refund_id: "50300000000000000009", amount: { total: order.amount, refund: 500, payer_total: order.amount, payer_refund: 500 } }) });
    expect((await forge.post(n)).status).toBe(204);
    expect((await orderDoc()).refundedAmount).toBe(500);
    expect((await get(call, order.orderId)).refunds.find((x) => x.refundId === r.refundId)!.status).toBe("SUCCESS");
  });
});
