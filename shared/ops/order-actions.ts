// The queue's order actions, through the services' own transitions: ask WeChat Pay and apply the
// answer (sync), or close an expired order at WeChat Pay first and then here (closeExpired).
import type { PaymentDeps } from "../services/deps";
import { syncOrder } from "../services/orderQueries";
import { closeExpired } from "../services/settlement";
import type { OrderDoc } from "../store/model";
import { refunds } from "../store/repos";
import { audit } from "./audit";
import { requireRole, type Actor } from "./authz";
import type { OpsOrderDetail } from "./contract";
import { OpsError } from "./errors";
import { mustGetOrder, orderDetail } from "./orders";

const snapshot = async (o: OrderDoc) => ({
  status: o.status,
  refundedAmount: o.refundedAmount,
  refunds: (await refunds.find({ orderId: o._id }, { limit: 100 })).map((r) => `${r.outRefundNo}:${r.status}`),
});

export async function syncOrderAction(actor: Actor, orderId: string, deps: PaymentDeps): Promise<OpsOrderDetail> {
  requireRole(actor, "support");
  const order = await mustGetOrder(orderId);
  const before = await snapshot(order);
  const after = await snapshot(await syncOrder(order, deps, { fn: "ops" }));
  await audit(actor, deps.now(), { action: "order.sync", outcome: "ok", orderId, before, after });
  return orderDetail(orderId);
}

export async function closeExpiredAction(actor: Actor, orderId: string, deps: PaymentDeps): Promise<OpsOrderDetail> {
  requireRole(actor, "support");
  const order = await mustGetOrder(orderId);
  if (order.status !== "PENDING" || order.expiresAt > deps.now()) throw new OpsError("ORDER_STATE", "只有已过支付时限的待支付订单可以关闭");
  const result = await closeExpired(order, deps, { fn: "ops" });
  const fresh = await mustGetOrder(orderId);
  await audit(actor, deps.now(), { action: "order.closeExpired", outcome: result === "retry" ? "error" : "ok", orderId, before: { status: order.status }, after: { status: fresh.status, result } });
  if (result === "retry") throw new OpsError("PAYMENT_FAILED", "微信支付暂时无法确认订单状态，请稍后重试");
  return orderDetail(orderId);
}
