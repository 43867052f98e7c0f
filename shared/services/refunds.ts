// Refunds: the amount is reserved on the order by a conditional increment before WeChat Pay is
// asked, so concurrent refunds can never add up to more than was paid.
import type { RefundResult } from "../contracts/api";
import { AppError } from "../errors";
import { fenToYuanString } from "../money";
import { outRefundNoFor } from "../orders/ids";
import { logDecision, type LogContext } from "../runtime/log";
import { cmd } from "../store/db";
import type { OrderDoc, RefundDoc, StoredRefundStatus } from "../store/model";
import { orders, refunds } from "../store/repos";
import { refusalLogFields } from "../wechatpay/config-refusals";
import type { RefundRecord, WxRefundStatus } from "../wechatpay/types";
import type { PaymentDeps } from "./deps";
import { releaseSeats } from "./seats";
import { publicRefundStatus, timelineEntry } from "./views";

const REFUNDABLE = ["PAID", "PARTIALLY_REFUNDED"] as const;

export const refundResult = (r: RefundDoc): RefundResult => ({
  refundId: r._id,
  outRefundNo: r.outRefundNo,
  amount: r.amount,
  status: publicRefundStatus(r.status),
});

interface NewRefund {
  refundId: string;
  amount: number;
  reason: string;
  automatic: boolean;
  openid: string;
}

/** Reserves, records and submits one refund. Throws REFUND_EXCEEDED when the reservation fails.
 *  The reservation is keyed by refund id, so the same request arriving twice at once reserves once. */
export async function createAndSubmitRefund(order: OrderDoc, req: NewRefund, deps: PaymentDeps, log: LogContext): Promise<RefundDoc> {
  const _ = cmd();
  const key = `refundReservations.${req.refundId}`;
  const reserved = await orders.update(
    { _id: order._id, status: req.automatic ? "CLOSED" : _.in([...REFUNDABLE]), refundReserved: _.lte(order.amount - req.amount), [key]: _.exists(false) },
    { refundReserved: _.inc(req.amount), [key]: req.amount },
  );
  if (reserved !== 1) {
    const existing = await refunds.get(req.refundId);
    if (existing) return existing;
    const fresh = await orders.get(order._id);
    // Not reserved by the same request racing us: there is not enough left.
    if (fresh?.refundReservations?.[req.refundId] !== req.amount) throw new AppError("REFUND_EXCEEDED", "退款金额超过可退金额");
  }
  const doc: RefundDoc = {
    _id: req.refundId,
    outRefundNo: outRefundNoFor(req.refundId),
    orderId: order._id,
    outTradeNo: order.outTradeNo,
    openid: req.openid,
    amount: req.amount,
    reason: req.reason,
    status: "CREATED",
    automatic: req.automatic,
    reservationHeld: true,
    createdAt: deps.now(),
    checkedAt: 0,
  };
  // Whoever records it submits it (out_refund_no keeps WeChat Pay's side single).
  if ((await refunds.insert(doc)) === "duplicate") return (await refunds.get(req.refundId)) ?? doc;
  return submitRefund(doc, order.amount, deps, log);
}

/** Gives a refund's reservation back (refused or closed): keyed, so once whoever calls it; then
 *  the refund records that it holds none. A crash in between is finished by the sweeper. */
export async function releaseReservation(doc: RefundDoc): Promise<void> {
  const _ = cmd();
  const key = `refundReservations.${doc._id}`;
  await orders.update({ _id: doc.orderId, [key]: _.exists(true) }, { refundReserved: _.inc(-doc.amount), [key]: _.remove() });
  await refunds.update({ _id: doc._id, reservationHeld: true }, { reservationHeld: false });
}

/** Sends (or re-sends: out_refund_no makes it idempotent) a CREATED refund to WeChat Pay. */
export async function submitRefund(doc: RefundDoc, total: number, deps: PaymentDeps, log: LogContext): Promise<RefundDoc> {
  const gw = await deps.gateway();
  const res = await gw.refund({ outTradeNo: doc.outTradeNo, outRefundNo: doc.outRefundNo, reason: doc.reason, refund: doc.amount, total });
  if (res.kind === "ok") return applyRefundOutcome(doc, res.value, deps, log);
  if (res.kind === "business_error" || res.kind === "config_error") {
    // Refused (a WeChat Pay 4xx, or our own configuration): nothing was refunded. The refund ends
    // FAILED first, then its reservation goes back.
    const code = res.kind === "business_error" ? res.code : "CONFIG";
    if ((await refunds.update({ _id: doc._id, status: "CREATED" }, { status: "FAILED", failure: code })) === 1) await releaseReservation(doc);
    logDecision({ ...log, decision: "REFUND_REFUSED", orderId: doc.orderId, outRefundNo: doc.outRefundNo, ...refusalLogFields(res) });
    throw new AppError("PAYMENT_FAILED", res.kind === "business_error" ? `退款失败：${res.message}` : "支付配置有误，请联系客服");
  }
  // Outcome unknown: stays CREATED; the sweeper queries and, if WeChat Pay never got it, resubmits.
  logDecision({ ...log, decision: "REFUND_UNKNOWN", orderId: doc.orderId, outRefundNo: doc.outRefundNo, reason: res.reason, requestId: res.requestId });
  return doc;
}

