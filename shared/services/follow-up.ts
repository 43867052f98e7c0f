// "Ask WeChat Pay, then apply the answer": one place for the order query (sync, the sweeper's
// quiet orders), the close of an expired order, and the refund follow-up. Unknown answers change
// nothing; the next pass asks again.
import { AppError } from "../errors";
import { planRefund } from "../orders/state-machine";
import { logDecision, type LogContext } from "../runtime/log";
import type { EventSource, OrderDoc, RefundDoc } from "../store/model";
import type { GatewayResult } from "../wechatpay/types";
import type { PaymentDeps, StoreDeps } from "./deps";
import { recordEvent } from "./events";
import { applyRefundOutcome, reserve, submitRefund } from "./refunds";
import { applyPaid, closeLocally, type Settled } from "./settlement";
import { applyRefund } from "./transition";

/** A CREATED refund WeChat Pay does not know is sent again only after any request of ours could
 *  have arrived (the gateway gives up after at most 60 s). */
export const RESUBMIT_AFTER_MS = 2 * 60_000;

const requestIdOf = (r: GatewayResult<unknown>): string | undefined => ("requestId" in r ? r.requestId : undefined);
const resultOf = (r: GatewayResult<unknown>): string => (r.kind === "business_error" ? r.code : r.kind);

/** Claims the right to ask WeChat Pay about a document now: at most once per interval, whoever
 *  else is asking at the same moment (a compare-and-set on checkedAt). */
export async function claimCheck(deps: StoreDeps, coll: "orders" | "refunds", id: string, minIntervalMs: number): Promise<boolean> {
  const now = deps.now();
  return (await deps.db[coll].update({ _id: id, checkedAt: { $lte: now - minIntervalMs } }, { $set: { checkedAt: now } })) === 1;
}

async function paidFromQuery(
  deps: PaymentDeps,
  order: OrderDoc,
  tx: Parameters<typeof applyPaid>[2],
  source: EventSource,
  log: LogContext,
): Promise<Settled> {
  const s = await applyPaid(deps, order, { ...tx, tradeState: "SUCCESS" }, log);
  await recordEvent(deps, source, {
    decision: s.decision,
    ...(s.detail ? { detail: s.detail } : {}),
    ...(s.notice ? { notice: s.notice } : {}),
    orderId: order._id,
    outTradeNo: order.outTradeNo,
    ...(tx.transactionId ? { transactionId: tx.transactionId } : {}),
    ...(log.requestId ? { requestId: log.requestId } : {}),
  });
  return s;
}

/** Asks WeChat Pay about a PENDING order and applies the answer. */
export async function followOrder(deps: PaymentDeps, order: OrderDoc, source: EventSource, log: LogContext): Promise<void> {
  if (order.status !== "PENDING" || !order.prepayId) return;
  await queryAndApply(deps, order, source, log);
}

/** Asks WeChat Pay what the order is and applies it: paid, closed there, or (expired) closed. */
export async function queryAndApply(deps: PaymentDeps, order: OrderDoc, source: EventSource, log: LogContext): Promise<void> {
  const gw = await deps.gateway();
  const q = await gw.queryByOutTradeNo(order.outTradeNo);
  const ctx = { ...log, ...(q.kind !== "config_error" && q.requestId ? { requestId: q.requestId } : {}) };
  if (q.kind === "ok") {
    const state = q.value.tradeState;
    if (state === "SUCCESS" || state === "REFUND") await paidFromQuery(deps, order, q.value, source, ctx);
    else if (state === "CLOSED" || state === "REVOKED") await closeLocally(deps, order, "微信支付已关闭该订单", ctx);
    else if (order.expiresAt <= deps.now()) await closeExpired(deps, order, source, ctx);
    return;
  }
  logDecision({ ...ctx, decision: "QUERY_FAILED", orderId: order._id, outTradeNo: order.outTradeNo, result: resultOf(q) });
}

