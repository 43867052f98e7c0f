// The orders function: my orders, one order, sync with WeChat Pay, resume, cancel, and the mock payment.
import type { CreateOrderResult, OrderDetail, OrdersListResult } from "../contracts/api";
import { AppError } from "../errors";
import type { Caller } from "../runtime/identity";
import type { LogContext } from "../runtime/log";
import type { OrderDoc } from "../store/model";
import { answer } from "./booking";
import type { PaymentDeps, StoreDeps } from "./deps";
import { recordEvent } from "./events";
import { releaseBookingSlot } from "./fair-use";
import { claimCheck, closeAtWeChatPay, followOrder, followRefund } from "./follow-up";
import { applyPaid } from "./settlement";
import { type ListQuery, listOrderPage } from "./order-list";
import { orderDetail } from "./views";

const FN = "orders";

/** 我的订单, a page of one tab (order-list.ts). */
export const listOrders = (deps: StoreDeps, caller: Caller, query: ListQuery = {}): Promise<OrdersListResult> =>
  listOrderPage(deps, caller, query);

/** Someone else's order is NOT_FOUND, not FORBIDDEN: its existence is not the caller's business. */
export async function ownOrder(deps: StoreDeps, caller: Caller, orderId: string): Promise<OrderDoc> {
  const o = await deps.db.orders.get(orderId);
  if (!o || o.openid !== caller.openid) throw new AppError("NOT_FOUND", "订单不存在");
  return o;
}

export async function detailOf(deps: StoreDeps, order: OrderDoc): Promise<OrderDetail> {
  const rs = await deps.db.refunds.find({ orderId: order._id }, { limit: 100 });
  return orderDetail(order, rs, deps.now());
}

/** Asks WeChat Pay about a PENDING order (wx.requestPayment's success is only a hint) and about
 *  refunds still in progress, and applies the answers. With an interval, WeChat Pay is asked at
 *  most once per interval per order, however many calls arrive at once. */
export async function syncOrder(deps: PaymentDeps, order: OrderDoc, log: LogContext = { fn: FN }, minIntervalMs = 0): Promise<OrderDoc> {
  const openRefunds =
    order.status === "PENDING"
      ? []
      : await deps.db.refunds.find({ orderId: order._id, status: { $in: ["PROCESSING", "ABNORMAL"] } }, { limit: 20 });
  const worthAsking = (order.status === "PENDING" && order.prepayId) || openRefunds.length > 0;
  if (!worthAsking) {
    await freeSlotIfSettled(deps, order);
    return order;
  }
  if (minIntervalMs > 0 && !(await claimCheck(deps, "orders", order._id, minIntervalMs))) return order;
  if (minIntervalMs === 0) await deps.db.orders.update({ _id: order._id }, { $set: { checkedAt: deps.now() } });
  await followOrder(deps, order, "query", log);
  for (const r of openRefunds) await followRefund(deps, r, log);
  const now = (await deps.db.orders.get(order._id)) ?? order;
  await freeSlotIfSettled(deps, now);
  return now;
}

/** An order seen paid or closed before its expiry may still hold its user's booking slot: given back,
 *  so the user can book again at once (fair-use.ts would find out by itself, at the cost of reading
 *  this order on the next booking). After the expiry the slot is free anyway. */
async function freeSlotIfSettled(deps: StoreDeps, order: OrderDoc): Promise<void> {
  if (order.status !== "PENDING" && order.expiresAt > deps.now()) await releaseBookingSlot(deps, order.openid, order._id);
}

/** 取消订单: closes an unpaid order at WeChat Pay, then here, and gives its seats back. Idempotent
 *  (a closed order is answered as it is); a payment that got there first makes it PAID instead. */
export async function cancelOrder(deps: PaymentDeps, order: OrderDoc): Promise<OrderDoc> {
  if (order.status === "CLOSED") return order;
  if (order.status !== "PENDING")
    throw new AppError("ORDER_STATE", "订单已支付，不能取消；如需退票请在订单详情中操作", { orderId: order._id });
  const r = await closeAtWeChatPay(deps, order, "query", { fn: FN }, "cancel", "用户取消订单");
  if (r === "retry") throw new AppError("PAYMENT_FAILED", "暂时无法取消，请稍后重试");
  const now = (await deps.db.orders.get(order._id)) ?? order;
  await freeSlotIfSettled(deps, now);
  return now;
}

/** The payment launch again, for a PENDING order that WeChat Pay knows and that has time left. */
export async function resumePayment(deps: PaymentDeps, order: OrderDoc): Promise<CreateOrderResult> {
  if (order.status !== "PENDING" || !order.prepayId) throw new AppError("ORDER_STATE", "订单不是待支付状态");
  if (order.expiresAt <= deps.now() + RESUME_MARGIN_MS) throw new AppError("ORDER_STATE", "订单已超时，请重新下单");
  return answer(deps, order, order.prepayId);
}
/** Not worth opening the payment sheet with less than this left. */
const RESUME_MARGIN_MS = 10_000;

/** PAY_MODE=mock only: pays through the same transition a notification would. */
export async function mockPay(deps: PaymentDeps, order: OrderDoc): Promise<OrderDoc> {
  if (deps.mode !== "mock") throw new AppError("FORBIDDEN", "仅模拟支付模式可用");
  if (order.status !== "PENDING") throw new AppError("ORDER_STATE", "订单不是待支付状态");
  if (order.expiresAt <= deps.now()) throw new AppError("ORDER_STATE", "订单已过期");
  const transactionId = `MOCK${order._id}`;
  const s = await applyPaid(
    deps,
    order,
    {
      appid: deps.merchant.appid,
      mchid: deps.merchant.mchid,
      outTradeNo: order.outTradeNo,
      transactionId,
      tradeState: "SUCCESS",
      successTime: new Date(deps.now()).toISOString(),
      payerOpenid: order.openid,
      amount: { total: order.amount, payerTotal: order.amount, currency: "CNY", payerCurrency: "CNY" },
    },
    { fn: FN },
  );
  await recordEvent(deps, "mock", {
    decision: s.decision,
    ...(s.notice ? { notice: s.notice } : {}),
    orderId: order._id,
    outTradeNo: order.outTradeNo,
    transactionId,
  });
  return (await deps.db.orders.get(order._id)) ?? order;
}
