// Order transitions driven by WeChat Pay's answers: paid, closed, and the refund of a payment
// that arrived for an order already closed. Each transition is a compare-and-set on status.
import { autoRefundIdFor, outRefundNoFor } from "../orders/ids";
import { logDecision, type LogContext } from "../runtime/log";
import { cmd } from "../store/db";
import type { EventDecision, OrderDoc } from "../store/model";
import { orders } from "../store/repos";
import type { Transaction } from "../wechatpay/types";
import type { PaymentDeps } from "./deps";
import { createAndSubmitRefund } from "./refunds";
import { releaseSeats } from "./seats";
import { timelineEntry } from "./views";

export interface Settled {
  decision: EventDecision;
  detail?: string;
  order: OrderDoc;
}

/** Why a verified transaction does not belong to this order, or undefined when it does. */
export function mismatchOf(order: OrderDoc, tx: Transaction, deps: PaymentDeps): string | undefined {
  if (tx.mchid !== deps.merchant.mchid) return "mchid";
  if (tx.appid !== deps.merchant.appid) return "appid";
  if (tx.outTradeNo !== order.outTradeNo) return "out_trade_no";
  if (tx.amount.total !== order.amount) return `amount ${tx.amount.total} != ${order.amount}`;
  if (tx.amount.currency !== "CNY") return "currency";
  return undefined;
}

/** Applies a verified SUCCESS transaction to its order; safe to call any number of times. */
export async function applyPaid(order: OrderDoc, tx: Transaction, deps: PaymentDeps, log: LogContext): Promise<Settled> {
  const mismatch = mismatchOf(order, tx, deps);
  if (mismatch || tx.tradeState !== "SUCCESS" || !tx.transactionId) {
    const detail = mismatch ?? `trade_state ${tx.tradeState}`;
    logDecision({ ...log, decision: "REJECTED_MISMATCH", orderId: order._id, outTradeNo: order.outTradeNo, detail });
    return { decision: "REJECTED_MISMATCH", detail, order };
  }
  const txid = tx.transactionId;
  const paidAt = tx.successTime ? Date.parse(tx.successTime) || deps.now() : deps.now();
  for (let attempt = 0; attempt < 3; attempt++) {
    if (order.status === "PENDING") {
      const won = await orders.update(
        { _id: order._id, status: "PENDING" },
        { status: "PAID", paidAt, transactionId: txid, timeline: cmd().push(timelineEntry(deps.now(), "PAID", "支付成功")) },
      );
      if (won === 1) {
        logDecision({ ...log, decision: "APPLIED", orderId: order._id, outTradeNo: order.outTradeNo, transactionId: txid });
        return { decision: "APPLIED", order: { ...order, status: "PAID", paidAt, transactionId: txid } };
      }
      const fresh = await orders.get(order._id);
      if (!fresh) break;
      order = fresh;
      continue;
    }
    if (order.status === "CLOSED") return refundClosedOrder(order, txid, deps, log);
    // PAID, PARTIALLY_REFUNDED, REFUNDED: already applied if it is the same transaction.
    if (order.transactionId === txid) {
      logDecision({ ...log, decision: "ALREADY_APPLIED", orderId: order._id, outTradeNo: order.outTradeNo });
      return { decision: "ALREADY_APPLIED", order };
    }
    logDecision({ ...log, decision: "REJECTED_MISMATCH", orderId: order._id, outTradeNo: order.outTradeNo, detail: "transaction_id" });
    return { decision: "REJECTED_MISMATCH", detail: "transaction_id", order };
  }
  throw new Error("order changed during settlement");
}

/** The payer paid an order we had closed (seats released): record it and give the money back. */
async function refundClosedOrder(order: OrderDoc, txid: string, deps: PaymentDeps, log: LogContext): Promise<Settled> {
  const refundId = autoRefundIdFor(txid);
  if (!order.transactionId) {
    await orders.update({ _id: order._id, status: "CLOSED", transactionId: cmd().exists(false) }, {
      transactionId: txid,
      timeline: cmd().push(timelineEntry(deps.now(), "CLOSED", "订单关闭后收到付款，自动全额退款")),
    });
  }
  const refund = await createAndSubmitRefund(
    { ...order, transactionId: txid },
    { refundId, amount: order.amount, reason: "订单已关闭，自动退款", automatic: true, openid: order.openid },
    deps,
    log,
  );
  logDecision({ ...log, decision: "REFUNDED_CLOSED_ORDER", orderId: order._id, outTradeNo: order.outTradeNo, outRefundNo: outRefundNoFor(refundId), refundStatus: refund.status });
  return { decision: "REFUNDED_CLOSED_ORDER", order };
}

/** PENDING → CLOSED here, then the seats go back. Only after WeChat Pay confirmed the close
 *  (or the order never reached it). */
export async function closeLocally(order: OrderDoc, note: string, deps: PaymentDeps, log: LogContext): Promise<boolean> {
  const at = deps.now();
  const won = await orders.update({ _id: order._id, status: "PENDING" }, { status: "CLOSED", closedAt: at, timeline: cmd().push(timelineEntry(at, "CLOSED", note)) });
  if (won === 1) {
    await releaseSeats(order);
    logDecision({ ...log, decision: "CLOSED", orderId: order._id, outTradeNo: order.outTradeNo, note });
  }
  return won === 1;
}

/** Closes an expired order at WeChat Pay first, then here. Any answer but a plain success is settled
 *  by asking WeChat Pay what the order is (a close refused with ORDERPAID means it was paid). */
export async function closeExpired(order: OrderDoc, deps: PaymentDeps, log: LogContext): Promise<"closed" | "paid" | "retry"> {
  const gw = await deps.gateway();
  const res = await gw.close(order.outTradeNo);
  if (res.kind === "ok" || (res.kind === "business_error" && res.code === "ORDER_NOT_EXIST")) {
    await closeLocally(order, "超时未支付，订单关闭", deps, log);
    return "closed";
  }
  const q = await gw.queryByOutTradeNo(order.outTradeNo);
  if (q.kind === "ok") {
    const state = q.value.tradeState;
    if (state === "SUCCESS" || state === "REFUND") {
      const s = await applyPaid(order, { ...q.value, tradeState: "SUCCESS" }, deps, { ...log, requestId: q.requestId });
      if (s.decision === "APPLIED" || s.decision === "ALREADY_APPLIED") return "paid";
    } else if (state === "CLOSED" || state === "REVOKED") {
      await closeLocally(order, "超时未支付，订单关闭", deps, log);
      return "closed";
    }
  } else if (q.kind === "business_error" && q.code === "ORDER_NOT_EXIST") {
    await closeLocally(order, "超时未支付，订单关闭", deps, log);
    return "closed";
  }
  logDecision({ ...log, decision: "CLOSE_DEFERRED", orderId: order._id, outTradeNo: order.outTradeNo, result: res.kind === "business_error" ? res.code : res.kind, requestId: "requestId" in res ? res.requestId : undefined });
  return "retry";
}
