// The queue's order actions, through the services' own transitions: ask WeChat Pay and apply the
// answer (syncOrder), or close an expired order at WeChat Pay first and then here (closeExpired).
import { closeExpired } from "../services/follow-up";
import { syncOrder } from "../services/traveller-orders";
import type { OrderDoc } from "../store/model";
import { audit } from "./audit";
import { requireRole, type Actor } from "./authz";
import type { OpsOrderDetail } from "./contract";
import type { OpsDeps, OpsStoreDeps } from "./deps";
import { OpsError } from "./errors";
import { mustGetOrder, orderDetail } from "./orders";

const LOG = { fn: "ops" };

const snapshot = async (deps: OpsStoreDeps, o: OrderDoc) => ({
  status: o.status,
  refundedAmount: o.refundedAmount,
  refunds: (await deps.db.refunds.find({ orderId: o._id }, { limit: 100 })).map((r) => `${r.outRefundNo}:${r.status}`),
});

export async function syncOrderAction(deps: OpsDeps, actor: Actor, orderId: string): Promise<OpsOrderDetail> {
  requireRole(actor, "support");
  const order = await mustGetOrder(deps, orderId);
  const before = await snapshot(deps, order);
  const after = await snapshot(deps, await syncOrder(deps.payment(), order, LOG));
  await audit(deps, actor, { action: "order.sync", outcome: "ok", orderId, before, after });
  return orderDetail(deps, orderId);
}

export async function closeExpiredAction(deps: OpsDeps, actor: Actor, orderId: string): Promise<OpsOrderDetail> {
  requireRole(actor, "support");
  const order = await mustGetOrder(deps, orderId);
  if (order.status !== "PENDING" || order.expiresAt > deps.now()) throw new OpsError("ORDER_STATE", "只有已过支付时限的待支付订单可以关闭");
  const result = await closeExpired(deps.payment(), order, "query", LOG);
  const fresh = await mustGetOrder(deps, orderId);
  await audit(deps, actor, {
    action: "order.closeExpired",
    outcome: result === "retry" ? "error" : "ok",
    orderId,
    before: { status: order.status },
    after: { status: fresh.status, result },
  });
  if (result === "retry") throw new OpsError("PAYMENT_FAILED", "微信支付暂时无法确认订单状态，请稍后重试");
  return orderDetail(deps, orderId);
}
