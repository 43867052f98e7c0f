// Refunds. The refund document is written first (its id comes from the request's token, so a
// repeat finds it), then its amount is reserved on the order by one keyed conditional increment, so
// concurrent refunds can never add up to more than was paid — and a 退票 moves its tickets
// ISSUED → REFUNDING in that same write, so one ticket is never returned twice —, then WeChat Pay
// is asked. A crash after any step leaves a CREATED refund that the sweeper finishes (followRefund).
import type { OrderStatus, RefundResult } from "../contracts/api";
import { AppError } from "../errors";
import { fenToYuanString } from "../money";
import { outRefundNoFor, ticketIndexOf } from "../orders/ids";
import type { TicketRefund } from "../orders/refund-fee";
import {
  IllegalTransition,
  OPEN_REFUND_STATES,
  type Plan,
  planOrder,
  planRefund,
  ticketChangesAt,
  type TicketMove,
} from "../orders/state-machine";
import { logDecision, type LogContext } from "../runtime/log";
import type { OrderDoc, RefundDoc } from "../store/model";
import type { RefundRecord } from "../wechatpay/types";
import { refusalLogFields } from "../wechatpay/config-refusals";
import type { PaymentDeps, StoreDeps } from "./deps";
import { messageData, sendNotice } from "./notices";
import { releaseSeats } from "./seats";
import { type Applied, applyOrder, applyRefund } from "./transition";
import { failureReason, publicRefundStatus } from "./views";

const REFUNDABLE = ["PAID", "PARTIALLY_REFUNDED"] as const;

export const refundResult = (r: RefundDoc): RefundResult => ({
  refundId: r._id,
  outRefundNo: r.outRefundNo,
  amount: r.amount,
  fee: r.fee ?? 0,
  status: publicRefundStatus(r.status),
  ...(failureReason(r) ? { failureReason: failureReason(r) } : {}),
});

export interface NewRefund {
  refundId: string;
  /** What goes back to the payer; for 退票 the sum of the tickets' refundAmount. */
  amount: number;
  reason: string;
  automatic: boolean;
  openid: string;
  /** 退票: the tickets it returns, each with its fee and refund. Absent: money only (operators). */
  tickets?: TicketRefund[];
}

/** Records, reserves and submits one refund. The same request again answers the refund it made.
 *  Operators' refunds (amount only) come through here too (the ops console calls it directly). */
export async function createAndSubmitRefund(deps: PaymentDeps, order: OrderDoc, req: NewRefund, log: LogContext): Promise<RefundDoc> {
  const doc: RefundDoc = {
    _id: req.refundId,
    outRefundNo: outRefundNoFor(req.refundId),
    orderId: order._id,
    outTradeNo: order.outTradeNo,
    openid: req.openid,
    amount: req.amount,
    ...(req.tickets ? { tickets: req.tickets, fee: req.tickets.reduce((a, t) => a + t.fee, 0) } : {}),
    reason: req.reason,
    status: "CREATED",
    automatic: req.automatic,
    reservationHeld: true,
    createdAt: deps.now(),
    checkedAt: 0,
  };
  if ((await deps.db.refunds.insert(doc)) === "duplicate") return (await deps.db.refunds.get(req.refundId)) ?? doc;
  const r = await reserve(deps, doc, order.amount);
  if (r !== "reserved") {
    await refuse(deps, doc, r === "tickets" ? "TICKET_STATE" : "REFUND_EXCEEDED", log);
    if (r === "tickets") throw new AppError("ORDER_STATE", "车票已在退票中或已退票", { orderId: order._id });
    throw new AppError("REFUND_EXCEEDED", "退款金额超过可退金额");
  }
  return submitRefund(deps, doc, order.amount, log);
}

/** The tickets of a 退票 by their position in the order. */
function ticketsOf(doc: RefundDoc): { index: number; ticketId: string }[] {
  return (doc.tickets ?? []).map((t) => {
    const index = ticketIndexOf(doc.orderId, t.ticketId);
    if (index === undefined) throw new IllegalTransition("ticket", "return", "unknown", t.ticketId);
    return { index, ticketId: t.ticketId };
  });
}

/** Reserves the refund's amount on its order, keyed by refund id, and moves its tickets to
 *  REFUNDING in the same write. "tickets" when a ticket is not ISSUED (returned by another refund). */
