// Order transitions driven by WeChat Pay's answers: paid, closed, and the refund of a payment that
// arrived for an order already closed. Each goes through the state machine as a compare-and-set.
import { autoRefundIdFor, outRefundNoFor } from "../orders/ids";
import { planOrder } from "../orders/state-machine";
import { logDecision, type LogContext } from "../runtime/log";
import type { EventDecision, OrderDoc } from "../store/model";
import type { Transaction } from "../wechatpay/types";
import type { PaymentDeps, StoreDeps } from "./deps";
import { messageData, noticeText, sendNotice } from "./notices";
import { createAndSubmitRefund } from "./refunds";
import { releaseBookingSlot } from "./fair-use";
import { releaseSeats } from "./seats";
import { applyOrder } from "./transition";

export interface Settled {
  decision: EventDecision;
  detail?: string;
  order: OrderDoc;
  /** The 出票成功 message this call sent (only the call that applied the payment sends it). */
  notice?: string;
}

/** Why a verified transaction does not belong to this order, or undefined when it does. */
export function mismatchOf(order: OrderDoc, tx: Transaction, merchant: PaymentDeps["merchant"]): string | undefined {
  if (tx.mchid !== merchant.mchid) return "mchid";
  if (tx.appid !== merchant.appid) return "appid";
  if (tx.outTradeNo !== order.outTradeNo) return "out_trade_no";
  if (tx.amount.total !== order.amount) return `amount ${tx.amount.total} != ${order.amount}`;
  if (tx.amount.currency !== "CNY") return "currency";
  return undefined;
}

/** Applies a verified SUCCESS transaction to its order; safe to call any number of times. */
export async function applyPaid(deps: PaymentDeps, order: OrderDoc, tx: Transaction, log: LogContext): Promise<Settled> {
  const ids = { ...log, orderId: order._id, outTradeNo: order.outTradeNo };
  const mismatch = mismatchOf(order, tx, deps.merchant);
  if (mismatch || tx.tradeState !== "SUCCESS" || !tx.transactionId) {
    const detail = mismatch ?? `trade_state ${tx.tradeState}`;
    logDecision({ ...ids, decision: "REJECTED_MISMATCH", detail });
    return { decision: "REJECTED_MISMATCH", detail, order };
  }
  const txid = tx.transactionId;
  const paidAt = tx.successTime ? Date.parse(tx.successTime) || deps.now() : deps.now();
  if (order.status === "PENDING") {
    const r = await applyOrder(deps, order, planOrder(order, "pay", deps.now(), "支付成功", { set: { paidAt, transactionId: txid } }));
    if (r.outcome === "applied") {
      logDecision({ ...ids, decision: "APPLIED", transactionId: txid });
      // This compare-and-set made the payment: its caller alone sends 出票成功 (once however often
      // the payment is reported). The outcome goes into the caller's event record: no extra write.
      const notice = await sendNotice(deps, "ticketIssued", r.doc, messageData.ticketIssued(r.doc), log);
      return { decision: "APPLIED", order: r.doc, ...(notice ? { notice: noticeText(notice) } : {}) };
    }
    if (!r.doc) throw new Error("order vanished during settlement");
    order = r.doc; // closed meanwhile, or paid by a twin delivery: decided below
  }
  if (order.status === "CLOSED") return refundClosedOrder(deps, order, txid, log);
  if (order.status === "PENDING") throw new Error("order still PENDING after a lost compare-and-set");
  // PAID, PARTIALLY_REFUNDED, REFUNDED: already applied if it is the same transaction.
  if (order.transactionId === txid) {
    logDecision({ ...ids, decision: "ALREADY_APPLIED" });
    return { decision: "ALREADY_APPLIED", order };
  }
  logDecision({ ...ids, decision: "REJECTED_MISMATCH", detail: "transaction_id" });
  return { decision: "REJECTED_MISMATCH", detail: "transaction_id", order };
}

/** The payer paid an order we had closed (seats released): record it and give the money back.
 *  The refund's id comes from the transaction, so it is made once however often this runs. */
async function refundClosedOrder(deps: PaymentDeps, order: OrderDoc, txid: string, log: LogContext): Promise<Settled> {
  if (!order.transactionId) {
    const r = await applyOrder(
      deps,
      order,
      planOrder(order, "latePayment", deps.now(), "订单关闭后收到付款，自动全额退款", {
        set: { transactionId: txid },
        guard: { transactionId: { $exists: false } },
      }),
    );
    if (r.doc) order = r.doc;
  }
  if (order.transactionId !== txid) {
    // A second, different payment for the same closed order: not ours to guess; reconciliation shows it.
    logDecision({
      ...log,
      decision: "REJECTED_MISMATCH",
      orderId: order._id,
      outTradeNo: order.outTradeNo,
      detail: "second transaction on a closed order",
    });
    return { decision: "REJECTED_MISMATCH", detail: "transaction_id", order };
  }
  const refund = await startAutoRefund(deps, order, log);
  logDecision({
    ...log,
    decision: "REFUNDED_CLOSED_ORDER",
    orderId: order._id,
    outTradeNo: order.outTradeNo,
    outRefundNo: outRefundNoFor(refund._id),
    refundStatus: refund.status,
  });
  return { decision: "REFUNDED_CLOSED_ORDER", order };
}

/** The automatic full refund of a closed order's payment (order.transactionId set). One per
 *  transaction; when WeChat Pay closed it (the money could not go back that way), the next one — its
 *  id counts the closed ones, so concurrent callers agree on it. */
export async function startAutoRefund(deps: PaymentDeps, order: OrderDoc, log: LogContext) {
  const txid = order.transactionId as string;
  const closed = (await deps.db.refunds.find({ orderId: order._id, status: "CLOSED" }, { limit: 20 })).filter((r) => r.automatic).length;
  const refundId = autoRefundIdFor(closed === 0 ? txid : `${txid}|${closed}`);
  return createAndSubmitRefund(
    deps,
    order,
    { refundId, amount: order.amount, reason: "订单已关闭，自动退款", automatic: true, openid: order.openid },
    log,
  );
}

/** PENDING → CLOSED here (its tickets CANCELLED in the same write), then the seats go back —
 *  whoever closed it: a caller that finds it closed may hold seats taken after the closer released —
 *  and the user's booking slot. Only after WeChat Pay confirmed the close (or the order never reached
 *  it). True when this call closed it. */
export async function closeLocally(
  deps: StoreDeps,
  order: OrderDoc,
  note: string,
  log: LogContext,
  guard: Record<string, unknown> = {},
  event: "close" | "cancel" = "close",
): Promise<{ closed: boolean; order: OrderDoc | undefined }> {
  const r = await applyOrder(deps, order, planOrder(order, event, deps.now(), note, { set: { closedAt: deps.now() }, guard }));
  const now = r.outcome === "applied" ? { ...r.doc, status: "CLOSED" as const } : r.doc;
  if (now?.status === "CLOSED") {
    await releaseSeats(deps, now);
    await releaseBookingSlot(deps, now.openid, now._id);
  }
  if (r.outcome === "applied") logDecision({ ...log, decision: "CLOSED", orderId: order._id, outTradeNo: order.outTradeNo, note });
  return { closed: r.outcome === "applied", order: now };
}
