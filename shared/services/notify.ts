// payNotify: raw HTTP event in, verified notification, decision under compare-and-set, every
// delivery recorded, and the answer WeChat Pay expects (204 = received; 4xx/5xx = send again).
import { orderIdFromOutTradeNo, refundIdFromOutRefundNo } from "../orders/ids";
import { failAnswer, noContent, type HttpAnswer, type HttpEvent } from "../runtime/http";
import { logDecision, logError, type LogContext } from "../runtime/log";
import type { EventDecision, PaymentEventDoc } from "../store/model";
import { orders, paymentEvents, refunds } from "../store/repos";
import type { NotificationParser, PaymentNotification } from "../wechatpay/types";
import type { PaymentDeps } from "./deps";
import { applyRefundOutcome } from "./refunds";
import { applyPaid } from "./settlement";

const FN = "payNotify";
type Record_ = Omit<PaymentEventDoc, "_id" | "source" | "at">;

export async function handleNotification(event: HttpEvent, parser: NotificationParser, deps: PaymentDeps): Promise<HttpAnswer> {
  if ((event.httpMethod ?? "").toUpperCase() !== "POST") return failAnswer(405, "method not allowed");
  const parsed = await parser.parse({ headers: event.headers ?? {}, body: event.body ?? "", isBase64Encoded: event.isBase64Encoded === true });
  const requestId = header(event, "request-id");
  if (!parsed.ok) {
    logDecision({ fn: FN, decision: "REJECTED_VERIFICATION", code: parsed.code, requestId });
    return answerWith({ decision: "REJECTED_VERIFICATION", detail: parsed.code, requestId, httpStatus: 401 }, failAnswer(401, parsed.message), deps);
  }
  const n = parsed.event;
  const base = { notificationId: n.id, eventType: n.eventType, serial: n.serial, ...(n.requestId ?? requestId ? { requestId: n.requestId ?? requestId } : {}) };
  try {
    const outcome = await decide(n, deps);
    const ok = outcome.decision === "APPLIED" || outcome.decision === "ALREADY_APPLIED" || outcome.decision === "REFUNDED_CLOSED_ORDER";
    const httpStatus = ok ? 204 : 400;
    return answerWith({ ...base, ...outcome, httpStatus }, ok ? noContent() : failAnswer(400, outcome.detail ?? outcome.decision), deps);
  } catch (e) {
    logError(FN, e, { notificationId: n.id });
    return answerWith({ ...base, decision: "STORAGE_ERROR", httpStatus: 500 }, failAnswer(500, "storage error"), deps);
  }
}

type Outcome = { decision: EventDecision; detail?: string; orderId?: string; outTradeNo?: string; outRefundNo?: string; transactionId?: string };

async function decide(n: PaymentNotification, deps: PaymentDeps): Promise<Outcome> {
  const log: LogContext = { fn: FN, notificationId: n.id, requestId: n.requestId };
  if (n.eventType === "TRANSACTION.SUCCESS") {
    const tx = n.transaction;
    const orderId = orderIdFromOutTradeNo(tx.outTradeNo);
    const order = orderId ? await orders.get(orderId) : undefined;
    const ids = { outTradeNo: tx.outTradeNo, ...(tx.transactionId ? { transactionId: tx.transactionId } : {}) };
    if (!order) {
      logDecision({ ...log, decision: "UNKNOWN_ORDER", outTradeNo: tx.outTradeNo });
      return { decision: "UNKNOWN_ORDER", ...ids };
    }
    const settled = await applyPaid(order, tx, deps, log);
    return { decision: settled.decision, ...(settled.detail ? { detail: settled.detail } : {}), orderId: order._id, ...ids };
  }
  const r = n.refund;
  const refundId = refundIdFromOutRefundNo(r.outRefundNo);
  const doc = refundId ? await refunds.get(refundId) : undefined;
  if (!doc) {
    logDecision({ ...log, decision: "UNKNOWN_ORDER", outRefundNo: r.outRefundNo });
    return { decision: "UNKNOWN_ORDER", outRefundNo: r.outRefundNo, outTradeNo: r.outTradeNo };
  }
  const before = doc.status;
  const after = await applyRefundOutcome(doc, r, deps, log);
  let decision: EventDecision;
  if (after.status !== r.status) decision = "REJECTED_MISMATCH"; // e.g. SUCCESS for a refund we hold as CLOSED
  else if (before === r.status) decision = "ALREADY_APPLIED";
  else decision = "APPLIED";
  return { decision, orderId: doc.orderId, outTradeNo: doc.outTradeNo, outRefundNo: doc.outRefundNo };
}

async function answerWith(rec: Record_ & { httpStatus: number }, answer: HttpAnswer, deps: PaymentDeps): Promise<HttpAnswer> {
  try {
    await paymentEvents.append({ source: "notification", at: deps.now(), ...rec });
  } catch (e) {
    // Not even the record could be stored: make WeChat Pay send it again.
    logError(FN, e, { decision: rec.decision });
    return failAnswer(500, "storage error");
  }
  return answer;
}

function header(event: HttpEvent, name: string): string | undefined {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name) return v ?? undefined;
  return undefined;
}