export async function reserve(deps: StoreDeps, doc: RefundDoc, orderAmount: number): Promise<"reserved" | "exceeded" | "tickets"> {
  const key = `refundReservations.${doc._id}`;
  const byId = new Map((doc.tickets ?? []).map((t) => [t.ticketId, t]));
  const moved = ticketChangesAt(ticketsOf(doc), {
    event: "return",
    set: (id) => ({ refundId: doc._id, refundFee: byId.get(id)!.fee, refundAmount: byId.get(id)!.refundAmount }),
  });
  const won = await deps.db.orders.update(
    {
      _id: doc.orderId,
      status: doc.automatic ? "CLOSED" : { $in: [...REFUNDABLE] },
      refundReserved: { $lte: orderAmount - doc.amount },
      [key]: { $exists: false },
      ...moved.guard,
    },
    { $inc: { refundReserved: doc.amount }, $set: { [key]: doc.amount, ...moved.set } },
  );
  if (won === 1) return "reserved";
  const fresh = await deps.db.orders.get(doc.orderId);
  if (fresh?.refundReservations?.[doc._id] === doc.amount) return "reserved";
  const ticketsFree = ticketsOf(doc).every(({ index }) => fresh?.tickets?.[index]?.status === "ISSUED");
  return ticketsFree ? "exceeded" : "tickets";
}

/** Gives a refund's reservation back (refused or closed) and its tickets stand again (REFUNDING →
 *  ISSUED, same write): keyed, so once whoever calls it; then the refund records that it holds
 *  none. A crash in between is finished by the sweeper. */
export async function releaseReservation(deps: StoreDeps, doc: RefundDoc): Promise<void> {
  const key = `refundReservations.${doc._id}`;
  const restored = ticketChangesAt(ticketsOf(doc), { event: "restore", unset: ["refundId", "refundFee", "refundAmount"] });
  const ticketGuard = Object.fromEntries(ticketsOf(doc).map(({ index }) => [`tickets.${index}.refundId`, doc._id]));
  await deps.db.orders.update(
    { _id: doc.orderId, [key]: { $exists: true }, ...restored.guard, ...ticketGuard },
    {
      $inc: { refundReserved: -doc.amount },
      $unset: { [key]: true, ...Object.fromEntries(restored.unset.map((k) => [k, true as const])) },
      ...(Object.keys(restored.set).length ? { $set: restored.set } : {}),
    },
  );
  await deps.db.refunds.update({ _id: doc._id, reservationHeld: true }, { $set: { reservationHeld: false } });
  if (!doc.tickets && !doc.automatic) await settleIfNothingLeft(deps, doc.orderId);
}

/** Every ticket was returned while an operator's refund was in flight; that refund ended without
 *  money: nothing is left on the order, which is REFUNDED now. */
async function settleIfNothingLeft(deps: StoreDeps, orderId: string): Promise<void> {
  const order = await deps.db.orders.get(orderId);
  const tickets = order?.tickets ?? [];
  if (order?.status !== "PARTIALLY_REFUNDED" || tickets.length === 0 || tickets.some((t) => t.status !== "REFUNDED")) return;
  if (order.refundReserved !== order.refundedAmount) return; // another refund is still in flight: its credit decides
  await applyOrder(
    deps,
    order,
    planOrder(order, "refundsSettled", deps.now(), "退款已结清", {
      guard: { refundReserved: order.refundReserved, refundedAmount: order.refundedAmount },
    }),
  );
}

/** CREATED → FAILED, then the reservation goes back. */
async function refuse(
  deps: StoreDeps,
  doc: RefundDoc,
  code: string,
  log: LogContext,
  fields: Record<string, string> = { code },
): Promise<void> {
  const r = await applyRefund(deps, doc, planRefund(doc, "refuse", { set: { failure: code } }));
  if (r.outcome !== "conflict") await releaseReservation(deps, doc);
  logDecision({ ...log, decision: "REFUND_REFUSED", orderId: doc.orderId, outRefundNo: doc.outRefundNo, ...fields });
}

