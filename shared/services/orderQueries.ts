// The orders function: my orders, one order, sync with WeChat Pay, and the mock payment.
import type { CreateOrderResult, OrderDetail, OrdersListResult } from "../contracts/api";
import { AppError } from "../errors";
import type { Caller } from "../runtime/identity";
import { logDecision, type LogContext } from "../runtime/log";
import { cmd } from "../store/db";
import type { OrderDoc } from "../store/model";
import { orders, paymentEvents, refunds } from "../store/repos";
import { answer } from "./booking";
import type { PaymentDeps } from "./deps";
import { applyRefundOutcome } from "./refunds";
import { applyPaid, closeExpired, closeLocally } from "./settlement";
import { orderDetail, orderSummary } from "./views";

const FN = "orders";

export async function listOrders(caller: Caller): Promise<OrdersListResult> {
  const list = await orders.find({ openid: caller.openid }, { orderBy: ["createdAt", "desc"], limit: 100 });
  return { orders: list.map(orderSummary) };
}

/** Someone else's order is NOT_FOUND, not FORBIDDEN: its existence is not the caller's business. */
export async function ownOrder(caller: Caller, orderId: string): Promise<OrderDoc> {
  const o = await orders.get(orderId);
  if (!o || o.openid !== caller.openid) throw new AppError("NOT_FOUND", "订单不存在");
  return o;
}

export async function detailOf(order: OrderDoc): Promise<OrderDetail> {
  const rs = await refunds.find({ orderId: order._id }, { limit: 100 });
  return orderDetail(order, rs);
}

/** Asks WeChat Pay about a PENDING order (wx.requestPayment's success is only a hint) and
 *  about refunds still in progress, and applies the answers. */
export async function syncOrder(order: OrderDoc, deps: PaymentDeps, log: LogContext = { fn: FN }, minIntervalMs = 0): Promise<OrderDoc> {
  // A user can call sync as often as they like; WeChat Pay is asked at most once per interval.
  if (minIntervalMs > 0 && (order.checkedAt ?? 0) > deps.now() - minIntervalMs) return order;
  if (order.status === "PENDING" && order.prepayId) {
    const gw = await deps.gateway();
    const q = await gw.queryByOutTradeNo(order.outTradeNo);
    // Rotates the sweeper's "no notification" queries over every PENDING order.
    await orders.update({ _id: order._id, status: "PENDING" }, { checkedAt: deps.now() });
    if (q.kind === "ok") {
      const tx = q.value;
      if (tx.tradeState === "SUCCESS" || tx.tradeState === "REFUND") {
        const s = await applyPaid(order, { ...tx, tradeState: "SUCCESS" }, deps, { ...log, requestId: q.requestId });
        await paymentEvents.append({ source: "query", decision: s.decision, ...(s.detail ? { detail: s.detail } : {}), orderId: order._id, outTradeNo: order.outTradeNo, ...(tx.transactionId ? { transactionId: tx.transactionId } : {}), ...(q.requestId ? { requestId: q.requestId } : {}), at: deps.now() });
      } else if (tx.tradeState === "CLOSED" || tx.tradeState === "REVOKED") {
        await closeLocally(order, "微信支付已关闭该订单", deps, log);
      } else if (order.expiresAt <= deps.now()) {
        await closeExpired(order, deps, log);
      }
    } else {
      logDecision({ ...log, decision: "QUERY_FAILED", orderId: order._id, outTradeNo: order.outTradeNo, result: q.kind, requestId: "requestId" in q ? q.requestId : undefined });
    }
  }
  const open = await refunds.find({ orderId: order._id, status: cmd().in(["PROCESSING", "ABNORMAL"]) }, { limit: 20 });
  if (open.length > 0 && order.status !== "PENDING") await orders.update({ _id: order._id }, { checkedAt: deps.now() });
  for (const r of open) {
    const gw = await deps.gateway();
    const q = await gw.queryRefund(r.outRefundNo);
    if (q.kind === "ok") await applyRefundOutcome(r, q.value, deps, log);
  }
  return (await orders.get(order._id)) ?? order;
}

/** The payment launch again, for a PENDING order that WeChat Pay knows and that has time left. */
export async function resumePayment(order: OrderDoc, deps: PaymentDeps): Promise<CreateOrderResult> {
  if (order.status !== "PENDING" || !order.prepayId) throw new AppError("ORDER_STATE", "订单不是待支付状态");
  if (order.expiresAt <= deps.now() + RESUME_MARGIN_MS) throw new AppError("ORDER_STATE", "订单已超时，请重新下单");
  return answer(order, order.prepayId, deps);
}
/** Not worth opening the payment sheet with less than this left. */
const RESUME_MARGIN_MS = 10_000;

/** PAY_MODE=mock only: pays through the same transition a notification would. */
export async function mockPay(order: OrderDoc, deps: PaymentDeps): Promise<OrderDoc> {
  if (deps.mode !== "mock") throw new AppError("FORBIDDEN", "仅模拟支付模式可用");
  if (order.status !== "PENDING") throw new AppError("ORDER_STATE", "订单不是待支付状态");
  if (order.expiresAt <= deps.now()) throw new AppError("ORDER_STATE", "订单已过期");
  const s = await applyPaid(
    order,
    {
      appid: deps.merchant.appid,
      mchid: deps.merchant.mchid,
      outTradeNo: order.outTradeNo,
      transactionId: `MOCK${order._id}`,
      tradeState: "SUCCESS",
      successTime: new Date(deps.now()).toISOString(),
      payerOpenid: order.openid,
      amount: { total: order.amount, payerTotal: order.amount, currency: "CNY", payerCurrency: "CNY" },
    },
    deps,
    { fn: FN },
  );
  await paymentEvents.append({ source: "mock", decision: s.decision, orderId: order._id, outTradeNo: order.outTradeNo, at: deps.now() });
  return (await orders.get(order._id)) ?? order;
}
