// Applies a verified WeChat Pay notification: knows nothing of HTTP. The decision is recorded in
// payment_events (one record per verified delivery) and returned; the edge turns it into 204/4xx/5xx.
import { orderIdFromOutTradeNo, refundIdFromOutRefundNo } from "../orders/ids";
import { logDecision, type LogContext } from "../runtime/log";
import type { EventDecision } from "../store/model";
import type { PaymentNotification } from "../wechatpay/types";
import type { PaymentDeps } from "./deps";
import { recordEvent, type EventRecord } from "./events";
import { applyRefundOutcome } from "./refunds";
import { applyPaid } from "./settlement";

const FN = "payNotify";

export interface NotificationOutcome {
  decision: EventDecision;
  detail?: string;
}

/** Decisions WeChat Pay must not send again. The rest (mismatch, unknown order) are answered as
 *  failures so the merchant platform shows them and WeChat Pay retries while someone looks. */
export const ACKNOWLEDGED: readonly EventDecision[] = ["APPLIED", "ALREADY_APPLIED", "REFUNDED_CLOSED_ORDER", "IGNORED"];

export async function applyNotification(deps: PaymentDeps, n: PaymentNotification): Promise<NotificationOutcome> {
  const log: LogContext = { fn: FN, notificationId: n.id, ...(n.requestId ? { requestId: n.requestId } : {}) };
  const base: EventRecord = {
    decision: "IGNORED",
    notificationId: n.id,
    eventType: n.eventType === "UNHANDLED" ? n.rawEventType : n.eventType,
    serial: n.serial,
    ...(n.requestId ? { requestId: n.requestId } : {}),
  };
  let rec: EventRecord;
  try {
    rec = { ...base, ...(await decide(deps, n, log)) };
  } catch (e) {
    // Recorded, then thrown: the edge answers 500 and WeChat Pay sends it again.
    await recordEvent(deps, "notification", { ...base, decision: "STORAGE_ERROR", httpStatus: 500 }).catch(() => undefined);
    throw e;
  }
  const ok = ACKNOWLEDGED.includes(rec.decision);
  await recordEvent(deps, "notification", { ...rec, httpStatus: ok ? 204 : 400 });
  return { decision: rec.decision, ...(rec.detail ? { detail: rec.detail } : {}) };
}

async function decide(
  deps: PaymentDeps,
  n: PaymentNotification,
  log: LogContext,
): Promise<Partial<EventRecord> & { decision: EventDecision }> {
  if (n.eventType === "UNHANDLED") {
    logDecision({ ...log, decision: "IGNORED", eventType: n.rawEventType });
    return { decision: "IGNORED" };
  }
  if (n.eventType === "TRANSACTION.SUCCESS") {
    const tx = n.transaction;
    const orderId = orderIdFromOutTradeNo(tx.outTradeNo);
    const order = orderId ? await deps.db.orders.get(orderId) : undefined;
    const ids = { outTradeNo: tx.outTradeNo, ...(tx.transactionId ? { transactionId: tx.transactionId } : {}) };
    if (!order) {
      logDecision({ ...log, decision: "UNKNOWN_ORDER", outTradeNo: tx.outTradeNo });
      return { decision: "UNKNOWN_ORDER", ...ids };
    }
    const settled = await applyPaid(deps, order, tx, log);
    return {
      decision: settled.decision,
      ...(settled.detail ? { detail: settled.detail } : {}),
      ...(settled.notice ? { notice: settled.notice } : {}),
      orderId: order._id,
      ...ids,
    };
  }
  const r = n.refund;
  const refundId = refundIdFromOutRefundNo(r.outRefundNo);
  const doc = refundId ? await deps.db.refunds.get(refundId) : undefined;
  if (!doc) {
    logDecision({ ...log, decision: "UNKNOWN_ORDER", outRefundNo: r.outRefundNo });
    return { decision: "UNKNOWN_ORDER", outRefundNo: r.outRefundNo, outTradeNo: r.outTradeNo };
  }
  const before = doc.status;
  const after = await applyRefundOutcome(deps, doc, r, log);
  let decision: EventDecision;
  if (after.status !== r.status)
    decision = "REJECTED_MISMATCH"; // e.g. SUCCESS for a refund we hold as CLOSED
  else if (before === r.status) decision = "ALREADY_APPLIED";
  else decision = "APPLIED";
  return { decision, orderId: doc.orderId, outTradeNo: doc.outTradeNo, outRefundNo: doc.outRefundNo };
}
