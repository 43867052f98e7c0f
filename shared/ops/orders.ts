// 订单: search by any id a traveller or WeChat Pay gives, and the whole story of one order.
import { chinaInstant } from "../catalog/catalog";
import type { OrderStatus } from "../contracts/api";
import { orderIdFromOutTradeNo } from "../orders/ids";
import type { FieldOps } from "../store/database";
import type { OrderDoc } from "../store/model";
import { auditOfOrder } from "./audit";
import type { OpsOrderDetail, OrderSearchQuery, OrderSearchResult } from "./contract";
import type { OpsDeps, OpsStoreDeps } from "./deps";
import { OpsError } from "./errors";
import { eventRow, orderOfDetail, orderRow, refundRow } from "./order-rows";

const LIMIT = 50;
/** Read when some conditions are checked here rather than by the database (a user's orders by status). */
const WIDE = 500;
const DAY_MS = 86400_000;
export const ORDER_STATUSES: readonly OrderStatus[] = ["PENDING", "PAID", "PARTIALLY_REFUNDED", "REFUNDED", "CLOSED"];

const NONE: OrderSearchResult = { orders: [], source: "local", truncated: false };

function createdRange(q: OrderSearchQuery): FieldOps | undefined {
  const r: FieldOps = {};
  if (q.from) r.$gte = chinaInstant(q.from, "00:00");
  if (q.to) r.$lt = chinaInstant(q.to, "00:00") + DAY_MS;
  return Object.keys(r).length ? r : undefined;
}

function matches(o: OrderDoc, q: OrderSearchQuery, created: FieldOps | undefined): boolean {
  if (q.transactionId && o.transactionId !== q.transactionId) return false;
  if (q.openid && o.openid !== q.openid) return false;
  if (q.status && o.status !== q.status) return false;
  if (created?.$gte !== undefined && o.createdAt < created.$gte) return false;
  if (created?.$lt !== undefined && o.createdAt >= created.$lt) return false;
  return true;
}

/** The database filters on the most selective condition an index serves (docs/database.md); the
 *  others are checked on what it answers. */
async function candidates(
  deps: OpsStoreDeps,
  q: OrderSearchQuery,
  orderId: string | undefined,
  created: FieldOps | undefined,
): Promise<{ found: OrderDoc[]; limit: number }> {
  const { orders } = deps.db;
  const during = created ? { createdAt: created } : {};
  const newest = { orderBy: ["createdAt", "desc"] as [string, "desc"] };
  if (orderId) {
    const o = await orders.get(orderId);
    return { found: o ? [o] : [], limit: Infinity };
  }
  if (q.transactionId) return { found: await orders.find({ transactionId: q.transactionId }, { limit: 10 }), limit: 10 };
  if (q.openid) {
    const limit = q.status ? WIDE : LIMIT;
    return { found: await orders.find({ openid: q.openid, ...during }, { ...newest, limit }), limit };
  }
  if (q.status) return { found: await orders.find({ status: q.status, ...during }, { ...newest, limit: LIMIT }), limit: LIMIT };
  if (created) return { found: await orders.find(during, { ...newest, limit: LIMIT }), limit: LIMIT };
  return { found: [], limit: Infinity };
}

export async function searchOrders(deps: OpsDeps, q: OrderSearchQuery): Promise<OrderSearchResult> {
  let orderId = q.orderId;
  if (q.outTradeNo) {
    const id = orderIdFromOutTradeNo(q.outTradeNo);
    if (!id || (orderId && orderId !== id)) return NONE;
    orderId = id;
  }
  const created = createdRange(q);
  const { found, limit } = await candidates(deps, q, orderId, created);
  const hits = found.filter((o) => matches(o, q, created)).sort((a, b) => b.createdAt - a.createdAt);
  if (found.length > 0 || !q.transactionId || orderId) {
    return { orders: hits.slice(0, LIMIT).map(orderRow), source: "local", truncated: found.length >= limit || hits.length > LIMIT };
  }
  // A transaction_id we never recorded (the notification was lost): WeChat Pay knows its out_trade_no.
  const gw = await deps.payment().gateway();
  const tx = await gw.queryByTransactionId(q.transactionId);
  const id = tx.kind === "ok" ? orderIdFromOutTradeNo(tx.value.outTradeNo) : undefined;
  const order = id ? await deps.db.orders.get(id) : undefined;
  const ok = order && matches(order, { ...q, transactionId: undefined }, created);
  return { orders: ok ? [orderRow(order)] : [], source: "wechatpay", truncated: false };
}

export async function mustGetOrder(deps: OpsStoreDeps, orderId: string): Promise<OrderDoc> {
  const o = await deps.db.orders.get(orderId);
  if (!o) throw new OpsError("NOT_FOUND", "订单不存在");
  return o;
}

export async function orderDetail(deps: OpsStoreDeps, orderId: string): Promise<OpsOrderDetail> {
  const order = await mustGetOrder(deps, orderId);
  const [rs, events, audit] = await Promise.all([
    deps.db.refunds.find({ orderId }, { limit: 100 }),
    // Every delivery, query answer and sweeper finding recorded for it.
    deps.db.paymentEvents.find({ orderId }, { orderBy: ["at", "asc"], limit: 200 }),
    auditOfOrder(deps, orderId),
  ]);
  rs.sort((a, b) => a.createdAt - b.createdAt);
  return { order: orderOfDetail(order), refunds: rs.map(refundRow), events: events.map(eventRow), audit };
}
