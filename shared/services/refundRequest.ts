// The refund function: only the owner, only paid orders, default all that is left, once per token.
import type { RefundResult } from "../contracts/api";
import { AppError } from "../errors";
import { fenToYuanString } from "../money";
import { refundIdFor } from "../orders/ids";
import type { Caller } from "../runtime/identity";
import type { PaymentDeps } from "./deps";
import { ownOrder } from "./orderQueries";
import { createAndSubmitRefund, refundResult } from "./refunds";

export interface RefundInput {
  orderId: string;
  amount?: number;
  reason?: string;
  refundToken: string;
}

export async function requestRefund(deps: PaymentDeps, input: RefundInput, caller: Caller): Promise<RefundResult> {
  const order = await ownOrder(deps, caller, input.orderId);
  const refundId = refundIdFor(caller.openid, order._id, input.refundToken);
  const existing = await deps.db.refunds.get(refundId);
  if (existing) {
    if (input.amount !== undefined && input.amount !== existing.amount) throw new AppError("CONFLICT", "该退款请求已提交过不同的金额");
    return refundResult(existing);
  }
  if (order.status !== "PAID" && order.status !== "PARTIALLY_REFUNDED") throw new AppError("ORDER_STATE", "只有已支付的订单可以退款");
  const left = order.amount - order.refundReserved;
  const amount = input.amount ?? left;
  if (left <= 0 || amount > left) throw new AppError("REFUND_EXCEEDED", left <= 0 ? "该订单已无可退金额" : `最多可退 ${fenToYuanString(left)} 元`);
  const doc = await createAndSubmitRefund(deps, order, { refundId, amount, reason: input.reason ?? "用户申请退款", automatic: false, openid: caller.openid }, { fn: "refund" });
  return refundResult(doc);
}
