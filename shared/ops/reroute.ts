// An ABNORMAL refund (the traveller's card was closed: the money is stuck) re-routed with WeChat
// Pay's 发起异常退款, to a card the traveller gives or to the merchant's account. WeChat Pay answers
// PROCESSING; the REFUND.SUCCESS notification (or the sweeper's query) then completes it like any
// refund. Card number and name go to the gateway only: never stored, logged or audited in clear.
import { AppError } from "../errors";
import type { PaymentDeps } from "../services/deps";
import { applyRefundOutcome } from "../services/refunds";
import type { RefundDoc } from "../store/model";
import type { AbnormalRefundRequest } from "../wechatpay/types";
import { audit } from "./audit";
import { requireRole, type Actor } from "./authz";
import type { OpsRefundView, RerouteRequest } from "./contract";
import type { OpsDeps } from "./deps";
import { OpsError } from "./errors";
import type { OpsResolutionDoc } from "./model";
import { refundRow } from "./order-rows";

export const abnormalKey = (refundId: string): string => `REFUND_ABNORMAL:${refundId}`;

export async function rerouteAbnormal(deps: OpsDeps, actor: Actor, refundId: string, req: RerouteRequest): Promise<OpsRefundView> {
  requireRole(actor, "support");
  const doc = await deps.db.refunds.get(refundId);
  if (!doc) throw new OpsError("NOT_FOUND", "退款不存在");
  const masked = {
    type: req.type,
    ...(req.bankType ? { bankType: req.bankType } : {}),
    ...(req.bankAccount ? { bankAccount: `****${req.bankAccount.slice(-4)}` } : {}),
  };
  const base = {
    action: "refund.reroute",
    orderId: doc.orderId,
    refundId,
    before: { status: doc.status },
    target: abnormalKey(refundId),
  } as const;
  try {
    if (doc.status !== "ABNORMAL") throw new OpsError("ORDER_STATE", "只有退款异常（ABNORMAL）的退款可以发起异常退款");
    const payment = deps.payment();
    const gw = await payment.gateway();
    const wxRefundId = doc.wxRefundId ?? (await wxRefundIdOf(payment, doc));
    const request: AbnormalRefundRequest =
      req.type === "USER_BANK_CARD"
        ? {
            refundId: wxRefundId,
            outRefundNo: doc.outRefundNo,
            type: req.type,
            bankType: req.bankType ?? "",
            bankAccount: req.bankAccount ?? "",
            realName: req.realName ?? "",
          }
        : { refundId: wxRefundId, outRefundNo: doc.outRefundNo, type: req.type };
    const res = await gw.applyAbnormalRefund(request);
    if (res.kind === "business_error" || res.kind === "config_error") {
      const why = res.kind === "business_error" ? `${res.code}：${res.message}` : "支付配置有误";
      throw new AppError("PAYMENT_FAILED", `微信支付拒绝了异常退款：${why}`);
    }
    // Outcome unknown: WeChat Pay may have taken it. The refund stays ABNORMAL and is asked about;
    // repeating the same request is harmless (WeChat Pay keys it by the refund).
    const after =
      res.kind === "ok"
        ? await applyRefundOutcome(payment, doc, res.value, { fn: "ops", ...(res.requestId ? { requestId: res.requestId } : {}) })
        : doc;
    await noteReroute(deps, abnormalKey(refundId), { type: req.type, by: actor.username, at: deps.now() });
    await audit(deps, actor, {
      ...base,
      outcome: "ok",
      after: {
        ...masked,
        wechatpay: res.kind === "ok" ? res.value.status : "UNKNOWN",
        receivedAccount: res.kind === "ok" ? res.value.userReceivedAccount : undefined,
        requestId: res.requestId,
      },
    });
    return refundRow(after);
  } catch (e) {
    const code = e instanceof OpsError || e instanceof AppError ? e.code : "INTERNAL";
    await audit(deps, actor, { ...base, outcome: code === "INTERNAL" ? "error" : "refused", code, after: masked });
    throw e;
  }
}

/** Marks the queue item re-routed, keeping a resolution note it may have. */
async function noteReroute(deps: OpsDeps, key: string, rerouted: NonNullable<OpsResolutionDoc["rerouted"]>): Promise<void> {
  const set = { $set: { rerouted } };
  if ((await deps.ops.resolutions.update({ _id: key }, set)) === 1) return;
  if ((await deps.ops.resolutions.insert({ _id: key, rerouted })) === "inserted") return;
  await deps.ops.resolutions.update({ _id: key }, set); // resolved by someone meanwhile
}

/** WeChat Pay's refund_id (the path of the re-route): on the refund, or from a query. */
async function wxRefundIdOf(deps: PaymentDeps, doc: RefundDoc): Promise<string> {
  const q = await (await deps.gateway()).queryRefund(doc.outRefundNo);
  if (q.kind !== "ok") throw new AppError("PAYMENT_FAILED", "查询微信支付退款单失败，请稍后重试");
  await deps.db.refunds.update({ _id: doc._id }, { $set: { wxRefundId: q.value.refundId } });
  return q.value.refundId;
}
