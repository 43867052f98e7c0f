// The refund function: only the owner, only paid orders, default all that is left, once per token.
import type { RefundResult } from "../contracts/api";
import { AppError } from "../errors";
import { fenToYuanString } from "../money";
import { refundIdFor } from "../orders/ids";
import type { Caller } from "../runtime/identity";
import { refunds } from "../store/repos";
import type { PaymentDeps } from "./deps";
import { ownOrder } from "./orderQueries";
import { createAndSubmitRefund, refundResult } from "./refunds";

export interface RefundInput {
  orderId: string;
  amount?: number;
  reason?: string;
  refundToken: string;
}

export async function requestRefund(input: RefundInput, caller: Caller, deps: PaymentDeps): Promise<RefundResult> {
  const order = await ownOrder(caller, input.orderId);
  const refundId = refundIdFor(caller.openid, order._id, input.refundToken);
  const existing = await refunds.get(refundId);
  if (existing) {
    if (input.amount !== undefined && input.amount !== existing.amount) throw new AppError("CONFLICT", "该退款请求已提交过不同的金额");
    return refundResult(existing);
  }
  if (order.status !== "PAID" && order.status !== "PARTIALLY_REFUNDED") throw new AppError("ORDER_STATE", "只有已支付的订单可以退款");
  // An earlier attempt with this token reserved its amount and stopped before recording the refund:
  // finish that one.
  const reservedEarlier = order.refundReservations?.[refundId];
  const left = order.amount - order.refundReserved;
  const amount = reservedEarlier ?? input.amount ?? left;
  if (reservedEarlier === undefined && (left <= 0 || amount > left)) throw new AppError("REFUND_EXCEEDED", left <= 0 ? "该订单已无可退金额" : `最多可退 ${fenToYuanString(left)} 元`);
  const doc = await createAndSubmitRefund(order, { refundId, amount, reason: input.reason ?? "用户申请退款", automatic: false, openid: caller.openid }, deps, { fn: "refund" });
  return refundResult(doc);
}