/** Closes an expired order at WeChat Pay first, then here. Any answer but a plain success is settled
 *  by asking WeChat Pay what the order is (a close refused with ORDERPAID means it was paid). */
export function closeExpired(
  deps: PaymentDeps,
  order: OrderDoc,
  source: EventSource,
  log: LogContext,
): Promise<"closed" | "paid" | "retry"> {
  return closeAtWeChatPay(deps, order, source, log, "close", "超时未支付，订单关闭");
}

/** Closes an unpaid order at WeChat Pay first, then here (`close` on expiry, `cancel` when the
 *  traveller asks). A close WeChat Pay answers with anything but success is settled by asking what
 *  the order is: paid (ORDERPAID) makes it PAID here, closed closes it, anything else is "retry". */
export async function closeAtWeChatPay(
  deps: PaymentDeps,
  order: OrderDoc,
  source: EventSource,
  log: LogContext,
  event: "close" | "cancel",
  note: string,
): Promise<"closed" | "paid" | "retry"> {
  const gw = await deps.gateway();
  const res = await gw.close(order.outTradeNo);
  if (res.kind === "ok" || (res.kind === "business_error" && res.code === "ORDER_NOT_EXIST")) {
    await closeLocally(deps, order, note, log, {}, event);
    return "closed";
  }
  const q = await gw.queryByOutTradeNo(order.outTradeNo);
  const ctx = { ...log, ...(requestIdOf(q) ? { requestId: requestIdOf(q) } : {}) };
  if (q.kind === "ok") {
    const state = q.value.tradeState;
    if (state === "SUCCESS" || state === "REFUND") {
      const s = await paidFromQuery(deps, order, q.value, source, ctx);
      if (s.decision === "APPLIED" || s.decision === "ALREADY_APPLIED") return "paid";
    } else if (state === "CLOSED" || state === "REVOKED") {
      await closeLocally(deps, order, note, ctx, {}, event);
      return "closed";
    }
  } else if (q.kind === "business_error" && q.code === "ORDER_NOT_EXIST") {
    await closeLocally(deps, order, note, ctx, {}, event);
    return "closed";
  }
  logDecision({ ...ctx, decision: "CLOSE_DEFERRED", orderId: order._id, outTradeNo: order.outTradeNo, result: resultOf(res) });
  return "retry";
}

/** Asks WeChat Pay about an open refund and applies the answer. A CREATED refund WeChat Pay never
 *  got (refused before, lost on the way, or a crash before it was sent) is sent again once no request
 *  of ours can still arrive — after making sure its amount is reserved. */
export async function followRefund(deps: PaymentDeps, r: RefundDoc, log: LogContext): Promise<void> {
  const gw = await deps.gateway();
  const q = await gw.queryRefund(r.outRefundNo);
  const ctx = { ...log, ...(requestIdOf(q) ? { requestId: requestIdOf(q) } : {}) };
  if (q.kind === "ok") {
    await applyRefundOutcome(deps, r, q.value, ctx);
    return;
  }
  const neverArrived = q.kind === "business_error" && q.code === "RESOURCE_NOT_EXISTS";
  if (r.status !== "CREATED" || !neverArrived || r.createdAt > deps.now() - RESUBMIT_AFTER_MS) return;
  const order = await deps.db.orders.get(r.orderId);
  if (!order) return;
  if ((await reserve(deps, r, order.amount)) === "reserved") {
    await submitRefund(deps, r, order.amount, ctx).catch((e: unknown) => {
      if (!(e instanceof AppError)) throw e; // a refusal is recorded by submitRefund; nobody to tell here
    });
    return;
  }
  // Its amount can no longer be reserved (the request stopped before reserving and others took it).
  const res = await applyRefund(deps, r, planRefund(r, "refuse", { set: { failure: "REFUND_EXCEEDED", reservationHeld: false } }));
  if (res.outcome === "applied")
    logDecision({ ...ctx, decision: "REFUND_REFUSED", orderId: r.orderId, outRefundNo: r.outRefundNo, code: "REFUND_EXCEEDED" });
}
