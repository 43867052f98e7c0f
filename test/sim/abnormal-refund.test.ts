// 发起异常退款 end to end between our gateway (shared/wechatpay) and the simulator: validation, the
// encrypted bank fields, ABNORMAL → PROCESSING → SUCCESS and the REFUND.SUCCESS notification after it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPaymentRuntime } from "../../shared/wechatpay/payment-from-env";
import type { PaymentGateway } from "../../shared/wechatpay/types";
import { decryptResource, eventually, Receiver, Sim } from "./harness";

let sim: Sim;
let receiver: Receiver;
let gw: PaymentGateway;
beforeAll(async () => {
  // Refunds stay PROCESSING until told (timeScale 1000: 10 000 s), so each state is observable.
  sim = await Sim.start({ timeScale: 1000 });
  receiver = await Receiver.start(() => ({ status: 204 }));
  const rt = createPaymentRuntime({ ...sim.plugin.functionEnv!(), WECHAT_NOTIFY_URL: receiver.url, WECHAT_PAY_TIMEOUT_MS: "2000" });
  if (!rt.ok) throw new Error(rt.error.message);
  gw = rt.gateway;
});
afterAll(async () => {
  await sim?.stop();
  await receiver?.stop();
});

let seq = 0;
/** A paid order with one refund that WeChat Pay reported ABNORMAL. */
async function abnormalRefund(): Promise<{ outTradeNo: string; outRefundNo: string; refundId: string }> {
  const n = `${Date.now().toString(36).toUpperCase()}${seq++}`;
  const outTradeNo = `ABN_${n}`;
  const outRefundNo = `RABN_${n}`;
  await sim.paidOrder(outTradeNo, receiver.url);
  const r = await gw.refund({ outTradeNo, outRefundNo, refund: 1200, total: 55300, reason: "退票" });
  if (r.kind !== "ok") throw new Error(`refund: ${JSON.stringify(r)}`);
  const settled = await sim.control("POST", "/sim/refunds/settle", { out_refund_no: outRefundNo, status: "ABNORMAL" });
  expect(settled.json.status).toBe("ABNORMAL");
  return { outTradeNo, outRefundNo, refundId: r.value.refundId };
}

async function notificationsFor(outRefundNo: string): Promise<Array<{ event_type: string; resource: Record<string, unknown> }>> {
  return receiver.received
    .map(
      (r) =>
        JSON.parse(r.raw.toString()) as { event_type: string; resource: { ciphertext: string; nonce: string; associated_data: string } },
    )
    .filter(
      (b) => b.event_type.startsWith("REFUND.") && JSON.parse(decryptResource(b.resource, sim.keys.apiV3Key)).out_refund_no === outRefundNo,
    )
    .map((b) => ({
      event_type: b.event_type,
      resource: JSON.parse(decryptResource(b.resource, sim.keys.apiV3Key)) as Record<string, unknown>,
    }));
}

