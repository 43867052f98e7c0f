// The whole journey through the built functions, the local stack and the WeChat Pay simulator,
// plus the rules every function keeps: identity from the context, server prices, idempotency.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult, OrderDetail, OrdersListResult, RefundQuote, RefundResult, TrainsResult } from "../../shared/contracts/api";
import type { TestStack } from "../helpers/stack";
import { caller, database, errCode, findTrain, forger, newUser, ok, operator, passengers, prepayIdOf, startPayStack, token, tomorrow, waitForStatus } from "./helpers";

let stack: TestStack;
beforeAll(async () => {
  stack = await startPayStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe("booking and payment end to end", () => {
  it("books (seats assigned), pays through the simulator, is PAID by the notification, returns one ticket then the other with 12306's fee", async () => {
    const user = newUser();
    const call = caller(stack, user);
    const login = ok(await call("login", {}));
    expect(login.openid).toBe(user.openid);

    const train = await findTrain(call, "G1");
    const second = train.seats.find((s) => s.code === "second")!;
    const before = Date.now();
    const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(2), clientToken: token(), seatPreference: "window", price: 1, amount: 1 })) as CreateOrderResult;
    expect(order.amount).toBe(second.price * 2); // the client's price is ignored
    expect(order.serverNow).toBeGreaterThanOrEqual(before);
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
    const pending = ok(await call("orders", { action: "get", orderId: order.orderId })) as OrderDetail;
    expect(pending.tickets.map((t) => t.status)).toEqual(["UNPAID", "UNPAID"]);
    for (const t of pending.tickets) {
      expect(t.carriage).toMatch(/^\d{2}$/);
      expect(t.seatNo).toMatch(/^\d{1,2}[ABCDF]$/);
      expect(t.idCardNoMasked).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
    }
    expect(pending.tickets.some((t) => /[AF]$/.test(t.seatNo))).toBe(true); // window, as asked

    const paid = await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    expect(paid.status).toBe(200);
    expect((paid.json as { out_trade_no: string }).out_trade_no).toBe(order.outTradeNo);
    const afterPay = await waitForStatus(call, order.orderId, "PAID");
    expect(afterPay.paidAt).toBeGreaterThan(0);
    expect(afterPay.tickets.map((t) => t.status)).toEqual(["ISSUED", "ISSUED"]);
    expect(afterPay.passengers.every((x) => /^\d{3}\*{11}[\dX]{4}$/.test(x.idCardNoMasked))).toBe(true);

    const [t1, t2] = afterPay.tickets;
    const quote = ok(await call("orders", { action: "refundQuote", orderId: order.orderId, ticketIds: [t1!.ticketId] })) as RefundQuote;
    expect(quote.feePercent).toBeGreaterThan(0); // tomorrow: under 48 hours
    expect(quote.fee + quote.amount).toBe(second.price);
    const r1 = ok(await call("refund", { orderId: order.orderId, ticketIds: [t1!.ticketId], reason: "行程变更", refundToken: token("r") })) as RefundResult;
    expect({ amount: r1.amount, fee: r1.fee }).toEqual({ amount: quote.amount, fee: quote.fee });
    expect(["PROCESSING", "SUCCESS"]).toContain(r1.status);
    const partial = await waitForStatus(call, order.orderId, "PARTIALLY_REFUNDED");
    expect(partial.refundedAmount).toBe(r1.amount);
    expect(partial.tickets.map((t) => t.status)).toEqual(["REFUNDED", "ISSUED"]);
    expect(partial.tickets[0]).toMatchObject({ refundFee: r1.fee, refundAmount: r1.amount });

    const r2 = ok(await call("refund", { orderId: order.orderId, ticketIds: [t2!.ticketId], refundToken: token("r") })) as RefundResult;
    const done = await waitForStatus(call, order.orderId, "REFUNDED");
    expect(done.refundedAmount).toBe(order.amount - r1.fee - r2.fee);
    expect(done.refunds.map((r) => [r.status, r.ticketIds])).toEqual([
      ["SUCCESS", [t1!.ticketId]],
      ["SUCCESS", [t2!.ticketId]],
    ]);
    expect(done.timeline.map((t) => t.status)).toEqual(["PENDING", "PAID", "PARTIALLY_REFUNDED", "REFUNDED"]);

    const after = ok(await call("trains", { date: tomorrow(), from: "北京南", to: "上海虹桥" })) as TrainsResult;
    expect(after.trains.find((t) => t.trainId === train.trainId)!.seats.find((s) => s.code === "second")!.remaining).toBe(second.remaining);
    expect(errCode(await call("refund", { orderId: order.orderId, ticketIds: [t2!.ticketId], refundToken: token("r") }))).toBe("ORDER_STATE");

    const list = ok(await call("orders", { action: "list" })) as OrdersListResult;
    expect(list.orders.map((o) => o.orderId)).toEqual([order.orderId]);
  });

  it("cancel closes an unpaid order at WeChat Pay and here, gives its seats back, and lets the user book again; a second unpaid order is refused meanwhile", async () => {
    const call = caller(stack, newUser());
    await call("login", {});
    const train = await findTrain(call, "G4");
    const first = train.seats.find((s) => s.code === "first")!;
    const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "first", passengers: passengers(2), clientToken: token() })) as CreateOrderResult;
    const refused = await call("createOrder", { trainId: train.trainId, seatClass: "first", passengers: passengers(1), clientToken: token() });
    expect(refused.ok ? null : refused.error).toMatchObject({ code: "ORDER_STATE", data: { pendingOrderId: order.orderId } });

    const cancelled = ok(await call("orders", { action: "cancel", orderId: order.orderId })) as OrderDetail;
    expect(cancelled.status).toBe("CLOSED");
    expect(cancelled.tickets.map((t) => t.status)).toEqual(["CANCELLED", "CANCELLED"]);
    expect((ok(await call("orders", { action: "cancel", orderId: order.orderId })) as OrderDetail).status).toBe("CLOSED");
    expect((await findTrain(call, "G4")).seats.find((s) => s.code === "first")!.remaining).toBe(first.remaining);
    const sim = await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    expect(sim.status).not.toBe(200); // closed at WeChat Pay: it cannot be paid any more
    ok(await call("createOrder", { trainId: train.trainId, seatClass: "first", passengers: passengers(1), clientToken: token() }));
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
    expect(errCode(await bob("refund", { orderId: order.orderId, ticketIds: [`${order.orderId}-1`], refundToken: token() }))).toBe("NOT_FOUND");
    expect(errCode(await bob("orders", { action: "sync", orderId: order.orderId }))).toBe("NOT_FOUND");
    expect((ok(await bob("orders", { action: "list" })) as OrdersListResult).orders).toHaveLength(0);
    const anon = await stack.call("orders", { action: "list" });
    expect((anon.result as { ok: boolean; error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
  });

  it("refund rules: only PAID orders, the same refundToken refunds once, amounts only for operators (no user identity)", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G7302");
    const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(2), clientToken: token() })) as CreateOrderResult;
    const [t1, t2] = [`${order.orderId}-1`, `${order.orderId}-2`];
    expect(errCode(await call("refund", { orderId: order.orderId, ticketIds: [t1], refundToken: token() }))).toBe("ORDER_STATE");
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    expect(errCode(await call("refund", { orderId: order.orderId, amount: 100, refundToken: token() }))).toBe("FORBIDDEN");
    expect(errCode(await call("refund", { orderId: order.orderId, ticketIds: [`${order.orderId}-3`], refundToken: token() }))).toBe("NOT_FOUND");
    const t = token("once");
    const a = ok(await call("refund", { orderId: order.orderId, ticketIds: [t1], refundToken: t })) as RefundResult;
    const b = ok(await call("refund", { orderId: order.orderId, ticketIds: [t1], refundToken: t })) as RefundResult;
    expect(b.refundId).toBe(a.refundId);
    expect(errCode(await call("refund", { orderId: order.orderId, ticketIds: [t2], refundToken: t }))).toBe("CONFLICT");
    await waitForStatus(call, order.orderId, "PARTIALLY_REFUNDED");
    // An operator refunds money, any order, no fee; never more than is left.
    const ops = operator(stack);
    const left = order.amount - a.amount;
    expect(errCode(await ops("refund", { orderId: order.orderId, amount: left + 1, refundToken: token() }))).toBe("REFUND_EXCEEDED");
    const r = ok(await ops("refund", { orderId: order.orderId, amount: 100, refundToken: token() })) as RefundResult;
    expect(r).toMatchObject({ amount: 100, fee: 0 });
    const o = await waitForStatus(call, order.orderId, "PARTIALLY_REFUNDED");
    await expect.poll(async () => ((ok(await call("orders", { action: "get", orderId: order.orderId })) as OrderDetail).refundedAmount), { timeout: 10_000 }).toBe(a.amount + 100);
    expect(o.tickets.map((x) => x.status)).toEqual(["REFUNDED", "ISSUED"]);
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
    expect(Object.keys((held.data[0] as { seatMap: object }).seatMap)).toHaveLength(0);
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