/** Sends (or re-sends: out_refund_no makes it idempotent) a CREATED refund to WeChat Pay. */
export async function submitRefund(deps: PaymentDeps, doc: RefundDoc, total: number, log: LogContext): Promise<RefundDoc> {
  const gw = await deps.gateway();
  const res = await gw.refund({ outTradeNo: doc.outTradeNo, outRefundNo: doc.outRefundNo, reason: doc.reason, refund: doc.amount, total });
  if (res.kind === "ok")
    return applyRefundOutcome(deps, doc, res.value, { ...log, ...(res.requestId ? { requestId: res.requestId } : {}) });
  if (res.kind === "business_error" || res.kind === "config_error") {
    const code = res.kind === "business_error" ? res.code : "CONFIG";
    if (doc.automatic) {
      // The payer's money must go back: an automatic refund stays CREATED (reserved) and the sweeper
      // sends it again with the same out_refund_no until WeChat Pay takes it.
      await deps.db.refunds.update(
        { _id: doc._id, status: "CREATED" },
        { $set: { failure: code, checkedAt: deps.now() }, $inc: { refusals: 1 } },
      );
      logDecision({
        ...log,
        decision: "AUTO_REFUND_REFUSED_WILL_RETRY",
        orderId: doc.orderId,
        outRefundNo: doc.outRefundNo,
        ...refusalLogFields(res),
      });
      return { ...doc, failure: code, refusals: (doc.refusals ?? 0) + 1 };
    }
    // Refused (a WeChat Pay 4xx, or our own configuration): nothing was refunded.
    await refuse(deps, doc, code, log, refusalLogFields(res));
    throw new AppError("PAYMENT_FAILED", res.kind === "business_error" ? `退款失败：${res.message}` : "支付配置有误，请联系客服");
  }
  // Outcome unknown: stays CREATED; the sweeper queries and, if WeChat Pay never got it, resubmits.
  logDecision({
    ...log,
    decision: "REFUND_UNKNOWN",
    orderId: doc.orderId,
    outRefundNo: doc.outRefundNo,
    reason: res.reason,
    requestId: res.requestId,
  });
  return doc;
}

/** Moves a refund to what WeChat Pay says, and the order with it. Idempotent, and safe to repeat
 *  after a crash at any point: the order's side is done first and keyed by refund id. */
export async function applyRefundOutcome(
  deps: StoreDeps,
  doc: RefundDoc,
  rec: Pick<RefundRecord, "status" | "refundId" | "successTime" | "amount">,
  log: LogContext,
): Promise<RefundDoc> {
  if (rec.amount.refund !== doc.amount) {
    logDecision({ ...log, decision: "REFUND_MISMATCH", orderId: doc.orderId, outRefundNo: doc.outRefundNo });
    return doc;
  }
  if (rec.status === doc.status || !OPEN_REFUND_STATES.includes(doc.status)) return doc;
  const at = deps.now();
  const wx = { wxRefundId: rec.refundId };
  let result: Applied<RefundDoc>;
  switch (rec.status) {
    case "PROCESSING":
      result = await applyRefund(deps, doc, planRefund(doc, "accept", { set: wx }));
      break;
    case "ABNORMAL":
      // The money did not reach the payer (closed card…): it stays reserved until it does.
      result = await applyRefund(deps, doc, planRefund(doc, "abnormal", { set: wx }));
      break;
    case "SUCCESS": {
      const order = await creditOrder(deps, doc, log);
      const succeededAt = rec.successTime ? Date.parse(rec.successTime) || at : at;
      result = await applyRefund(deps, doc, planRefund(doc, "succeed", { set: { ...wx, succeededAt } }));
      // This compare-and-set made it SUCCESS: its caller alone sends 退款到账, then records it.
      if (result.outcome === "applied" && order) await noticeRefund(deps, order, result.doc, succeededAt, log);
      break;
    }
    case "CLOSED":
      result = await applyRefund(deps, doc, planRefund(doc, "close", { set: wx }));
      if (result.outcome === "applied") await releaseReservation(deps, doc);
      break;
  }
  if (result.outcome === "applied")
    logDecision({
      ...log,
      decision: `REFUND_${rec.status}`,
      orderId: doc.orderId,
      outTradeNo: doc.outTradeNo,
      outRefundNo: doc.outRefundNo,
    });
  return result.doc ?? doc;
}

