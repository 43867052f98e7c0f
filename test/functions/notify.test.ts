// payNotify's matrix, through the HTTP route of the local stack into the built function.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult, OrderDetail } from "../../shared/contracts/api";
import { transactionResource, refundResource } from "../../shared/wechatpay/testing";
import type { TestStack } from "../helpers/stack";
import { caller, database, findTrain, forger, newUser, ok, passengers, prepayIdOf, startPayStack, token, waitForStatus, operator } from "./helpers";

let stack: TestStack;
/** Amount refunds are operators' (no user identity). */
const ops: ReturnType<typeof operator> = (name, data) => operator(stack)(name, data);
let forge: ReturnType<typeof forger>;
beforeAll(async () => {
  stack = await startPayStack({ env: { WXPAY_SIM_REFUND_SETTLE_SECONDS: "0" } });
  forge = forger(stack);
});
afterAll(async () => {
  await stack?.stop();
});

type Call = ReturnType<typeof caller>;
async function pendingOrder(trainNo = "G2"): Promise<{ call: Call; order: CreateOrderResult; openid: string }> {
  const user = newUser();
  const call = caller(stack, user);
  const train = await findTrain(call, trainNo);
  const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() })) as CreateOrderResult;
  return { call, order, openid: user.openid };
}
const paymentFor = (order: CreateOrderResult, over: Record<string, unknown> = {}) =>
  transactionResource(forge.keys, { out_trade_no: order.outTradeNo, transaction_id: `42000${Date.now()}${Math.floor(Math.random() * 1e6)}`, amount: { total: order.amount, payer_total: order.amount, currency: "CNY", payer_currency: "CNY" }, ...over });
const status = async (call: Call, orderId: string) => ((ok(await call("orders", { action: "get", orderId })) as OrderDetail).status);
async function events(filter: Record<string, unknown>) {
  const res = await database(stack).collection("payment_events").where(filter).limit(1000).get();
  return res.data as Array<{ decision: string; detail?: string; httpStatus: number }>;
}

