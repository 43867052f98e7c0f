// Field validation, prepay idempotency, payment and its query, close, cancel/fail variants,
// expiry, refunds (idempotent, never beyond the paid total) and persistence across a restart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rfc3339Cst } from "../../dev/wxpay-sim/china-time";
import { eventually, Receiver, Sim, verifyWechatpaySignature } from "./harness";

let sim: Sim;
let receiver: Receiver;
let clockOffsetMs = 0;
beforeAll(async () => {
  // Tiny time scale: refunds settle in 10 ms. The clock can be moved forward for expiry.
  sim = await Sim.start({ timeScale: 0.001, now: () => Date.now() + clockOffsetMs });
  receiver = await Receiver.start(() => ({ status: 204 }));
});
afterAll(async () => {
  await sim?.stop();
  await receiver?.stop();
});

const JSAPI = "/v3/pay/transactions/jsapi";
const q = (no: string) => `/v3/pay/transactions/out-trade-no/${no}?mchid=${sim.keys.mchid}`;

describe("JSAPI prepay validation (PARAM_ERROR)", () => {
  const cases: Array<[string, (b: Record<string, unknown>) => void]> = [
    ["out_trade_no too short", (b) => (b.out_trade_no = "T1234")],
    ["out_trade_no too long", (b) => (b.out_trade_no = "T".repeat(33))],
    ["out_trade_no with a bad character", (b) => (b.out_trade_no = "T2026#1127")],
    ["description over 127 characters", (b) => (b.description = "票".repeat(128))],
    ["missing description", (b) => delete b.description],
    ["amount not an integer", (b) => (b.amount = { total: 553.5, currency: "CNY" })],
    ["amount as a string", (b) => (b.amount = { total: "55300", currency: "CNY" })],
    ["amount zero", (b) => (b.amount = { total: 0, currency: "CNY" })],
    ["amount negative", (b) => (b.amount = { total: -1, currency: "CNY" })],
    ["currency not CNY", (b) => (b.amount = { total: 100, currency: "USD" })],
    ["time_expire without offset", (b) => (b.time_expire = "2099-11-27T20:15:00")],
    ["time_expire not a date", (b) => (b.time_expire = "2099-02-30T20:15:00+08:00")],
    ["time_expire in the past", (b) => (b.time_expire = "2020-01-01T00:00:00+08:00")],
    ["notify_url http on a public host", (b) => (b.notify_url = "http://example.com/notify")],
    ["notify_url with a query string", (b) => (b.notify_url = "https://example.com/notify?x=1")],
    ["notify_url over 255", (b) => (b.notify_url = "https://example.com/" + "a".repeat(250))],
    ["attach over 128", (b) => (b.attach = "a".repeat(129))],
    ["missing payer", (b) => delete b.payer],
  ];
  it.each(cases)("%s", async (_name, mutate) => {
    const body = sim.prepayBody("PARAM_" + Math.random().toString(36).slice(2, 10));
    mutate(body);
    const r = await sim.call("POST", JSAPI, body);
    expect(r.status).toBe(400);
    expect(r.json.code).toBe("PARAM_ERROR");
    expect(r.json.message.length).toBeGreaterThan(3);
    expect(verifyWechatpaySignature(r.headers, r.raw, sim.trustedKeys()).ok).toBe(true);
  });

  it("refuses invalid JSON, a foreign appid, a foreign mchid", async () => {
    expect((await sim.call("POST", JSAPI, "{not json")).json.code).toBe("PARAM_ERROR");
    const a = await sim.call("POST", JSAPI, sim.prepayBody("APPID_FOREIGN", { appid: "wx0000000000000000" }));
    expect([a.status, a.json.code]).toEqual([400, "APPID_MCHID_NOT_MATCH"]);
    const m = await sim.call("POST", JSAPI, sim.prepayBody("MCHID_FOREIGN", { mchid: "1900000002" }));
    expect([m.status, m.json.code]).toEqual([400, "PARAM_ERROR"]);
  });

  it("answers 500 OPENID_MISMATCH for an openid issued for another AppID (registered through /sim/openids)", async () => {
    const foreign = "o-foreign-" + Math.random().toString(36).slice(2, 10);
    expect((await sim.control("POST", "/sim/openids", { openid: foreign, appid: "wx00000000000000ff" })).status).toBe(200);
    const r = await sim.call("POST", JSAPI, sim.prepayBody("OPENID_FOREIGN", { payer: { openid: foreign } }));
    expect([r.status, r.json.code]).toEqual([500, "OPENID_MISMATCH"]);
    expect(verifyWechatpaySignature(r.headers, r.raw, sim.trustedKeys()).ok).toBe(true);
    expect((await sim.call("GET", q("OPENID_FOREIGN"))).json.code).toBe("ORDER_NOT_EXIST"); // nothing was created
    // One issued for the merchant's AppID, and one never registered, are both fine.
    const own = "o-own-" + Math.random().toString(36).slice(2, 10);
    expect((await sim.control("POST", "/sim/openids", { openid: own, appid: sim.keys.appid })).status).toBe(200);
    expect((await sim.call("POST", JSAPI, sim.prepayBody("OPENID_OWN_01", { payer: { openid: own } }))).status).toBe(200);
    expect((await sim.call("POST", JSAPI, sim.prepayBody("OPENID_UNREG_1", { payer: { openid: "o-never-registered" } }))).status).toBe(200);
    // An openid is issued once; bad input is refused.
    expect((await sim.control("POST", "/sim/openids", { openid: foreign, appid: sim.keys.appid })).status).toBe(409);
    expect((await sim.control("POST", "/sim/openids", { openid: "", appid: sim.keys.appid })).status).toBe(400);
    expect((await sim.control("POST", "/sim/openids", { openid: own })).status).toBe(400);
  });

  it("accepts the edge values (6- and 32-character numbers, 127-character description, https notify_url)", async () => {
    for (const body of [
      sim.prepayBody("A_-|*1", { description: "票".repeat(127), time_expire: rfc3339Cst(Date.now() + 30 * 60_000) }),
      sim.prepayBody("B".repeat(32), { notify_url: "https://pay.example.com/api/payment/notify", amount: { total: 1 } }),
    ]) {
      const r = await sim.call("POST", JSAPI, body);
      expect(r.status, r.text).toBe(200);
      expect(r.json.prepay_id).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
    }
  });
});

