// payNotify's matrix in-process: the real parser and HTTP edge (handleNotificationRequest) over the
// services, notifications as WeChat Pay's ledger queued them, signed at the fake clock's time.
// The route and the built function are proven once by test/functions/e2e.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult } from "../../shared/contracts/api";
import { requestOperatorRefund } from "../../shared/services/refund-request";
import { refundResource, transactionResource } from "../../shared/wechatpay/testing";
import { world, type World } from "./harness";
import { edge, edgeKeys, type Edge, type EdgeKeys } from "./notify-edge";
import { book, captureLogs, detail, eventDocs, orderDoc, prepayOf } from "./scenario";

let k: EdgeKeys;
beforeAll(() => {
  k = edgeKeys();
});
captureLogs();

async function pending(tag: string): Promise<{ w: World; e: Edge; order: CreateOrderResult }> {
  const w = await world();
  return { w, e: edge(w, k), order: await book(w, tag) };
}
let txSeq = 0;
/** A payment of `order` as WeChat Pay would describe it (fields overridable). */
const paymentFor = (order: CreateOrderResult, over: Record<string, unknown> = {}) =>
  transactionResource(k.keys, {
    out_trade_no: order.outTradeNo,
    transaction_id: `42000000002026120200000${String(++txSeq).padStart(5, "0")}`,
    amount: { total: order.amount, payer_total: order.amount, currency: "CNY", payer_currency: "CNY" },
    ...over,
  });
const rejectionsOf = (w: World, code: string) =>
  (w.mem.all("notify_rejections") as unknown as Array<{ codes: Record<string, number> }>).reduce((s, d) => s + (d.codes[code] ?? 0), 0);

