import { describe, expect, it } from "vitest";
import { createPaymentRuntime } from "../../shared/wechatpay/payment-from-env";
import { buildTestNotification, generateTestKeySet } from "../../shared/wechatpay/testing";

const later = () => new Date(Date.now() + 30 * 60_000);

describe("mock gateway (PAY_MODE=mock)", () => {
  const rt = createPaymentRuntime({ PAY_MODE: "mock" });
  if (!rt.ok) throw new Error(rt.error.message);
  const gw = rt.gateway;

  it("prepays with a stable made-up id and signs pay params in the right shape", async () => {
    const req = { outTradeNo: "T2026MOCK01", description: "G1 北京南→上海虹桥", amount: 55300, payerOpenid: "o1", expiresAt: later() };
    const a = await gw.jsapiPrepay(req);
    const b = await gw.jsapiPrepay(req);
    expect(gw.mode).toBe("mock");
    expect(a.kind).toBe("ok");
    expect(a).toMatchObject({ kind: "ok", value: { prepayId: expect.stringMatching(/^wx_mock_/) } });
    if (a.kind === "ok" && b.kind === "ok") expect(a.value.prepayId).toBe(b.value.prepayId);
    const p = gw.payParams("wx_mock_1");
    expect(p).toMatchObject({ package: "prepay_id=wx_mock_1", signType: "RSA", timeStamp: expect.stringMatching(/^\d+$/) });
  });

  it("refuses non-integer or non-positive amounts locally, like the real gateway", async () => {
    for (const amount of [0, -1, 12.5, Number.NaN]) {
      const r = await gw.jsapiPrepay({ outTradeNo: "T2026MOCK02", description: "x", amount, payerOpenid: "o1", expiresAt: later() });
      expect(r).toMatchObject({ kind: "business_error", code: "PARAM_ERROR", local: true });
    }
    const r = await gw.refund({ outTradeNo: "T2026MOCK02", outRefundNo: "R1", refund: 200, total: 100 });
    expect(r).toMatchObject({ kind: "business_error", code: "PARAM_ERROR", local: true });
  });

  it("answers query NOTPAY, close ok, refund SUCCESS at once, empty bill", async () => {
    expect(await gw.queryByOutTradeNo("T2026MOCK01")).toMatchObject({
      kind: "ok",
      value: { tradeState: "NOTPAY", outTradeNo: "T2026MOCK01" },
    });
    expect((await gw.close("T2026MOCK01")).kind).toBe("ok");
    expect(await gw.refund({ outTradeNo: "T2026MOCK01", outRefundNo: "R2026MOCK01", refund: 100, total: 55300 })).toMatchObject({
      kind: "ok",
      value: { status: "SUCCESS", outRefundNo: "R2026MOCK01", amount: { refund: 100, total: 55300 } },
    });
    expect(await gw.tradeBill("2026-11-27")).toMatchObject({ kind: "ok", value: { rows: [], summary: { 总交易单数: "0" } } });
  });

  it("refuses every notification (no WeChat Pay key exists in mock mode)", async () => {
    const keys = generateTestKeySet();
    const r = await rt.notifications.parse(buildTestNotification(keys, keys.wechatpay));
    expect(r).toMatchObject({ ok: false, code: "UNKNOWN_SERIAL" });
  });
});