async function noticeRefund(deps: StoreDeps, order: OrderDoc, refund: RefundDoc, at: number, log: LogContext): Promise<void> {
  if (!deps.messages || !(order.subscribe ?? []).includes("refundSuccess")) return;
  // One acceptance allows one message: the order's first refund to succeed claims it (another
  // refund of the order, at once or later, finds it claimed). A failed claim sends nothing.
  let claimed = 0;
  try {
    claimed = await deps.db.orders.update({ _id: order._id, refundNoticeBy: { $exists: false } }, { $set: { refundNoticeBy: refund._id } });
  } catch {
    return;
  }
  if (claimed !== 1) return;
  const notice = await sendNotice(deps, "refundSuccess", order, messageData.refundSuccess(order, refund, at), log);
  if (!notice) return;
  try {
    await deps.db.refunds.update({ _id: refund._id }, { $set: { notice } });
  } catch {
    // Only a record of what was sent: the refund itself is done.
  }
}

/** Adds a successful refund to the order once (keyed by refund id) and moves it to
 *  PARTIALLY_REFUNDED or REFUNDED (a closed order's automatic refund leaves it CLOSED); a 退票's
 *  tickets become REFUNDED in the same write and their seats go back. The order is REFUNDED when
 *  no ticket is left and no other refund is in flight, or (an operator's refund) nothing paid is left. */
async function creditOrder(deps: StoreDeps, doc: RefundDoc, log: LogContext): Promise<OrderDoc | undefined> {
  const key = `refundCredits.${doc._id}`;
  const ticketIds = (doc.tickets ?? []).map((t) => t.ticketId);
  for (let attempt = 0; attempt < 8; attempt++) {
    const order = await deps.db.orders.get(doc.orderId);
    if (!order || order.refundCredits?.[doc._id] !== undefined) return order;
    const refunded = order.refundedAmount + doc.amount;
    const tickets = order.tickets ?? [];
    const note =
      ticketIds.length > 0
        ? `退票 ${ticketIds.length} 张，退款 ${fenToYuanString(doc.amount)} 元到账`
        : `退款 ${fenToYuanString(doc.amount)} 元到账`;
    // The write holds only while the order is as read: what is credited, what is reserved (an
    // operator's refund reserved or given back meanwhile changes whether this is the last refund in
    // flight) and every ticket's status. Anything else moved: read again and decide again.
    const opts = {
      set: { refundedAmount: refunded, [key]: doc.amount },
      guard: {
        refundedAmount: order.refundedAmount,
        refundReserved: order.refundReserved,
        [key]: { $exists: false },
        ...Object.fromEntries(tickets.map((t, i) => [`tickets.${i}.status`, t.status])),
      },
    };
    let plan: Plan<OrderStatus>;
    if (order.status === "CLOSED") plan = planOrder(order, "creditAutoRefund", deps.now(), note, opts);
    else {
      const left = tickets.filter((t) => !ticketIds.includes(t.ticketId) && t.status !== "REFUNDED" && t.status !== "CANCELLED");
      // No ticket left, and no other refund (an operator's) still in flight on this order.
      const lastTicket = tickets.length > 0 && left.length === 0 && refunded === order.refundReserved;
      const whole = refunded >= order.amount || lastTicket;
      const moves: TicketMove[] = [];
      if (ticketIds.length > 0) moves.push({ event: "refund", ticketIds });
      // Nothing paid is left (an operator's refund): no ticket can be used.
      if (whole && left.some((t) => t.status === "ISSUED"))
        moves.push({ event: "refundWhole", ticketIds: left.filter((t) => t.status === "ISSUED").map((t) => t.ticketId) });
      plan = planOrder(order, "creditRefund", deps.now(), note, { ...opts, to: whole ? "REFUNDED" : "PARTIALLY_REFUNDED", tickets: moves });
    }
    const r = await applyOrder(deps, order, plan);
    if (r.outcome === "applied") {
      if (plan.to === "REFUNDED") await releaseSeats(deps, order);
      else if (ticketIds.length > 0) await releaseSeats(deps, order, ticketIds);
      return r.doc;
    }
  }
  logDecision({ ...log, decision: "REFUND_CREDIT_CONTENDED", orderId: doc.orderId, outRefundNo: doc.outRefundNo });
  throw new Error("order contended while crediting a refund");
}
