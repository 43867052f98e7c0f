// One end-to-end test per flow through the built functions, the local stack and the WeChat Pay
// simulator, on one stack. The business rules behind each flow, with every fault and race, are
// proven in-process by test/services/*. The simulator here signs with both kinds of key (a merchant
// migrating from platform certificates), so every answer and notification below is verified either
// way; test/functions/signing-modes.test.ts runs platform certificates alone, and the mini-program
// end-to-end test the WeChat Pay public key alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chinaDate } from "../../shared/catalog/catalog";
import { ROUTES } from "../../shared/catalog/routes";
import { servedStations } from "../../shared/catalog/stations";
import type {
  CreateOrderResult,
  OrderDetail,
  OrdersListResult,
  RefundQuote,
  RefundResult,
  StationsResult,
  TrainsResult,
} from "../../shared/contracts/api";
import type { ReconcileReport } from "../../shared/store/model";
import { transactionResource } from "../../shared/wechatpay/testing";
import type { TestStack } from "../helpers/stack";
import {
  caller,
  database,
  errCode,
  findTrain,
  forger,
  newUser,
  ok,
  operator,
  passengers,
  prepayIdOf,
  startPayStack,
  token,
  tomorrow,
  until,
  waitForStatus,
} from "./helpers";

let stack: TestStack;
beforeAll(async () => {
  stack = await startPayStack({ env: { WXPAY_SIM_SIGN_MODE: "both" } });
});
afterAll(async () => {
  await stack?.stop();
});

type Call = ReturnType<typeof caller>;
async function book(trainNo: string, seatClass: "business" | "first" | "second" = "second", n = 1) {
  const user = newUser();
  const call = caller(stack, user);
  const train = await findTrain(call, trainNo);
  const order = ok(
    await call("createOrder", { trainId: train.trainId, seatClass, passengers: passengers(n), clientToken: token() }),
  ) as CreateOrderResult;
  const remaining = async () => (await findTrain(call, trainNo)).seats.find((s) => s.code === seatClass)!.remaining;
  return { user, call, train, order, remaining };
}
const get = async (call: Call, orderId: string) => ok(await call("orders", { action: "get", orderId })) as OrderDetail;
const timerSweep = async () => {
  const r = await stack.post("/timers/sweeper", {});
  expect(r.status, r.text).toBe(200);
  return (r.json as { result: Record<string, number> }).result;
};

