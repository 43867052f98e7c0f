// The whole journey through the built functions, the local stack and the WeChat Pay simulator,
// plus the rules every function keeps: identity from the context, server prices, idempotency.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult, OrderDetail, OrdersListResult, RefundResult, TrainsResult } from "../../shared/contracts/api";
import type { TestStack } from "../helpers/stack";
import { caller, database, errCode, findTrain, forger, newUser, ok, passengers, prepayIdOf, startPayStack, token, tomorrow, waitForStatus } from "./helpers";

let stack: TestStack;
beforeAll(async () => {
  stack = await startPayStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe("booking and payment end to end", () => {
  it("books, pays through the simulator, is PAID by the notification, refunds part then the rest", async () => {
    const user = newUser();
    const call = caller(stack, user);
    const login = ok(await call("login", {}));
    expect(login.openid).toBe(user.openid);

    const train = await findTrain(call, "G1");
    const second = train.seats.find((s) => s.code === "second")!;
    const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(2), clientToken: token(), price: 1, amount: 1 })) as CreateOrderResult;
    expect(order.amount).toBe(second.price * 2); // the client's price is ignored
    expect(order.outTradeNo).toMatch(/^[0-9A-Za-z_\-|*]{6,32}$/);
    expect(order.payment.mode).toBe("wechatpay");
    if (order.payment.mode !== "wechatpay") return;
    const p = order.payment.params;
    expect(typeof p.timeStamp).toBe("string");
    expect(p.package).toMatch(/^prepay_id=/);
    expect(p.signType).toBe("RSA");
    expect(p.paySign.length).toBeGreaterThan(300);

    const held = ok(await call("trains", { date: tomorrow(), from: "北京南", to: "上海虹桥" })) as TrainsResult;
    expect(held.trains.find((t) => t.trainId === train.trainId)!.seats.find((s) => s.code === "second")!.remaining).toBe(second.remaining - 2);

    const paid = await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    expect(paid.status).toBe(200);
    expect((paid.json as { out_trade_no: string }).out_trade_no).toBe(order.outTradeNo);
    const afterPay = await waitForStatus(call, order.orderId, "PAID");
    expect(afterPay.paidAt).toBeGreaterThan(0);
    expect(afterPay.passengers.every((x) => /^\d{3}\*{11}[\dX]{4}$/.test(x.idCardNoMasked))).toBe(true);

    const r1 = ok(await call("refund", { orderId: order.orderId, amount: second.price, reason: "行程变更", refundToken: token("r") })) as RefundResult;
    expect(r1.amount).toBe(second.price);
    expect(["PROCESSING", "SUCCESS"]).toContain(r1.status);
    const partial = await waitForStatus(call, order.orderId, "PARTIALLY_REFUNDED");
    expect(partial.refundedAmount).toBe(second.price);

    const r2 = ok(await call("refund", { orderId: order.orderId, refundToken: token("r") })) as RefundResult;
    expect(r2.amount).toBe(order.amount - second.price); // default: all that is left
    const done = await waitForStatus(call, order.orderId, "REFUNDED");
    expect(done.refundedAmount).toBe(order.amount);
    expect(done.refunds.map((r) => r.status)).toEqual(["SUCCESS", "SUCCESS"]);
    expect(done.timeline.map((t) => t.status)).toEqual(["PENDING", "PAID", "PARTIALLY_REFUNDED", "REFUNDED"]);

    const after = ok(await call("trains", { date: tomorrow(), from: "北京南", to: "上海虹桥" })) as TrainsResult;
    expect(after.trains.find((t) => t.trainId === train.trainId)!.seats.find((s) => s.code === "second")!.remaining).toBe(second.remaining);
    expect(errCode(await call("refund", { orderId: order.orderId, refundToken: token("r") }))).toBe("ORDER_STATE");

    const list = ok(await call("orders", { action: "list" })) as OrdersListResult;
    expect(list.orders.map((o) => o.orderId)).toEqual([order.orderId]);
  });

  it("logs one structured line per decision, with ids and Request-ID, and never an ID number or a key", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G2");
    const people = passengers(2);
    const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "first", passengers: people, clientToken: token() })) as CreateOrderResult;
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    const lines = stack.stderr().split("\n").filter((l) => l.includes(order.outTradeNo));
    const decisions = lines.map((l) => JSON.parse(l.slice(l.indexOf("{"))) as Record<string, string>);
    const applied = decisions.find((d) => d.fn === "payNotify" && d.decision === "APPLIED");
    expect(applied).toMatchObject({ orderId: order.orderId, outTradeNo: order.outTradeNo });
    expect(applied!.requestId).toMatch(/\S+/);
    expect(decisions.find((d) => d.fn === "createOrder" && d.decision === "PREPAY_OK")!.requestId).toMatch(/\S+/);
    const all = stack.stderr();
    for (const p of people) expect(all).not.toContain(p.idCardNo);
    const keys = forger(stack).keys;
    expect(all).not.toContain(keys.apiV3Key);
    expect(all).not.toContain(keys.merchantPrivateKeyPem.split("\n")[1]!);
    expect(all).not.toMatch(/PRIVATE KEY/);
  });

  it("a double tap (same clientToken, also concurrently) books once; reused with other content is a CONFLICT", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G3");
    const req = { trainId: train.trainId, seatClass: "first" as const, passengers: passengers(1), clientToken: token() };
    const answers = await Promise.all(Array.from({ length: 5 }, () => call("createOrder", req)));
    const ids = new Set(answers.map((a) => (ok(a) as CreateOrderResult).orderId));
    expect(ids.size).toBe(1);
    const again = ok(await call("createOrder", req)) as CreateOrderResult;
    expect(ids.has(again.orderId)).toBe(true);
    const remaining = (await findTrain(call, "G3")).seats.find((s) => s.code === "first")!.remaining;
    expect(remaining).toBe(train.seats.find((s) => s.code === "first")!.remaining - 1);
    expect(errCode(await call("createOrder", { ...req, seatClass: "second" }))).toBe("CONFLICT");
    expect((ok(await call("orders", { action: "list" })) as OrdersListResult).orders).toHaveLength(1);
  });

  it("identity is the caller's context: another user's order is NOT_FOUND, and no openid is UNAUTHENTICATED", async () => {
    const alice = caller(stack, newUser("alice"));
    const bob = caller(stack, newUser("bob"));
    const train = await findTrain(alice, "G7301");
    const order = ok(await alice("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token(), openid: "spoofed" })) as CreateOrderResult;
    expect(errCode(await bob("orders", { action: "get", orderId: order.orderId }))).toBe("NOT_FOUND");
    expect(errCode(await bob("refund", { orderId: order.orderId, refundToken: token() }))).toBe("NOT_FOUND");
    expect(errCode(await bob("orders", { action: "sync", orderId: order.orderId }))).toBe("NOT_FOUND");
    expect((ok(await bob("orders", { action: "list" })) as OrdersListResult).orders).toHaveLength(0);
    const anon = await stack.call("orders", { action: "list" });
    expect((anon.result as { ok: boolean; error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
  });

  it("refund rules: only PAID orders, never more than is left, the same refundToken refunds once", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G7302");
    const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() })) as CreateOrderResult;
    expect(errCode(await call("refund", { orderId: order.orderId, refundToken: token() }))).toBe("ORDER_STATE");
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    expect(errCode(await call("refund", { orderId: order.orderId, amount: order.amount + 1, refundToken: token() }))).toBe("REFUND_EXCEEDED");
    const t = token("once");
    const a = ok(await call("refund", { orderId: order.orderId, amount: 100, refundToken: t })) as RefundResult;
    const b = ok(await call("refund", { orderId: order.orderId, amount: 100, refundToken: t })) as RefundResult;
    expect(b.refundId).toBe(a.refundId);
    expect(errCode(await call("refund", { orderId: order.orderId, amount: 200, refundToken: t }))).toBe("CONFLICT");
    const o = await waitForStatus(call, order.orderId, "PARTIALLY_REFUNDED");
    expect(o.refunds).toHaveLength(1);
    expect(o.refundedAmount).toBe(100);
  });

  it("a prepay refused by WeChat Pay (4xx) closes the order and holds no seats", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G7001");
    const before = train.seats.find((s) => s.code === "second")!.remaining;
    const fault = await stack.post("/sim/faults", { endpoint: "jsapi", status: 403, code: "NO_AUTH", times: 1 });
    expect(fault.status, fault.text).toBe(200);
    const r = await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(2), clientToken: token() });
    expect(errCode(r)).toBe("PAYMENT_FAILED");
    expect((await findTrain(call, "G7001")).seats.find((s) => s.code === "second")!.remaining).toBe(before);
    const list = (ok(await call("orders", { action: "list" })) as OrdersListResult).orders;
    expect(list.map((o) => o.status)).toEqual(["CLOSED"]);
    const held = await database(stack).collection("trains").doc(train.trainId).get();
    expect(Object.keys((held.data[0] as { holds: object }).holds)).toHaveLength(0);
  });

  it("a prepay answered 5xx is outcome unknown: the order and its seats are kept, the same clientToken finishes it", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G7001");
    const req = { trainId: train.trainId, seatClass: "first" as const, passengers: passengers(1), clientToken: token() };
    await stack.post("/sim/faults", { endpoint: "jsapi", status: 500, times: 1 });
    expect(errCode(await call("createOrder", req))).toBe("PAYMENT_FAILED");
    const again = ok(await call("createOrder", req)) as CreateOrderResult;
    expect(again.payment.mode).toBe("wechatpay");
    expect((await findTrain(call, "G7001")).seats.find((s) => s.code === "first")!.remaining).toBe(train.seats.find((s) => s.code === "first")!.remaining - 1);
  });

  it("a double tap where one prepay is refused late and the other succeeds keeps the order that can be paid", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G2");
    const req = { trainId: train.trainId, seatClass: "business" as const, passengers: passengers(1), clientToken: token() };
    await stack.post("/sim/faults", { endpoint: "jsapi", status: 403, code: "NO_AUTH", latencyMs: 1500, times: 1 });
    const first = call("createOrder", req);
    await new Promise((r) => setTimeout(r, 300));
    const second = ok(await call("createOrder", req)) as CreateOrderResult;
    const late = await first;
    expect(late.ok ? (late.data as CreateOrderResult).orderId : late.error.code).toBe(second.orderId);
    const d = ok(await call("orders", { action: "get", orderId: second.orderId })) as OrderDetail;
    expect(d.status).toBe("PENDING");
    expect((await findTrain(call, "G2")).seats.find((s) => s.code === "business")!.remaining).toBe(train.seats.find((s) => s.code === "business")!.remaining - 1);
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(second) });
    await waitForStatus(call, second.orderId, "PAID");
  });

  it("sync asks WeChat Pay at most once a second per order, however often it is called", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G6001");
    const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() })) as CreateOrderResult;
    await stack.post("/sim/faults", { endpoint: "query", status: 503 }); // every query fails, and says so in the log
    try {
      for (let i = 0; i < 5; i++) ok(await call("orders", { action: "sync", orderId: order.orderId }));
    } finally {
      await fetch(`${stack.baseUrl}/sim/faults`, { method: "DELETE" });
    }
    const asked = stack.stderr().split("\n").filter((l) => l.includes('"QUERY_FAILED"') && l.includes(order.orderId));
    expect(asked).toHaveLength(1);
  });

  it("resume gives the owner fresh pay params for the same prepay while PENDING, and nothing after", async () => {
    const alice = caller(stack, newUser());
    const train = await findTrain(alice, "G80");
    const order = ok(await alice("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() })) as CreateOrderResult;
    const again = ok(await alice("orders", { action: "resume", orderId: order.orderId })) as CreateOrderResult;
    expect(again).toMatchObject({ orderId: order.orderId, outTradeNo: order.outTradeNo, amount: order.amount, expiresAt: order.expiresAt });
    if (again.payment.mode !== "wechatpay" || order.payment.mode !== "wechatpay") throw new Error("wechatpay expected");
    expect(again.payment.params.package).toBe(order.payment.params.package);
    expect(errCode(await caller(stack, newUser())("orders", { action: "resume", orderId: order.orderId }))).toBe("NOT_FOUND");
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(again) });
    await waitForStatus(alice, order.orderId, "PAID");
    expect(errCode(await alice("orders", { action: "resume", orderId: order.orderId }))).toBe("ORDER_STATE");
  });

  it("mockPay is FORBIDDEN outside PAY_MODE=mock", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G1911");
    const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() })) as CreateOrderResult;
    expect(errCode(await call("orders", { action: "mockPay", orderId: order.orderId }))).toBe("FORBIDDEN");
    expect(((ok(await call("orders", { action: "get", orderId: order.orderId })) as OrderDetail).status)).toBe("PENDING");
  });
});