describe("payment notifications", () => {
  it("a valid delivery from the simulator marks the order PAID and is recorded", async () => {
    const { call, order } = await pendingOrder();
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    const rec = await events({ outTradeNo: order.outTradeNo });
    // A slow answer (loaded machine) is retried like WeChat Pay does: extra deliveries are ALREADY_APPLIED.
    expect(rec.filter((e) => e.decision === "APPLIED")).toHaveLength(1);
    expect(rec.every((e) => e.httpStatus === 204 && ["APPLIED", "ALREADY_APPLIED"].includes(e.decision))).toBe(true);
    // WeChat Pay's side sees a 204 (on a loaded machine perhaps only for a retry of a slow first answer).
    const answered = async () => {
      const log = (await stack.get(`/sim/notifications?out_trade_no=${order.outTradeNo}`)).json as { notifications: Array<{ attempts: Array<{ status: number | null }> }> };
      return log.notifications[0]!.attempts.some((a) => a.status === 204);
    };
    for (let i = 0; i < 200 && !(await answered()); i++) await new Promise((r) => setTimeout(r, 25));
    expect(await answered()).toBe(true);
  });

  it("the same notification 50 times at once: applied once, answered 204 every time, each delivery recorded", async () => {
    const { call, order } = await pendingOrder();
    const n = forge.build({ resource: paymentFor(order) });
    const answers = await Promise.all(Array.from({ length: 50 }, () => forge.post(n)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(204));
    expect(await status(call, order.orderId)).toBe("PAID");
    const rec = await events({ outTradeNo: order.outTradeNo });
    expect(rec).toHaveLength(50);
    expect(rec.filter((e) => e.decision === "APPLIED")).toHaveLength(1);
    expect(rec.filter((e) => e.decision === "ALREADY_APPLIED")).toHaveLength(49);
    const detail = ok(await call("orders", { action: "get", orderId: order.orderId })) as OrderDetail;
    expect(detail.timeline.filter((t) => t.status === "PAID")).toHaveLength(1);
  });

  const rejected: Array<[string, (order: CreateOrderResult) => { headers: Record<string, string>; body: string }, number, string]> = [
    ["forged (signed with another key)", (o) => { const n = forge.build({ resource: paymentFor(o) }); return { ...n, headers: { ...n.headers, "Wechatpay-Signature": forge.build({ resource: paymentFor(o) }).headers["Wechatpay-Signature"]! } }; }, 401, "BAD_SIGNATURE"],
    ["tampered by one byte", (o) => { const n = forge.build({ resource: paymentFor(o) }); return { ...n, body: n.body.replace('"summary":"支付成功"', '"summary":"支付成功 "') }; }, 401, "BAD_SIGNATURE"],
    ["stale (timestamp 10 minutes old)", (o) => forge.build({ resource: paymentFor(o), timestamp: Math.floor(Date.now() / 1000) - 600 }), 401, "STALE_TIMESTAMP"],
    ["a WECHATPAY/SIGNTEST/ probe", (o) => forge.build({ resource: paymentFor(o), signature: "WECHATPAY/SIGNTEST/" + "A".repeat(340) }), 401, "BAD_SIGNATURE"],
    ["amount mismatch", (o) => forge.build({ resource: paymentFor(o, { amount: { total: o.amount - 1, payer_total: o.amount - 1, currency: "CNY", payer_currency: "CNY" } }) }), 400, "amount"],
    ["another merchant's mchid", (o) => forge.build({ resource: paymentFor(o, { mchid: "1230000109" }) }), 400, "mchid"],
    ["another appid", (o) => forge.build({ resource: paymentFor(o, { appid: "wx0000000000000000" }) }), 400, "appid"],
  ];
  it.each(rejected)("%s: rejected with %i, recorded (verified) or counted (unverified), order still PENDING", async (_name, make, httpStatus, detail) => {
    const { call, order } = await pendingOrder();
    const n = make(order);
    const counted = async () => {
      const days = (await database(stack).collection("notify_rejections").limit(100).get()).data as Array<{ codes: Record<string, number> }>;
      return days.reduce((s, d) => s + (d.codes[detail] ?? 0), 0);
    };
    const before = httpStatus === 401 ? await counted() : 0;
    const res = await forge.post(n);
    expect(res.status).toBe(httpStatus);
    expect(res.json).toMatchObject({ code: "FAIL" });
    expect(await status(call, order.orderId)).toBe("PENDING");
    if (httpStatus === 401) {
      // Unverified: anyone can send it, so it is counted under its code, never stored per request.
      expect((await counted()) - before).toBeGreaterThanOrEqual(1);
      expect(await events({ outTradeNo: order.outTradeNo })).toHaveLength(0);
    } else {
      const rec = await database(stack).collection("payment_events").where({ detail: new RegExp(detail.split(" ")[0]!) as unknown as string }).limit(1000).get();
      expect(rec.data.length).toBeGreaterThan(0);
    }
  });

  it("a notification for an order we do not have is recorded as UNKNOWN_ORDER and answered 400", async () => {
    const n = forge.build({ resource: transactionResource(forge.keys, { out_trade_no: "TP" + "0".repeat(24) }) });
    const res = await forge.post(n);
    expect(res.status).toBe(400);
    expect((await events({ outTradeNo: "TP" + "0".repeat(24) })).map((e) => e.decision)).toEqual(["UNKNOWN_ORDER"]);
  });

  it("a base64 body (isBase64Encoded) verifies over the decoded bytes", async () => {
    // The route delivers a body that is not valid UTF-8 as base64; a valid one can be forced by the
    // stack's own event too. Here the function receives the exact bytes either way.
    const { call, order } = await pendingOrder();
    const n = forge.build({ resource: paymentFor(order) });
    const res = await stack.post("/api/payment/notify", Buffer.from(n.body, "utf8"), { ...n.headers, "content-type": "application/octet-stream" });
    expect(res.status).toBe(204);
    expect(await status(call, order.orderId)).toBe("PAID");
  });

  it("REFUND.SUCCESS, REFUND.CLOSED and REFUND.ABNORMAL move the refund and the order", async () => {
    const { call, order } = await pendingOrder("G4");
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    const refundOf = async (amount: number) => ok(await ops("refund", { orderId: order.orderId, amount, refundToken: token() })) as { outRefundNo: string; amount: number };
    // This suite's simulator settles refunds only when told (WXPAY_SIM_REFUND_SETTLE_SECONDS=0).
    const settle = async (outRefundNo: string, s: "SUCCESS" | "CLOSED" | "ABNORMAL") => {
      const res = await stack.post("/sim/refunds/settle", { out_refund_no: outRefundNo, status: s });
      expect(res.status, res.text).toBe(200);
    };
    const delivered = async (outRefundNo: string) => {
      for (let i = 0; i < 200; i++) {
        const rec = await events({ outRefundNo });
        if (rec.length > 0) return rec;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no notification recorded for ${outRefundNo}`);
    };
    const closed = await refundOf(1000);
    await settle(closed.outRefundNo, "CLOSED");
    const abnormal = await refundOf(1000);
    await settle(abnormal.outRefundNo, "ABNORMAL");
    const success = await refundOf(1000);
    await settle(success.outRefundNo, "SUCCESS");
    for (const r of [closed, abnormal, success]) expect((await delivered(r.outRefundNo)).map((e) => e.decision)).toEqual(["APPLIED"]);
    // The same SUCCESS delivered again (forged with the simulator's key): already applied.
    const again = forge.build({ eventType: "REFUND.SUCCESS", resource: refundResource(forge.keys, "SUCCESS", { out_trade_no: order.outTradeNo, out_refund_no: success.outRefundNo, refund_id: "50300000000000000001", amount: { total: order.amount, refund: 1000, payer_total: order.amount, payer_refund: 1000 } }) });
    expect((await forge.post(again)).status).toBe(204);

    const d = ok(await call("orders", { action: "get", orderId: order.orderId })) as OrderDetail;
    const byNo = Object.fromEntries(d.refunds.map((r) => [r.outRefundNo, r.status]));
    expect(byNo[closed.outRefundNo]).toBe("CLOSED");
    expect(byNo[abnormal.outRefundNo]).toBe("ABNORMAL");
    expect(byNo[success.outRefundNo]).toBe("SUCCESS");
    expect(d.status).toBe("PARTIALLY_REFUNDED");
    expect(d.refundedAmount).toBe(1000);
    // CLOSED gave its 10 yuan back; ABNORMAL keeps its reservation for manual handling.
    const stored = await database(stack).collection("orders").doc(order.orderId).get();
    expect((stored.data[0] as { refundReserved: number }).refundReserved).toBe(2000);
  });

  it("REFUND.ABNORMAL is not final: a later REFUND.SUCCESS is applied", async () => {
    const { call, order } = await pendingOrder("G79");
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    const r = ok(await ops("refund", { orderId: order.orderId, refundToken: token() })) as { outRefundNo: string; amount: number };
    expect((await stack.post("/sim/refunds/settle", { out_refund_no: r.outRefundNo, status: "ABNORMAL" })).status).toBe(200);
    for (let i = 0; i < 200 && (await events({ outRefundNo: r.outRefundNo })).length === 0; i++) await new Promise((res) => setTimeout(res, 25));
    // The merchant re-routed the money (merchant platform): WeChat Pay then reports SUCCESS.
    const n = forge.build({ eventType: "REFUND.SUCCESS", resource: refundResource(forge.keys, "SUCCESS", { out_trade_no: order.outTradeNo, out_refund_no: r.outRefundNo, refund_id: "50300000000000000077", amount: { total: order.amount, refund: r.amount, payer_total: order.amount, payer_refund: r.amount } }) });
    expect((await forge.post(n)).status).toBe(204);
    const d = await waitForStatus(call, order.orderId, "REFUNDED");
    expect(d.refunds[0]!.status).toBe("SUCCESS");
  });

  it("a mini-program user calling payNotify directly is turned away and nothing is recorded", async () => {
    const before = (await database(stack).collection("payment_events").count()).total;
    const res = await stack.call<{ statusCode: number }>("payNotify", { httpMethod: "POST", headers: {}, body: "{}" }, newUser());
    expect(res.result.statusCode).toBe(403);
    expect((await database(stack).collection("payment_events").count()).total).toBe(before);
  });
});
