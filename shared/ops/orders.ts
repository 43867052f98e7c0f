// 订单: search by any id a traveller or WeChat Pay gives, and the whole story of one order.
import { chinaInstant } from "../catalog/catalog";
import type { OrderStatus } from "../contracts/api";
import { orderIdFromOutTradeNo } from "../orders/ids";
import type { PaymentDeps } from "../services/deps";
import { cmd, type Filter } from "../store/db";
import type { OrderDoc } from "../store/model";
import { orders, paymentEvents, refunds } from "../store/repos";
import { auditOfOrder } from "./audit";
import type { OpsOrderDetail, OrderSearchQuery, OrderSearchResult } from "./contract";
import { OpsError } from "./errors";
import { eventRow, orderOfDetail, orderRow, refundRow } from "./order-rows";

const LIMIT = 50;
const DAY_MS = 86400_000;
export const ORDER_STATUSES: readonly OrderStatus[] = ["PENDING", "PAID", "PARTIALLY_REFUNDED", "REFUNDED", "CLOSED"];

export async function searchOrders(q: OrderSearchQuery, deps: PaymentDeps): Promise<OrderSearchResult> {
  const _ = cmd();
  const where: Filter = {};
  if (q.orderId) where._id = q.orderId;
  if (q.outTradeNo) {
    const id = orderIdFromOutTradeNo(q.outTradeNo);
    if (!id) return { orders: [], source: "local", truncated: false };
    if (q.orderId && q.orderId !== id) return { orders: [], source: "local", truncated: false };
    where._id = id;
  }
  if (q.transactionId) where.transactionId = q.transactionId;
  if (q.openid) where.openid = q.openid;
  if (q.status) where.status = q.status;
  const range = [...(q.from ? [_.gte(chinaInstant(q.from, "00:00"))] : []), ...(q.to ? [_.lt(chinaInstant(q.to, "00:00") + DAY_MS)] : [])];
  if (range.length > 0) where.createdAt = range.length === 1 ? range[0] : _.and(range[0], range[1]);

  const found = await orders.find(where, { orderBy: ["createdAt", "desc"], limit: LIMIT });
  if (found.length > 0 || !q.transactionId) return { orders: found.map(orderRow), source: "local", truncated: found.length === LIMIT };
  // A transaction_id we never recorded (the notification was lost): WeChat Pay knows its out_trade_no.
  const gw = await deps.gateway();
  const tx = await gw.queryByTransactionId(q.transactionId);
  const id = tx.kind === "ok" ? orderIdFromOutTradeNo(tx.value.outTradeNo) : undefined;
  const order = id ? await orders.get(id) : undefined;
  return { orders: order ? [orderRow(order)] : [], source: "wechatpay", truncated: false };
}

export async function mustGetOrder(orderId: string): Promise<OrderDoc> {
  const o = await orders.get(orderId);
  if (!o) throw new OpsError("NOT_FOUND", "订单不存在");
  return o;
}

export async function orderDetail(orderId: string): Promise<OpsOrderDetail> {
  const order = await mustGetOrder(orderId);
  const [rs, events, audit] = await Promise.all([
    refunds.find({ orderId }, { orderBy: ["createdAt", "asc"], limit: 100 }),
    // Every delivery and query about it, including ones refused before an order id was known.
    paymentEvents.find({ outTradeNo: order.outTradeNo }, { orderBy: ["at", "asc"], limit: 200 }),
    auditOfOrder(orderId),
  ]);
  return { order: orderOfDetail(order), refunds: rs.map(refundRow), events: events.map(eventRow), audit };
}
