// 退款 from the console: any amount up to what is refundable, with a reason, by support and above,
// through the very same reservation, idempotency and submission as the traveller's refund
// (createAndSubmitRefund). The refund id is derived from the page's request token, so a double
// click or a resubmitted form refunds once.
import { AppError } from "../errors";
import { fenToYuanString } from "../money";
import { refundIdFor } from "../orders/ids";
import { createAndSubmitRefund } from "../services/refunds";
import { audit } from "./audit";
import { requireRole, type Actor } from "./authz";
import type { ManualRefundRequest, OpsRefundView } from "./contract";
import type { OpsDeps } from "./deps";
import { OpsError } from "./errors";
import { mustGetOrder } from "./orders";
import { refundRow } from "./order-rows";

export async function manualRefund(deps: OpsDeps, actor: Actor, orderId: string, req: ManualRefundRequest): Promise<OpsRefundView> {
  requireRole(actor, "support");
  const order = await mustGetOrder(deps, orderId);
  // Namespaced by operator: never the same id as a traveller's own refund token.
  const refundId = refundIdFor(`ops:${actor.username}`, order._id, req.requestToken);
  const before = { status: order.status, refundReserved: order.refundReserved, refundedAmount: order.refundedAmount };
  const base = { action: "refund.manual", orderId, refundId, note: req.reason, before } as const;
  const existing = await deps.db.refunds.get(refundId);
  if (existing) {
    if (existing.amount !== req.amount) throw new OpsError("CONFLICT", "该退款请求已提交过不同的金额");
    return refundRow(existing);
  }
  try {
    if (order.status !== "PAID" && order.status !== "PARTIALLY_REFUNDED") throw new OpsError("ORDER_STATE", "只有已支付的订单可以退款");
    const left = order.amount - order.refundReserved;
    if (req.amount > left) throw new OpsError("REFUND_EXCEEDED", left <= 0 ? "该订单已无可退金额" : `最多可退 ${fenToYuanString(left)} 元`);
    const doc = await createAndSubmitRefund(
      deps.payment(),
      order,
      { refundId, amount: req.amount, reason: req.reason, automatic: false, openid: order.openid },
      { fn: "ops" },
    );
    await audit(deps, actor, {
      ...base,
      outcome: "ok",
      after: { refundStatus: doc.status, amount: doc.amount, outRefundNo: doc.outRefundNo },
    });
    return refundRow(doc);
  } catch (e) {
    const code = e instanceof OpsError || e instanceof AppError ? e.code : "INTERNAL";
    await audit(deps, actor, { ...base, outcome: code === "INTERNAL" ? "error" : "refused", code, after: { amount: req.amount } });
    throw e;
  }
}