describe("发起异常退款 (apply-abnormal-refund)", () => {
  it("re-routes an ABNORMAL refund to the user's card: PROCESSING, then SUCCESS with its notification", async () => {
    const a = await abnormalRefund();
    const r = await gw.applyAbnormalRefund({
      refundId: a.refundId,
      outRefundNo: a.outRefundNo,
      type: "USER_BANK_CARD",
      bankType: "CMB_DEBIT",
      bankAccount: "6225880212345678",
      realName: "张三",
    });
    expect(r).toMatchObject({
      kind: "ok",
      value: { status: "PROCESSING", outRefundNo: a.outRefundNo, userReceivedAccount: "招商银行借记卡5678" },
      requestId: expect.any(String),
    });
    // Repeating the accepted request (fresh ciphertexts, same content) answers the same.
    const again = await gw.applyAbnormalRefund({
      refundId: a.refundId,
      outRefundNo: a.outRefundNo,
      type: "USER_BANK_CARD",
      bankType: "CMB_DEBIT",
      bankAccount: "6225880212345678",
      realName: "张三",
    });
    expect(again).toMatchObject({ kind: "ok", value: { status: "PROCESSING" } });
    const other = await gw.applyAbnormalRefund({ refundId: a.refundId, outRefundNo: a.outRefundNo, type: "MERCHANT_BANK_CARD" });
    expect(other).toMatchObject({ kind: "business_error", httpStatus: 400, code: "INVALID_REQUEST" });

    await sim.control("POST", "/sim/refunds/settle", { out_refund_no: a.outRefundNo, status: "SUCCESS" });
    const q = await gw.queryRefund(a.outRefundNo);
    expect(q).toMatchObject({ kind: "ok", value: { status: "SUCCESS", userReceivedAccount: "招商银行借记卡5678" } });
    const events = await eventually(async () => {
      const list = await notificationsFor(a.outRefundNo);
      return list.length >= 2 ? list : undefined;
    });
    expect(events.map((e) => e.event_type)).toEqual(["REFUND.ABNORMAL", "REFUND.SUCCESS"]);
    expect(events[1]!.resource).toMatchObject({
      refund_status: "SUCCESS",
      user_received_account: "招商银行借记卡5678",
      amount: { refund: 1200 },
    });
  });

  it("re-routes to the merchant's bank account without any card field", async () => {
    const a = await abnormalRefund();
    const r = await gw.applyAbnormalRefund({ refundId: a.refundId, outRefundNo: a.outRefundNo, type: "MERCHANT_BANK_CARD" });
    expect(r).toMatchObject({ kind: "ok", value: { status: "PROCESSING", userReceivedAccount: "商户基本账户" } });
  });

  it("refuses a refund that is not ABNORMAL, an unknown refund_id, and one that does not match out_refund_no", async () => {
    const a = await abnormalRefund();
    const ok = await gw.applyAbnormalRefund({ refundId: a.refundId, outRefundNo: a.outRefundNo, type: "MERCHANT_BANK_CARD" });
    expect(ok.kind).toBe("ok");
    await sim.control("POST", "/sim/refunds/settle", { out_refund_no: a.outRefundNo, status: "SUCCESS" });
    const b = await abnormalRefund();
    expect(
      await gw.applyAbnormalRefund({ refundId: "50300000000000000000000000001", outRefundNo: b.outRefundNo, type: "MERCHANT_BANK_CARD" }),
    ).toMatchObject({ kind: "business_error", httpStatus: 404, code: "RESOURCE_NOT_EXISTS" });
    expect(await gw.applyAbnormalRefund({ refundId: a.refundId, outRefundNo: b.outRefundNo, type: "MERCHANT_BANK_CARD" })).toMatchObject({
      kind: "business_error",
      httpStatus: 404,
    });
    // A PROCESSING refund (never ABNORMAL) cannot be re-routed.
    const n = `${Date.now().toString(36).toUpperCase()}P`;
    await sim.paidOrder(`ABN_${n}`, receiver.url);
    const fresh = await gw.refund({ outTradeNo: `ABN_${n}`, outRefundNo: `RABN_${n}`, refund: 100, total: 55300 });
    if (fresh.kind !== "ok") throw new Error("refund failed");
    expect(
      await gw.applyAbnormalRefund({ refundId: fresh.value.refundId, outRefundNo: `RABN_${n}`, type: "MERCHANT_BANK_CARD" }),
    ).toMatchObject({ kind: "business_error", code: "INVALID_REQUEST" });
  });

  it("the gateway refuses bad fields before sending; the simulator refuses what it cannot decrypt or lacks", async () => {
    const a = await abnormalRefund();
    const local = await gw.applyAbnormalRefund({
      refundId: a.refundId,
      outRefundNo: a.outRefundNo,
      type: "USER_BANK_CARD",
      bankType: "CMB_DEBIT",
      bankAccount: "12ab",
      realName: "张三",
    });
    expect(local).toMatchObject({ kind: "business_error", code: "PARAM_ERROR", local: true });
    const path = `/v3/refund/domestic/refunds/${a.refundId}/apply-abnormal-refund`;
    // No Wechatpay-Serial, garbage ciphertexts: not decryptable.
    const garbage = await sim.call("POST", path, {
      out_refund_no: a.outRefundNo,
      type: "USER_BANK_CARD",
      bank_type: "CMB_DEBIT",
      bank_account: "AAAA",
      real_name: "BBBB",
    });
    expect([garbage.status, garbage.json.code]).toEqual([400, "PARAM_ERROR"]);
    const missing = await sim.call("POST", path, { out_refund_no: a.outRefundNo, type: "USER_BANK_CARD" });
    expect([missing.status, missing.json.code]).toEqual([400, "PARAM_ERROR"]);
    expect(missing.json.message).toContain("bank_type");
    const badType = await sim.call("POST", path, { out_refund_no: a.outRefundNo, type: "WALLET" });
    expect([badType.status, badType.json.code]).toEqual([400, "PARAM_ERROR"]);
    // Still ABNORMAL after all of that.
    expect(await gw.queryRefund(a.outRefundNo)).toMatchObject({ kind: "ok", value: { status: "ABNORMAL" } });
  });
});