/** Statuses a refund can still leave. ABNORMAL is not final: once the merchant has the money
 *  re-routed it goes on to SUCCESS (or CLOSED). */
const OPEN: readonly StoredRefundStatus[] = ["CREATED", "PROCESSING", "ABNORMAL"];

/** Moves a refund to what WeChat Pay says, and the order with it. Idempotent, and safe to repeat
 *  after a crash at any point: the order's side is done first and keyed by refund id. */
export async function applyRefundOutcome(doc: RefundDoc, rec: Pick<RefundRecord, "status" | "refundId" | "successTime" | "amount">, deps: PaymentDeps, log: LogContext): Promise<RefundDoc> {
  const status: WxRefundStatus = rec.status;
  if (rec.amount.refund !== doc.amount) {
    logDecision({ ...log, decision: "REFUND_MISMATCH", orderId: doc.orderId, outRefundNo: doc.outRefundNo });
    return doc;
  }
  if (status === doc.status || !OPEN.includes(doc.status)) return doc;
  const _ = cmd();
  const at = deps.now();
  const ids = { orderId: doc.orderId, outTradeNo: doc.outTradeNo, outRefundNo: doc.outRefundNo };
  let next: RefundDoc;
  switch (status) {
    case "PROCESSING": {
      await refunds.update({ _id: doc._id, status: "CREATED" }, { status, wxRefundId: rec.refundId });
      return { ...doc, status, wxRefundId: rec.refundId };
    }
    case "ABNORMAL": {
      // The money did not reach the payer (closed card…): it stays reserved until it does.
      if ((await refunds.update({ _id: doc._id, status: _.in(["CREATED", "PROCESSING"]) }, { status, wxRefundId: rec.refundId })) !== 1) return (await refunds.get(doc._id)) ?? doc;
      next = { ...doc, status, wxRefundId: rec.refundId };
      break;
    }
    case "SUCCESS": {
      const succeededAt = rec.successTime ? Date.parse(rec.successTime) || at : at;
      await creditOrder(doc, deps, log);
      if ((await refunds.update({ _id: doc._id, status: _.in([...OPEN]) }, { status, wxRefundId: rec.refundId, succeededAt })) !== 1) return (await refunds.get(doc._id)) ?? doc;
      next = { ...doc, status, wxRefundId: rec.refundId, succeededAt };
      break;
    }
    case "CLOSED": {
      if ((await refunds.update({ _id: doc._id, status: _.in([...OPEN]) }, { status, wxRefundId: rec.refundId })) !== 1) return (await refunds.get(doc._id)) ?? doc;
      await releaseReservation(doc);
      next = { ...doc, status, wxRefundId: rec.refundId, reservationHeld: false };
      break;
    }
  }
  logDecision({ ...log, decision: `REFUND_${status}`, ...ids });
  return next;
}

/** Adds a successful refund to the order once (keyed by refund id) and moves it to
 *  PARTIALLY_REFUNDED or REFUNDED. */
async function creditOrder(doc: RefundDoc, deps: PaymentDeps, log: LogContext): Promise<void> {
  const _ = cmd();
  const key = `refundCredits.${doc._id}`;
  for (let attempt = 0; attempt < 8; attempt++) {
    const order = await orders.get(doc.orderId);
    if (!order || order.refundCredits?.[doc._id] !== undefined) return;
    const refunded = order.refundedAmount + doc.amount;
    const closed = order.status === "CLOSED"; // automatic refund of a late payment: stays CLOSED
    const status = closed ? "CLOSED" : refunded >= order.amount ? "REFUNDED" : "PARTIALLY_REFUNDED";
    const won = await orders.update(
      { _id: order._id, status: order.status, refundedAmount: order.refundedAmount, [key]: _.exists(false) },
      { status, refundedAmount: refunded, [key]: doc.amount, timeline: _.push(timelineEntry(deps.now(), status, `退款 ${fenToYuanString(doc.amount)} 元到账`)) },
    );
    if (won === 1) {
      if (status === "REFUNDED") await releaseSeats(order);
      return;
    }
  }
  logDecision({ ...log, decision: "REFUND_CREDIT_CONTENDED", orderId: doc.orderId, outRefundNo: doc.outRefundNo });
  throw new Error("order contended while crediting a refund");
}
