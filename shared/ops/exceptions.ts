// 异常: one queue for everything the system recorded that needs a person, each item with its next
// action and, once handled, a resolution note. Items are derived from the records themselves
// (payment_events, refunds, reconciliations, orders), so nothing can be missed by a writer that
// forgot to enqueue; ops_resolutions only says what a person did about them.
import { fenToYuanString } from "../money";
import { orderIdFromOutTradeNo, refundIdFromOutRefundNo } from "../orders/ids";
import { cmd } from "../store/db";
import type { Discrepancy, PaymentEventDoc } from "../store/model";
import { orders, paymentEvents, reconciliations, refunds } from "../store/repos";
import { audit } from "./audit";
import { requireRole, type Actor } from "./authz";
import type { ExceptionItem, ExceptionKind, ExceptionList } from "./contract";
import { discrepancyText } from "./discrepancy-text";
import { OpsError } from "./errors";
import type { OpsResolutionDoc } from "./model";
import { abnormalKey } from "./reroute";
import { opsResolutions } from "./store";

/** The sweeper closes expired orders within a minute; past this they are stuck. */
export const EXPIRED_GRACE_MS = 2 * 60_000;
const LIMIT = 200;
const RECONCILE_DAYS = 31;

type Draft = Omit<ExceptionItem, "status" | "resolution" | "rerouted">;

const DECISION_TITLES: Record<string, string> = {
  UNKNOWN_ORDER: "通知的订单不存在",
  REJECTED_MISMATCH: "通知与订单不符",
};
const DISCREPANCY_TITLES: Record<Discrepancy["kind"], string> = {
  UNKNOWN_ORDER: "账单中有我方没有的订单",
  PAID_NOT_RECORDED: "微信已收款，我方未记为已支付",
  AMOUNT_MISMATCH: "账单金额与订单不符",
  UNKNOWN_REFUND: "账单中有我方没有发起的退款",
  REFUND_AMOUNT_MISMATCH: "账单退款金额与退款单不符",
  NOT_IN_BILL: "我方已记账，账单中没有",
};

export const reconcileKey = (billDate: string, d: Discrepancy): string => `RECONCILE:${billDate}:${d.kind}:${d.outRefundNo ?? d.outTradeNo ?? "-"}`;