describe("end to end on the built functions", () => {
  it("books (seats assigned), pays through the simulator, is PAID by its notification, returns one ticket then the other with 12306's fee: REFUNDED", async () => {
    const user = newUser();
    const call = caller(stack, user);
    expect(ok(await call("login", {})).openid).toBe(user.openid);
    const train = await findTrain(call, "G1");
    const second = train.seats.find((s) => s.code === "second")!;
    const people = passengers(2);
    // Identity, price and amount come from the server, whatever the request says.
    const before = Date.now();
    const order = ok(
      await call("createOrder", {
        trainId: train.trainId,
        seatClass: "second",
        passengers: people,
        clientToken: token(),
        seatPreference: "window",
        price: 1,
        amount: 1,
        openid: "spoofed",
      }),
    ) as CreateOrderResult;
    expect(order.amount).toBe(second.price * 2);
    expect(order.serverNow).toBeGreaterThanOrEqual(before);
    if (order.payment.mode !== "wechatpay") throw new Error("wechatpay expected");
    const p = order.payment.params;
    expect(typeof p.timeStamp).toBe("string");
    expect(p.package).toMatch(/^prepay_id=/);
    expect(p.signType).toBe("RSA");
    expect(p.paySign.length).toBeGreaterThan(300);
    const held = ok(await call("trains", { date: tomorrow(), from: "北京南", to: "上海虹桥" })) as TrainsResult;
    expect(held.trains.find((t) => t.trainId === train.trainId)!.seats.find((s) => s.code === "second")!.remaining).toBe(
      second.remaining - 2,
    );
    const pending = await get(call, order.orderId);
    expect(pending.tickets.map((t) => t.status)).toEqual(["UNPAID", "UNPAID"]);
    for (const t of pending.tickets) {
      expect(t.carriage).toMatch(/^\d{2}$/);
      expect(t.seatNo).toMatch(/^\d{1,2}[ABCDF]$/);
      expect(t.idCardNoMasked).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
    }
    expect(pending.tickets.some((t) => /[AF]$/.test(t.seatNo))).toBe(true); // window, as asked

    const paid = await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    expect(paid.status).toBe(200);
    const afterPay = await waitForStatus(call, order.orderId, "PAID");
    expect(afterPay.tickets.map((t) => t.status)).toEqual(["ISSUED", "ISSUED"]);
    expect(afterPay.passengers.every((x) => /^\d{3}\*{11}[\dX]{4}$/.test(x.idCardNoMasked))).toBe(true);

    // Another user cannot see or touch it; no identity at all is UNAUTHENTICATED.
    const bob = caller(stack, newUser("bob"));
    expect(errCode(await bob("orders", { action: "get", orderId: order.orderId }))).toBe("NOT_FOUND");
    expect(errCode(await bob("refund", { orderId: order.orderId, ticketIds: [`${order.orderId}-1`], refundToken: token() }))).toBe(
      "NOT_FOUND",
    );
    expect(((await stack.call("orders", { action: "list" })).result as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");

    // Amounts are for operators only; a traveller returns tickets.
    expect(errCode(await call("refund", { orderId: order.orderId, amount: 100, refundToken: token() }))).toBe("FORBIDDEN");
    const [t1, t2] = afterPay.tickets;
    const quote = ok(await call("orders", { action: "refundQuote", orderId: order.orderId, ticketIds: [t1!.ticketId] })) as RefundQuote;
    expect(quote.feePercent).toBeGreaterThan(0); // tomorrow: under 48 hours
    expect(quote.fee + quote.amount).toBe(second.price);
    const r1 = ok(
      await call("refund", { orderId: order.orderId, ticketIds: [t1!.ticketId], reason: "行程变更", refundToken: token("r") }),
    ) as RefundResult;
    expect({ amount: r1.amount, fee: r1.fee }).toEqual({ amount: quote.amount, fee: quote.fee });
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
    expect(errCode(await call("refund", { orderId: order.orderId, ticketIds: [t2!.ticketId], refundToken: token("r") }))).toBe(
      "ORDER_STATE",
    );
    expect(done.timeline.map((t) => t.status)).toEqual(["PENDING", "PAID", "PARTIALLY_REFUNDED", "REFUNDED"]);
    expect((await findTrain(call, "G1")).seats.find((s) => s.code === "second")!.remaining).toBe(second.remaining);
    expect((ok(await call("orders", { action: "list" })) as OrdersListResult).orders.map((o) => o.orderId)).toEqual([order.orderId]);

    // One structured line per decision, with ids and WeChat Pay's Request-ID; never an ID number or a key.
    const decisions = stack
      .stderr()
      .split("\n")
      .filter((l) => l.includes(order.outTradeNo))
      .map((l) => JSON.parse(l.slice(l.indexOf("{"))) as Record<string, string>);
    expect(decisions.find((d) => d.fn === "payNotify" && d.decision === "APPLIED")).toMatchObject({
      orderId: order.orderId,
      requestId: expect.stringMatching(/\S+/),
    });
    expect(decisions.find((d) => d.fn === "createOrder" && d.decision === "PREPAY_OK")!.requestId).toMatch(/\S+/);
    const all = stack.stderr();
    for (const x of people) expect(all).not.toContain(x.idCardNo);
    const keys = forger(stack).keys;
    expect(all).not.toContain(keys.apiV3Key);
    expect(all).not.toContain(keys.merchantPrivateKeyPem.split("\n")[1]!);
    expect(all).not.toMatch(/PRIVATE KEY/);
  });

  it("trains { action: 'stations' } lists every served station with pinyin, initials, city and hot, plus the server's clock; searches (no action) carry serverNow too; an unknown action is refused", async () => {
    const call = caller(stack, newUser());
    const before = Date.now();
    const r = ok(await call("trains", { action: "stations" })) as StationsResult;
    expect(r.serverNow).toBeGreaterThanOrEqual(before);
    expect(r.stations.map((s) => s.name).sort()).toEqual(servedStations(ROUTES).sort());
    expect(r.stations.find((s) => s.name === "北京南")).toEqual({
      name: "北京南",
      city: "北京",
      pinyin: "beijingnan",
      initials: "bjn",
      hot: true,
    });
    expect(r.stations.filter((s) => s.city === "北京").map((s) => s.name)).toEqual(["北京南", "北京西"]);
    const search = ok(await call("trains", { date: tomorrow(), from: "北京南", to: "上海虹桥" })) as TrainsResult;
    expect(search.trains.length).toBeGreaterThan(0);
    expect(search.serverNow).toBeGreaterThanOrEqual(r.serverNow);
    for (const action of ["list", "", 3]) {
      const bad = await call("trains", { action });
      expect(bad.ok ? "ok" : bad.error.code, String(action)).toBe(action === "" ? "ok" : "INVALID_ARGUMENT");
    }
  });

  it("cancel closes an unpaid order at WeChat Pay and here, gives its seats back, and lets the user book again; a second unpaid order is refused meanwhile", async () => {
    const { call, train, order, remaining } = await book("G5", "first", 2);
    const held = await remaining();
    const refused = await call("createOrder", {
      trainId: train.trainId,
      seatClass: "first",
      passengers: passengers(1),
      clientToken: token(),
    });
    expect(refused.ok ? null : refused.error).toMatchObject({ code: "ORDER_STATE", data: { pendingOrderId: order.orderId } });
    const cancelled = ok(await call("orders", { action: "cancel", orderId: order.orderId })) as OrderDetail;
    expect(cancelled.status).toBe("CLOSED");
    expect(cancelled.tickets.map((t) => t.status)).toEqual(["CANCELLED", "CANCELLED"]);
    expect((ok(await call("orders", { action: "cancel", orderId: order.orderId })) as OrderDetail).status).toBe("CLOSED");
    expect(await remaining()).toBe(held + 2);
    expect((await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) })).status).not.toBe(200); // closed at WeChat Pay
    ok(await call("createOrder", { trainId: train.trainId, seatClass: "first", passengers: passengers(1), clientToken: token() }));
  });

  it("an operator (no user identity) refunds an amount, no fee, never more than is left; the tickets stay issued", async () => {
    const { call, order } = await book("G6001", "second", 2);
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    const ops = operator(stack);
    expect(errCode(await ops("refund", { orderId: order.orderId, amount: order.amount + 1, refundToken: token() }))).toBe(
      "REFUND_EXCEEDED",
    );
    const r = ok(await ops("refund", { orderId: order.orderId, amount: 100, refundToken: token() })) as RefundResult;
    expect(r).toMatchObject({ amount: 100, fee: 0 });
    const o = await until("the operator's refund to succeed", async () => {
      const d = await get(call, order.orderId);
      return d.refundedAmount === 100 ? d : undefined;
    });
    expect(o.status).toBe("PARTIALLY_REFUNDED");
    expect(o.tickets.map((x) => x.status)).toEqual(["ISSUED", "ISSUED"]);
  });

  it("expiry: the sweeper timer closes the order at WeChat Pay and here, and the seats come back", async () => {
    const { call, order, remaining } = await book("G8502", "first", 2);
    const held = await remaining();
    // Time passes for this order: its stored expiry moved back through the real SDK.
    await database(stack)
      .collection("orders")
      .doc(order.orderId)
      .update({ expiresAt: Date.now() - 1000 });
    expect((await timerSweep()).expiredClosed).toBe(1);
    expect((await get(call, order.orderId)).status).toBe("CLOSED");
    expect(await remaining()).toBe(held + 2);
    expect((await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) })).status).toBeGreaterThanOrEqual(400); // closed at WeChat Pay
  });

  it("a payment for an order closed meanwhile is refunded automatically through the simulator", async () => {
    const { call, order } = await book("G7302");
    await database(stack).collection("orders").doc(order.orderId).update({ status: "CLOSED" });
    expect((await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) })).status).toBe(200);
    const refunded = await until("the automatic refund to succeed", async () => {
      const d = await get(call, order.orderId);
      // The order and its refunds are read one after the other: wait for both to show it.
      return d.refunds[0]?.status === "SUCCESS" && d.refundedAmount === order.amount ? d : undefined;
    });
    expect(refunded).toMatchObject({ status: "CLOSED", refundedAmount: order.amount });
    expect(refunded.refunds.map((r) => r.amount)).toEqual([order.amount]);
    const ev = await database(stack).collection("payment_events").where({ outTradeNo: order.outTradeNo }).get();
    expect(ev.data.map((e: { decision: string }) => e.decision)).toContain("REFUNDED_CLOSED_ORDER");
  });

  it("reconciliation through the sweeper: finds a payment never recorded and stores the report; refuses a bad date and end users", async () => {
    const { order } = await book("G3");
    expect((await stack.post("/sim/pay", { prepay_id: prepayIdOf(order), notification: { drop: true } })).status).toBe(200);
    const today = chinaDate(Date.now());
    const res = await stack.call<ReconcileReport>("sweeper", { reconcileDate: today });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.result.billDate).toBe(today);
    expect(res.result.discrepancies).toContainEqual(expect.objectContaining({ kind: "PAID_NOT_RECORDED", outTradeNo: order.outTradeNo }));
    const stored = (await database(stack).collection("reconciliations").doc(today).get()).data[0] as ReconcileReport;
    expect(stored.discrepancies).toEqual(res.result.discrepancies);
    expect((await stack.call("sweeper", { reconcileDate: "yesterday" })).result).toEqual({ error: "reconcileDate must be YYYY-MM-DD" });
    expect((await stack.call("sweeper", { reconcileDate: today }, newUser())).result).toEqual({
      error: "not callable from the mini-program",
    });
  });

  it("notifications through the HTTP route: a signed one is applied (204), a forged one refused (401) and counted, a direct call from a user turned away", async () => {
    const { call, order } = await book("G4");
    const forge = forger(stack);
    const payment = transactionResource(forge.keys, {
      out_trade_no: order.outTradeNo,
      transaction_id: "4200000000000000000000000009",
      amount: { total: order.amount, payer_total: order.amount, currency: "CNY", payer_currency: "CNY" },
    });
    const counted = async () =>
      ((await database(stack).collection("notify_rejections").limit(100).get()).data as Array<{ codes: Record<string, number> }>).reduce(
        (s, d) => s + (d.codes.BAD_SIGNATURE ?? 0),
        0,
      );
    const before = await counted();
    const good = forge.build({ resource: payment });
    const forged = {
      ...good,
      headers: { ...good.headers, "Wechatpay-Signature": forge.build({ resource: payment }).headers["Wechatpay-Signature"]! },
    };
    const refused = await forge.post(forged);
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ code: "FAIL" });
    expect(await counted()).toBe(before + 1);
    expect((await get(call, order.orderId)).status).toBe("PENDING");
    expect((await forge.post(good)).status).toBe(204);
    expect((await get(call, order.orderId)).status).toBe("PAID");
    const ev = await database(stack).collection("payment_events").where({ outTradeNo: order.outTradeNo }).get();
    expect(ev.data.map((e: { decision: string; httpStatus: number }) => [e.decision, e.httpStatus])).toEqual([["APPLIED", 204]]);
    const direct = await stack.call<{ statusCode: number }>(
      "payNotify",
      { httpMethod: "POST", headers: good.headers, body: good.body },
      newUser(),
    );
    expect(direct.result.statusCode).toBe(403);
    expect((await database(stack).collection("payment_events").where({ outTradeNo: order.outTradeNo }).get()).data).toHaveLength(1);
  });
});