describe("prepay idempotency", () => {
  it("same out_trade_no and same content → same prepay_id (key order does not matter)", async () => {
    const body = sim.prepayBody("IDEM_SAME_01", { attach: "seat=05A" });
    const a = await sim.call("POST", JSAPI, body);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const b = await sim.call("POST", JSAPI, reordered);
    expect(a.status).toBe(200);
    expect(b.json.prepay_id).toBe(a.json.prepay_id);
  });

  it("same out_trade_no with different content → 400 INVALID_REQUEST 201 商户订单号重复, order unchanged", async () => {
    await sim.prepay("IDEM_DIFF_01");
    const r = await sim.call("POST", JSAPI, sim.prepayBody("IDEM_DIFF_01", { amount: { total: 1, currency: "CNY" } }));
    expect([r.status, r.json.code]).toEqual([400, "INVALID_REQUEST"]);
    expect(r.json.message).toContain("商户订单号重复");
    expect((await sim.call("GET", q("IDEM_DIFF_01"))).json.amount.total).toBe(55300);
  });
});

describe("pay, query, close", () => {
  it("an unpaid order queries as NOTPAY without transaction_id; unknown order is 404 ORDER_NOT_EXIST", async () => {
    await sim.prepay("QUERY_NOTPAY_1", { attach: "a1" });
    const r = await sim.call("GET", q("QUERY_NOTPAY_1"));
    expect(r.json).toMatchObject({
      trade_state: "NOTPAY",
      out_trade_no: "QUERY_NOTPAY_1",
      attach: "a1",
      amount: { total: 55300, currency: "CNY" },
    });
    expect(r.json.transaction_id).toBeUndefined();
    const missing = await sim.call("GET", q("QUERY_MISSING"));
    expect([missing.status, missing.json.code]).toEqual([404, "ORDER_NOT_EXIST"]);
    const noMchid = await sim.call("GET", "/v3/pay/transactions/out-trade-no/QUERY_NOTPAY_1");
    expect([noMchid.status, noMchid.json.code]).toEqual([400, "PARAM_ERROR"]);
  });

  it("/sim/pay → query SUCCESS by out_trade_no and by transaction_id", async () => {
    const prepayId = await sim.prepay("PAY_QUERY_01", {}, receiver.url);
    const paid = await sim.control("POST", "/sim/pay", { prepay_id: prepayId });
    expect(paid.status).toBe(200);
    expect(Object.keys(paid.json).sort()).toEqual(["out_trade_no", "transaction_id"]);
    expect(paid.json.out_trade_no).toBe("PAY_QUERY_01");
    expect(paid.json.transaction_id).toMatch(/^\d{28}$/);
    const byNo = await sim.call("GET", q("PAY_QUERY_01"));
    expect(byNo.json).toMatchObject({
      trade_state: "SUCCESS",
      trade_type: "JSAPI",
      transaction_id: paid.json.transaction_id,
      appid: sim.keys.appid,
      mchid: sim.keys.mchid,
      payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
      amount: { total: 55300, payer_total: 55300, currency: "CNY" },
    });
    expect(byNo.json.success_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const byId = await sim.call("GET", `/v3/pay/transactions/id/${paid.json.transaction_id}?mchid=${sim.keys.mchid}`);
    expect(byId.json).toEqual(byNo.json);
    // Paying twice is refused.
    const again = await sim.control("POST", "/sim/pay", { prepay_id: prepayId });
    expect([again.status, again.json.code]).toEqual([409, "ORDERPAID"]);
    // A repeated prepay of a paid order is refused.
    expect((await sim.call("POST", JSAPI, sim.prepayBody("PAY_QUERY_01", {}, receiver.url))).json.code).toBe("ORDERPAID");
  });

  it("close: 204 signed over the empty body; then CLOSED, pay refused; ORDERPAID after pay", async () => {
    const prepayId = await sim.prepay("CLOSE_NOTPAY_1");
    const c = await sim.call("POST", "/v3/pay/transactions/out-trade-no/CLOSE_NOTPAY_1/close", { mchid: sim.keys.mchid });
    expect(c.status).toBe(204);
    expect(c.raw.length).toBe(0);
    expect(verifyWechatpaySignature(c.headers, c.raw, sim.trustedKeys()).ok).toBe(true);
    expect((await sim.call("GET", q("CLOSE_NOTPAY_1"))).json.trade_state).toBe("CLOSED");
    const pay = await sim.control("POST", "/sim/pay", { prepay_id: prepayId });
    expect([pay.status, pay.json.code]).toEqual([409, "ORDERCLOSED"]);
    expect((await sim.call("POST", JSAPI, sim.prepayBody("CLOSE_NOTPAY_1"))).json.code).toBe("ORDERCLOSED");

    await sim.paidOrder("CLOSE_PAID_01", receiver.url);
    const paidClose = await sim.call("POST", "/v3/pay/transactions/out-trade-no/CLOSE_PAID_01/close", { mchid: sim.keys.mchid });
    expect([paidClose.status, paidClose.json.code]).toEqual([400, "ORDERPAID"]);
    expect((await sim.call("GET", q("CLOSE_PAID_01"))).json.trade_state).toBe("SUCCESS");
    const missing = await sim.call("POST", "/v3/pay/transactions/out-trade-no/CLOSE_NONE_01/close", { mchid: sim.keys.mchid });
    expect(missing.json.code).toBe("ORDER_NOT_EXIST");
  });

  it("cancel changes nothing; fail → PAYERROR (no notification); unknown prepay_id → 404", async () => {
    const prepayId = await sim.prepay("CANCEL_FAIL_1", {}, receiver.url);
    const cancel = await sim.control("POST", "/sim/pay/cancel", { prepay_id: prepayId });
    expect(cancel.json).toEqual({ out_trade_no: "CANCEL_FAIL_1", trade_state: "NOTPAY", changed: false });
    expect((await sim.call("GET", q("CANCEL_FAIL_1"))).json.trade_state).toBe("NOTPAY");
    const failed = await sim.control("POST", "/sim/pay/fail", { prepay_id: prepayId });
    expect(failed.json).toEqual({ out_trade_no: "CANCEL_FAIL_1", trade_state: "PAYERROR" });
    expect((await sim.call("GET", q("CANCEL_FAIL_1"))).json.trade_state).toBe("PAYERROR");
    const list = await sim.control("GET", "/sim/notifications?out_trade_no=CANCEL_FAIL_1");
    expect(list.json.notifications).toEqual([]);
    expect((await sim.control("POST", "/sim/pay", { prepay_id: "wx_unknown" })).status).toBe(404);
    expect((await sim.control("POST", "/sim/pay", {})).status).toBe(400);
  });

  it("refuses to pay past time_expire, or with a prepay_id older than 2 hours", async () => {
    const p1 = await sim.prepay("EXPIRE_TIME_1", { time_expire: rfc3339Cst(Date.now() + 5 * 60_000) });
    const p2 = await sim.prepay("EXPIRE_PREPAY1");
    clockOffsetMs = 6 * 60_000;
    try {
      const r1 = await sim.control("POST", "/sim/pay", { prepay_id: p1 });
      expect([r1.status, r1.json.code]).toEqual([410, "ORDER_EXPIRED"]);
      clockOffsetMs = 2 * 3600_000 + 1000;
      const r2 = await sim.control("POST", "/sim/pay", { prepay_id: p2 });
      expect([r2.status, r2.json.code]).toEqual([410, "PREPAY_EXPIRED"]);
      // Asking again with the same content gives a new, payable prepay_id (requests are signed with the sim's clock).
      const again = await sim.call("POST", JSAPI, sim.prepayBody("EXPIRE_PREPAY1"), {
        timestamp: Math.floor((Date.now() + clockOffsetMs) / 1000),
      });
      expect(again.json.prepay_id).not.toBe(p2);
      expect((await sim.control("POST", "/sim/pay", { prepay_id: again.json.prepay_id })).status).toBe(200);
    } finally {
      clockOffsetMs = 0;
    }
  });
});

describe("refunds", () => {
  const REFUNDS = "/v3/refund/domestic/refunds";
  const refundBody = (outTradeNo: string, outRefundNo: string, refund: number, extra: Record<string, unknown> = {}) => ({
    out_trade_no: outTradeNo,
    out_refund_no: outRefundNo,
    reason: "行程取消",
    amount: { refund, total: 55300, currency: "CNY" },
    ...extra,
  });

  it("is idempotent on out_refund_no and never exceeds the paid total", async () => {
    await sim.paidOrder("REFUND_ORDER_1", receiver.url);
    const first = await sim.call("POST", REFUNDS, refundBody("REFUND_ORDER_1", "R1-A", 30000));
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({ out_refund_no: "R1-A", status: "PROCESSING", amount: { refund: 30000, total: 55300 } });
    const repeat = await sim.call("POST", REFUNDS, refundBody("REFUND_ORDER_1", "R1-A", 30000));
    expect(repeat.json.refund_id).toBe(first.json.refund_id);
    const changed = await sim.call("POST", REFUNDS, refundBody("REFUND_ORDER_1", "R1-A", 100));
    expect([changed.status, changed.json.code]).toEqual([400, "INVALID_REQUEST"]);

    const over = await sim.call("POST", REFUNDS, refundBody("REFUND_ORDER_1", "R1-B", 25301));
    expect([over.status, over.json.code]).toEqual([400, "INVALID_REQUEST"]);
    expect(over.json.message).toContain("可退金额");
    const rest = await sim.call("POST", REFUNDS, refundBody("REFUND_ORDER_1", "R1-C", 25300, { transaction_id: undefined }));
    expect(rest.status).toBe(200);
    const none = await sim.call("POST", REFUNDS, refundBody("REFUND_ORDER_1", "R1-D", 1));
    expect(none.json.code).toBe("INVALID_REQUEST");
    expect((await sim.call("GET", q("REFUND_ORDER_1"))).json.trade_state).toBe("REFUND");
  });

  it("refund of an unknown or unpaid order, a wrong total, bad fields", async () => {
    expect((await sim.call("POST", REFUNDS, refundBody("REFUND_NONE_1", "R2-A", 1))).json.code).toBe("RESOURCE_NOT_EXISTS");
    await sim.prepay("REFUND_UNPAID");
    expect((await sim.call("POST", REFUNDS, refundBody("REFUND_UNPAID", "R2-B", 1))).json.code).toBe("INVALID_REQUEST");
    await sim.paidOrder("REFUND_TOTAL1", receiver.url);
    const wrongTotal = await sim.call("POST", REFUNDS, {
      ...refundBody("REFUND_TOTAL1", "R2-C", 1),
      amount: { refund: 1, total: 1000, currency: "CNY" },
    });
    expect(wrongTotal.json.code).toBe("INVALID_REQUEST");
    for (const bad of [
      { ...refundBody("REFUND_TOTAL1", "R2-D", 1.5) },
      { ...refundBody("REFUND_TOTAL1", "R2-E", 0) },
      { ...refundBody("REFUND_TOTAL1", "R2 E", 1) },
      { ...refundBody("REFUND_TOTAL1", "R2-F", 1), reason: "因".repeat(81) },
      { out_refund_no: "R2-G", amount: { refund: 1, total: 55300, currency: "CNY" } },
    ]) {
      const r = await sim.call("POST", REFUNDS, bad);
      expect([r.status, r.json.code]).toEqual([400, "PARAM_ERROR"]);
    }
  });

  it("settles PROCESSING → SUCCESS after the scaled delay and notifies the refund's notify_url", async () => {
    const refundReceiver = await Receiver.start(() => ({ status: 200 }));
    try {
      const { transactionId } = await sim.paidOrder("REFUND_SETTLE1", receiver.url);
      const r = await sim.call("POST", REFUNDS, {
        transaction_id: transactionId,
        out_refund_no: "R3-A",
        notify_url: refundReceiver.url,
        amount: { refund: 100, total: 55300, currency: "CNY" },
      });
      expect(r.json.status).toBe("PROCESSING");
      const settled = await eventually(async () => {
        const x = await sim.call("GET", `${REFUNDS}/R3-A`);
        return x.json.status === "SUCCESS" ? x : undefined;
      });
      expect(settled.json.success_time).toMatch(/\+08:00$/);
      const [delivery] = await refundReceiver.waitFor(1);
      expect(JSON.parse(delivery!.raw.toString()).event_type).toBe("REFUND.SUCCESS");
      expect((await sim.call("GET", `${REFUNDS}/R3-NONE`)).json.code).toBe("RESOURCE_NOT_EXISTS");
    } finally {
      await refundReceiver.stop();
    }
  });

  it("/sim/refunds/settle ends a refund as ABNORMAL or CLOSED (CLOSED frees the amount)", async () => {
    const slow = await Sim.start({ timeScale: 1000 }); // refunds stay PROCESSING on their own
    try {
      await slow.paidOrder("REFUND_MANUAL1", receiver.url);
      const body = { out_trade_no: "REFUND_MANUAL1", amount: { refund: 55300, total: 55300, currency: "CNY" } };
      await slow.call("POST", REFUNDS, { ...body, out_refund_no: "R4-A" });
      const closed = await slow.control("POST", "/sim/refunds/settle", { out_refund_no: "R4-A", status: "CLOSED" });
      expect(closed.json.status).toBe("CLOSED");
      expect((await slow.control("POST", "/sim/refunds/settle", { out_refund_no: "R4-A", status: "SUCCESS" })).status).toBe(409);
      expect((await slow.call("GET", `/v3/pay/transactions/out-trade-no/REFUND_MANUAL1?mchid=${slow.keys.mchid}`)).json.trade_state).toBe(
        "SUCCESS",
      );
      const second = await slow.call("POST", REFUNDS, { ...body, out_refund_no: "R4-B" });
      expect(second.status).toBe(200);
      const abnormal = await slow.control("POST", "/sim/refunds/settle", { out_refund_no: "R4-B", status: "ABNORMAL" });
      expect(abnormal.json.status).toBe("ABNORMAL");
      const events = (await slow.control("GET", "/sim/notifications?out_trade_no=REFUND_MANUAL1")).json.notifications.map(
        (n: { eventType: string }) => n.eventType,
      );
      expect(events).toEqual(["TRANSACTION.SUCCESS", "REFUND.CLOSED", "REFUND.ABNORMAL"]);
    } finally {
      await slow.stop();
    }
  });
});

describe("persistence", () => {
  it("a restart on the same data directory keeps keys, orders and refunds", async () => {
    const first = await Sim.start({ timeScale: 1000 });
    const { transactionId } = await first.paidOrder("PERSIST_ORDER1", receiver.url);
    await first.call("POST", "/v3/refund/domestic/refunds", {
      out_trade_no: "PERSIST_ORDER1",
      out_refund_no: "R5-A",
      amount: { refund: 5, total: 55300, currency: "CNY" },
    });
    await first.stop();
    const second = await Sim.start({ timeScale: 1000 }, first.dataDir);
    try {
      expect(second.keys).toEqual(first.keys);
      const r = await second.call("GET", `/v3/pay/transactions/out-trade-no/PERSIST_ORDER1?mchid=${second.keys.mchid}`);
      expect(r.json).toMatchObject({ trade_state: "REFUND", transaction_id: transactionId });
      expect((await second.call("GET", "/v3/refund/domestic/refunds/R5-A")).json.status).toBe("PROCESSING");
    } finally {
      await second.stop();
    }
  });
});
