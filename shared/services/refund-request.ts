// The refund function. A traveller returns tickets (退票): only the owner, only issued tickets of a
// paid order, only before departure, the fee by 12306's rule (orders/refund-fee.ts), once per
// token. Operators (no user identity) refund an amount of money: the old, amount-based refund.
import type { RefundQuote, RefundResult } from "../contracts/api";
import { AppError } from "../errors";
import { fenToYuanString } from "../money";
import { refundIdFor } from "../orders/ids";
import { quoteTickets, type TicketRefund } from "../orders/refund-fee";
import { departAtOf } from "../catalog/catalog";
import type { Caller } from "../runtime/identity";
import type { OrderDoc } from "../store/model";
import type { PaymentDeps, StoreDeps } from "./deps";
import { ownOrder } from "./traveller-orders";
import { createAndSubmitRefund, refundResult } from "./refunds";

export interface TicketRefundInput {
  orderId: string;
  ticketIds: string[];
  reason?: string;
  refundToken: string;
}

/** What returning these tickets refunds at `now`; throws (changing nothing) when they cannot be
 *  returned: NOT_FOUND for a ticket not in the order, ORDER_STATE for an unpaid order, a ticket
 *  not issued, or a train that has left. */
export function ticketRefundQuote(
  order: OrderDoc,
  ticketIds: readonly string[],
  now: number,
): { percent: number; tickets: TicketRefund[]; fee: number; amount: number } {
  if (order.status !== "PAID" && order.status !== "PARTIALLY_REFUNDED")
    throw new AppError("ORDER_STATE", "只有已支付的订单可以退票", { orderId: order._id });
  const tickets = ticketIds.map((id) => {
    const t = (order.tickets ?? []).find((x) => x.ticketId === id);
    if (!t) throw new AppError("NOT_FOUND", "车票不存在");
    if (t.status !== "ISSUED")
      throw new AppError("ORDER_STATE", t.status === "REFUNDING" ? "车票正在退票中" : "车票已退，不能再次退票", { orderId: order._id });
    return t;
  });
  const q = quoteTickets(tickets, departAtOf(order.train), now);
  if (!q) throw new AppError("ORDER_STATE", "列车已发车，不能办理退票", { orderId: order._id });
  return q;
}

/** orders refundQuote: no side effects. */
export function quoteRefund(deps: StoreDeps, order: OrderDoc, ticketIds: readonly string[]): RefundQuote {
  const now = deps.now();
  const q = ticketRefundQuote(order, ticketIds, now);
  return { amount: q.amount, fee: q.fee, feePercent: q.percent, tickets: q.tickets, serverNow: now };
}

export async function requestTicketRefund(deps: PaymentDeps, input: TicketRefundInput, caller: Caller): Promise<RefundResult> {
  const order = await ownOrder(deps, caller, input.orderId);
  const refundId = refundIdFor(caller.openid, order._id, input.refundToken);
  const existing = await deps.db.refunds.get(refundId);
  if (existing) {
    const same = JSON.stringify((existing.tickets ?? []).map((t) => t.ticketId).sort()) === JSON.stringify([...input.ticketIds].sort());
    if (!same) throw new AppError("CONFLICT", "该退票请求已提交过不同的车票");
    return refundResult(existing);
  }
  const q = ticketRefundQuote(order, input.ticketIds, deps.now());
  const doc = await createAndSubmitRefund(
    deps,
    order,
    { refundId, amount: q.amount, tickets: q.tickets, reason: input.reason ?? "旅客退票", automatic: false, openid: caller.openid },
    { fn: "refund" },
  );
  return refundResult(doc);
}

export interface OperatorRefundInput {
  orderId: string;
  amount?: number;
  reason?: string;
  refundToken: string;
}

/** An operator's refund of money (no user identity: `tcb fn invoke refund`): any order, default all
 *  that is left, once per token; tickets stay unless nothing paid is left. */
export async function requestOperatorRefund(deps: PaymentDeps, input: OperatorRefundInput): Promise<RefundResult> {
  const order = await deps.db.orders.get(input.orderId);
  if (!order) throw new AppError("NOT_FOUND", "订单不存在");
  const refundId = refundIdFor("operator", order._id, input.refundToken);
  const existing = await deps.db.refunds.get(refundId);
  if (existing) {
    if (input.amount !== undefined && input.amount !== existing.amount) throw new AppError("CONFLICT", "该退款请求已提交过不同的金额");
    return refundResult(existing);
  }
  if (order.status !== "PAID" && order.status !== "PARTIALLY_REFUNDED")
    throw new AppError("ORDER_STATE", "只有已支付的订单可以退款", { orderId: order._id });
  const left = order.amount - order.refundReserved;
  const amount = input.amount ?? left;
  if (left <= 0 || amount > left)
    throw new AppError("REFUND_EXCEEDED", left <= 0 ? "该订单已无可退金额" : `最多可退 ${fenToYuanString(left)} 元`);
  const doc = await createAndSubmitRefund(
    deps,
    order,
    { refundId, amount, reason: input.reason ?? "运营退款", automatic: false, openid: order.openid },
    { fn: "refund.operator" },
  );
  return refundResult(doc);
}