async function rejectedNotifications(): Promise<{ items: Draft[]; truncated: boolean }> {
  const events = await paymentEvents.find({ decision: cmd().in(["REJECTED_MISMATCH", "UNKNOWN_ORDER"]) }, { orderBy: ["at", "desc"], limit: LIMIT });
  // WeChat Pay sends a refused notification again and again: one item per notification.
  const groups = new Map<string, PaymentEventDoc[]>();
  for (const e of events) {
    const k = e.notificationId ?? e._id;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const items = [...groups.entries()].map(([k, list]): Draft => {
    const e = list[0]!; // newest
    // Only what the decision found: an UNKNOWN_ORDER's out_trade_no may look like ours and still not exist.
    const orderId = e.orderId;
    return {
      key: `NOTIFY_REJECTED:${k}`,
      kind: "NOTIFY_REJECTED",
      at: e.at,
      title: DECISION_TITLES[e.decision] ?? e.decision,
      detail: [e.eventType, e.detail, `${list.length} 次投递`, e.requestId ? `Request-ID ${e.requestId}` : undefined].filter(Boolean).join(" · "),
      ...(orderId ? { orderId } : {}),
      ...(e.outTradeNo ? { outTradeNo: e.outTradeNo } : {}),
      ...(e.outRefundNo ? { outRefundNo: e.outRefundNo } : {}),
      actions: orderId ? ["sync", "resolve"] : ["resolve"],
    };
  });
  return { items, truncated: events.length === LIMIT };
}

async function closedOrderPayments(): Promise<Draft[]> {
  const list = await refunds.find({ automatic: true }, { orderBy: ["createdAt", "desc"], limit: LIMIT });
  return list.map((r) => ({
    key: `CLOSED_ORDER_PAID:${r._id}`,
    kind: "CLOSED_ORDER_PAID",
    at: r.createdAt,
    title: "订单关闭后收到付款，已自动全额退款",
    detail: `退款 ${fenToYuanString(r.amount)} 元，状态 ${r.status}${r.failure ? `（${r.failure}）` : ""}`,
    orderId: r.orderId,
    outTradeNo: r.outTradeNo,
    outRefundNo: r.outRefundNo,
    refundId: r._id,
    amount: r.amount,
    actions: r.status === "SUCCESS" ? ["resolve"] : r.status === "ABNORMAL" ? ["reroute", "sync", "resolve"] : ["sync", "resolve"],
  }));
}

async function abnormalRefunds(): Promise<Draft[]> {
  const list = await refunds.find({ status: "ABNORMAL", automatic: false }, { orderBy: ["createdAt", "desc"], limit: LIMIT });
  return list.map((r) => ({
    key: abnormalKey(r._id),
    kind: "REFUND_ABNORMAL",
    at: r.checkedAt || r.createdAt,
    title: "退款异常：钱没有退到用户原账户",
    detail: `退款 ${fenToYuanString(r.amount)} 元 · ${r.reason}`,
    orderId: r.orderId,
    outTradeNo: r.outTradeNo,
    outRefundNo: r.outRefundNo,
    refundId: r._id,
    amount: r.amount,
    actions: ["reroute", "sync", "resolve"],
  }));
}

async function discrepancies(): Promise<Draft[]> {
  const reports = await reconciliations.find({}, { orderBy: ["billDate", "desc"], limit: RECONCILE_DAYS });
  return reports.flatMap((rep) =>
    rep.discrepancies.map((d): Draft => {
      const orderId = d.outTradeNo ? orderIdFromOutTradeNo(d.outTradeNo) : undefined;
      const refundId = d.outRefundNo ? refundIdFromOutRefundNo(d.outRefundNo) : undefined;
      return {
        key: reconcileKey(rep.billDate, d),
        kind: "RECONCILE",
        at: rep.checkedAt,
        title: `对账差异 ${rep.billDate}：${DISCREPANCY_TITLES[d.kind]}`,
        detail: [discrepancyText(d.detail), d.kind].filter(Boolean).join(" · "),
        billDate: rep.billDate,
        ...(orderId ? { orderId } : {}),
        ...(d.outTradeNo ? { outTradeNo: d.outTradeNo } : {}),
        ...(d.outRefundNo ? { outRefundNo: d.outRefundNo } : {}),
        ...(refundId ? { refundId } : {}),
        actions: orderId ? ["sync", "rerunReconcile", "resolve"] : ["rerunReconcile", "resolve"],
      };
    }),
  );
}

async function expiredPending(now: number): Promise<Draft[]> {
  const list = await orders.find({ status: "PENDING", expiresAt: cmd().lte(now - EXPIRED_GRACE_MS) }, { orderBy: ["expiresAt", "asc"], limit: LIMIT });
  return list.map((o) => ({
    key: `PENDING_EXPIRED:${o._id}`,
    kind: "PENDING_EXPIRED",
    at: o.expiresAt,
    title: "订单已过支付时限仍为待支付",
    detail: `${o.train.trainNo} ${o.train.date} · ${fenToYuanString(o.amount)} 元`,
    orderId: o._id,
    outTradeNo: o.outTradeNo,
    amount: o.amount,
    actions: ["closeExpired", "resolve"],
  }));
}

async function resolutionsOf(keys: string[]): Promise<Map<string, OpsResolutionDoc>> {
  const out = new Map<string, OpsResolutionDoc>();
  for (let i = 0; i < keys.length; i += 100) {
    for (const r of await opsResolutions.find({ _id: cmd().in(keys.slice(i, i + 100)) }, { limit: 100 })) out.set(r._id, r);
  }
  return out;
}

export async function listExceptions(now: number, show: "open" | "resolved" | "all" = "open"): Promise<ExceptionList> {
  const [notify, closed, abnormal, recon, expired] = await Promise.all([rejectedNotifications(), closedOrderPayments(), abnormalRefunds(), discrepancies(), expiredPending(now)]);
  const drafts = [...notify.items, ...closed, ...abnormal, ...recon, ...expired];
  const done = await resolutionsOf(drafts.map((d) => d.key));
  const items = drafts
    .map((d): ExceptionItem => {
      const r = done.get(d.key);
      return { ...d, status: r?.resolved ? "resolved" : "open", ...(r?.resolved ? { resolution: r.resolved } : {}), ...(r?.rerouted ? { rerouted: r.rerouted } : {}) };
    })
    .filter((i) => show === "all" || i.status === show)
    .sort((a, b) => b.at - a.at);
  return { items, truncated: notify.truncated };
}

/** Reconciliation discrepancies are finance's; the rest support's. */
const RESOLVER: Record<ExceptionKind, "support" | "finance"> = {
  NOTIFY_REJECTED: "support",
  CLOSED_ORDER_PAID: "support",
  REFUND_ABNORMAL: "support",
  PENDING_EXPIRED: "support",
  RECONCILE: "finance",
};

export async function resolveException(actor: Actor, key: string, note: string, now: number): Promise<ExceptionItem> {
  requireRole(actor, "support");
  const item = (await listExceptions(now, "all")).items.find((i) => i.key === key);
  if (!item) throw new OpsError("NOT_FOUND", "该异常不存在或已自动消除");
  requireRole(actor, RESOLVER[item.kind]);
  if (item.status === "resolved") throw new OpsError("CONFLICT", "该异常已处理");
  const resolved = { note, by: actor.username, at: now };
  // Only the first resolution is kept (two people closing the same item at once).
  const won = (await opsResolutions.insert({ _id: key, resolved })) === "inserted" || (await opsResolutions.update({ _id: key, resolved: cmd().exists(false) }, { resolved })) === 1;
  if (!won) throw new OpsError("CONFLICT", "该异常已处理");
  await audit(actor, now, {
    action: "exception.resolve",
    outcome: "ok",
    target: key,
    note,
    ...(item.orderId ? { orderId: item.orderId } : {}),
    ...(item.refundId ? { refundId: item.refundId } : {}),
    ...(item.billDate ? { billDate: item.billDate } : {}),
    before: { status: "open", title: item.title },
    after: { status: "resolved" },
  });
  return { ...item, status: "resolved", resolution: resolved };
}