describe("payment notifications", () => {
  it("a delivery from WeChat Pay marks the order PAID, is recorded once, and is answered 204", async () => {
    const { w, e, order } = await pending("valid");
    expect(w.wx.pay(prepayOf(w, order.orderId))).toBe(true);
    const res = await e.post(e.next());
    expect(res.statusCode).toBe(204);
    const o = orderDoc(w, order.orderId);
    expect(o.status).toBe("PAID");
    expect(o.transactionId).toBe(w.wx.store.state.orders[order.outTradeNo]!.transactionId);
    expect(eventDocs(w)).toEqual([
      expect.objectContaining({
        source: "notification",
        decision: "APPLIED",
        httpStatus: 204,
        orderId: order.orderId,
        outTradeNo: order.outTradeNo,
        transactionId: o.transactionId,
      }),
    ]);
  });

  it("the same notification 50 times at once: applied once, answered 204 every time, each delivery recorded", async () => {
    const { w, e, order } = await pending("fifty");
    w.wx.pay(prepayOf(w, order.orderId));
    const n = e.next();
    const answers = await Promise.all(Array.from({ length: 50 }, () => e.post(n)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(50).fill(204));
    const rec = eventDocs(w, { outTradeNo: order.outTradeNo });
    expect(rec).toHaveLength(50);
    expect(rec.filter((x) => x.decision === "APPLIED")).toHaveLength(1);
    expect(rec.filter((x) => x.decision === "ALREADY_APPLIED")).toHaveLength(49);
    const d = await detail(w, "fifty", order.orderId);
    expect(d.status).toBe("PAID");
    expect(d.timeline.filter((t) => t.status === "PAID")).toHaveLength(1);
  });

  const rejected: Array<
    [string, (e: Edge, w: World, o: CreateOrderResult) => { headers: Record<string, string>; body: string }, number, string]
  > = [
    [
      "forged (signed with another key)",
      (e, _w, o) => {
        const n = e.build({ resource: paymentFor(o) });
        return {
          ...n,
          headers: { ...n.headers, "Wechatpay-Signature": e.build({ resource: paymentFor(o) }).headers["Wechatpay-Signature"]! },
        };
      },
      401,
      "BAD_SIGNATURE",
    ],
    [
      "tampered by one byte",
      (e, _w, o) => {
        const n = e.build({ resource: paymentFor(o) });
        return { ...n, body: n.body.replace('"summary":"支付成功"', '"summary":"支付成功 "') };
      },
      401,
      "BAD_SIGNATURE",
    ],
    [
      "stale (timestamp 10 minutes old)",
      (e, w, o) => e.build({ resource: paymentFor(o), timestamp: Math.floor(w.clock.now() / 1000) - 600 }),
      401,
      "STALE_TIMESTAMP",
    ],
    [
      "a WECHATPAY/SIGNTEST/ probe",
      (e, _w, o) => e.build({ resource: paymentFor(o), signature: "WECHATPAY/SIGNTEST/" + "A".repeat(340) }),
      401,
      "BAD_SIGNATURE",
    ],
    [
      "amount mismatch",
      (e, _w, o) =>
        e.build({
          resource: paymentFor(o, { amount: { total: o.amount - 1, payer_total: o.amount - 1, currency: "CNY", payer_currency: "CNY" } }),
        }),
      400,
      "amount",
    ],
    ["another merchant's mchid", (e, _w, o) => e.build({ resource: paymentFor(o, { mchid: "1230000109" }) }), 400, "mchid"],
    ["another appid", (e, _w, o) => e.build({ resource: paymentFor(o, { appid: "wx0000000000000000" }) }), 400, "appid"],
  ];
  it.each(rejected)(
    "%s: answered %i, recorded (verified) or counted (unverified), order still PENDING",
    async (_name, make, httpStatus, detailText) => {
      const { w, e, order } = await pending("rejected");
      const res = await e.post(make(e, w, order));
      expect(res.statusCode).toBe(httpStatus);
      expect(JSON.parse(res.body)).toMatchObject({ code: "FAIL" });
      expect(orderDoc(w, order.orderId).status).toBe("PENDING");
      if (httpStatus === 401) {
        // Unverified: anyone can send it, so it is counted under its code, never stored per request.
        expect(rejectionsOf(w, detailText)).toBe(1);
        expect(eventDocs(w)).toEqual([]);
      } else {
        expect(eventDocs(w)).toEqual([
          expect.objectContaining({
            decision: "REJECTED_MISMATCH",
            httpStatus: 400,
            outTradeNo: order.outTradeNo,
            detail: expect.stringMatching(new RegExp(`^${detailText}`)),
          }),
        ]);
        expect(w.mem.all("notify_rejections")).toEqual([]);
      }
    },
  );

  it("a notification for an order we do not have is recorded as UNKNOWN_ORDER and answered 400", async () => {
    const w = await world();
    const e = edge(w, k);
    const res = await e.post(e.build({ resource: transactionResource(k.keys, { out_trade_no: "TP" + "0".repeat(24) }) }));
    expect(res.statusCode).toBe(400);
    expect(eventDocs(w).map((x) => [x.outTradeNo, x.decision])).toEqual([["TP" + "0".repeat(24), "UNKNOWN_ORDER"]]);
  });

  it("a base64 body (isBase64Encoded) verifies over the decoded bytes", async () => {
    const { w, e, order } = await pending("b64");
    w.wx.pay(prepayOf(w, order.orderId));
    const n = e.next();
    expect(
      (await e.post({ headers: n.headers, body: Buffer.from(n.body, "utf8").toString("base64"), isBase64Encoded: true })).statusCode,
    ).toBe(204);
    expect(orderDoc(w, order.orderId).status).toBe("PAID");
  });
});

describe("refund notifications", () => {
  async function paid(tag: string) {
    const { w, e, order } = await pending(tag);
    w.wx.pay(prepayOf(w, order.orderId));
    expect((await e.post(e.next())).statusCode).toBe(204);
    return { w, e, order };
  }
  const refund = (w: World, _tag: string, orderId: string, amount?: number) =>
    requestOperatorRefund(w.deps, { orderId, ...(amount !== undefined ? { amount } : {}), refundToken: `r-${w.wx.calls.refund}` });

  it("REFUND.SUCCESS, REFUND.CLOSED and REFUND.ABNORMAL move the refund and the order; a repeat is ALREADY_APPLIED", async () => {
    const { w, e, order } = await paid("settle");
    const closed = await refund(w, "settle", order.orderId, 1000);
    const abnormal = await refund(w, "settle", order.orderId, 1000);
    const success = await refund(w, "settle", order.orderId, 1000);
    expect([closed, abnormal, success].map((r) => r.status)).toEqual(["PROCESSING", "PROCESSING", "PROCESSING"]);
    for (const [r, s] of [
      [closed, "CLOSED"],
      [abnormal, "ABNORMAL"],
      [success, "SUCCESS"],
    ] as const) {
      expect(w.wx.settleRefund(r.outRefundNo, s)).toBe(true);
      expect((await e.post(e.next())).statusCode).toBe(204);
      expect(eventDocs(w, { outRefundNo: r.outRefundNo }).map((x) => x.decision)).toEqual(["APPLIED"]);
    }
    // The same SUCCESS delivered again.
    const wxSuccess = w.wx.store.state.refunds[success.outRefundNo]!;
    const again = e.build({
      eventType: "REFUND.SUCCESS",
      resource: refundResource(k.keys, "SUCCESS", {
        out_trade_no: order.outTradeNo,
        out_refund_no: success.outRefundNo,
        refund_id: wxSuccess.refundId,
        amount: { total: order.amount, refund: 1000, payer_total: order.amount, payer_refund: 1000 },
      }),
    });
    expect((await e.post(again)).statusCode).toBe(204);
    expect(eventDocs(w, { outRefundNo: success.outRefundNo }).map((x) => x.decision)).toEqual(["APPLIED", "ALREADY_APPLIED"]);

    const d = await detail(w, "settle", order.orderId);
    const byNo = Object.fromEntries(d.refunds.map((r) => [r.outRefundNo, r.status]));
    expect(byNo).toEqual({ [closed.outRefundNo]: "CLOSED", [abnormal.outRefundNo]: "ABNORMAL", [success.outRefundNo]: "SUCCESS" });
    expect(d.status).toBe("PARTIALLY_REFUNDED");
    expect(d.refundedAmount).toBe(1000);
    // CLOSED gave its 10 yuan back; ABNORMAL keeps its reservation for manual handling.
    expect(orderDoc(w, order.orderId).refundReserved).toBe(2000);
  });

  it("REFUND.ABNORMAL is not final: a later REFUND.SUCCESS is applied", async () => {
    const { w, e, order } = await paid("abnormal");
    const r = await refund(w, "abnormal", order.orderId);
    w.wx.settleRefund(r.outRefundNo, "ABNORMAL");
    expect((await e.post(e.next())).statusCode).toBe(204);
    expect((await detail(w, "abnormal", order.orderId)).refunds[0]!.status).toBe("ABNORMAL");
    // The merchant re-routed the money (merchant platform): WeChat Pay then reports SUCCESS.
    const wxRefund = w.wx.store.state.refunds[r.outRefundNo]!;
    const n = e.build({
      eventType: "REFUND.SUCCESS",
      resource: refundResource(k.keys, "SUCCESS", {
        out_trade_no: order.outTradeNo,
        out_refund_no: r.outRefundNo,
        refund_id: wxRefund.refundId,
        amount: { total: order.amount, refund: r.amount, payer_total: order.amount, payer_refund: r.amount },
      }),
    });
    expect((await e.post(n)).statusCode).toBe(204);
    const d = await detail(w, "abnormal", order.orderId);
    expect(d.status).toBe("REFUNDED");
    expect(d.refundedAmount).toBe(order.amount);
    expect(d.refunds.map((x) => x.status)).toEqual(["SUCCESS"]);
    expect(orderDoc(w, order.orderId).refundReserved).toBe(order.amount);
  });
});
