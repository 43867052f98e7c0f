// 异常: one queue for everything the system recorded that needs a person, each item with its next
// action and, once handled, a resolution note. Items are derived from the records themselves
// (payment_events, refunds, reconciliations, orders), so nothing can be missed by a writer that
// forgot to enqueue; ops_resolutions only says what a person did about them.
import { fenToYuanString } from "../money";
import { orderIdFromOutTradeNo, refundIdFromOutRefundNo } from "../orders/ids";
import type { Discrepancy, PaymentEventDoc, ReconcileReport } from "../store/model";
import { audit } from "./audit";
import { requireRole, type Actor } from "./authz";
import type { ExceptionItem, ExceptionKind, ExceptionList } from "./contract";
import type { OpsStoreDeps } from "./deps";
import { discrepancyText } from "./discrepancy-text";
import { OpsError } from "./errors";
import type { OpsResolutionDoc } from "./model";
import { abnormalKey } from "./reroute";

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
  CLOSED_ORDER_NOT_REFUNDED: "已关闭订单收到的付款尚未退回",
};

/** Found by every run whatever the bill date: one item however many reports list it. */
const UNDATED: ReadonlySet<Discrepancy["kind"]> = new Set(["CLOSED_ORDER_NOT_REFUNDED"]);

export const reconcileKey = (billDate: string, d: Discrepancy): string =>
  UNDATED.has(d.kind)
    ? `RECONCILE:${d.kind}:${d.outTradeNo ?? "-"}`
    : `RECONCILE:${billDate}:${d.kind}:${d.outRefundNo ?? d.outTradeNo ?? "-"}`;

// Unverified notifications are only counted per day (notify_rejections), never stored one by one:
// they are not items here — anyone on the internet can post to the notify URL.
async function rejectedNotifications(deps: OpsStoreDeps): Promise<{ items: Draft[]; truncated: boolean }> {
  const events = await deps.db.paymentEvents.find(
    { decision: { $in: ["REJECTED_MISMATCH", "UNKNOWN_ORDER"] } },
    { orderBy: ["at", "desc"], limit: LIMIT },
  );
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
      detail: [e.eventType, e.detail, `${list.length} 次投递`, e.requestId ? `Request-ID ${e.requestId}` : undefined]
        .filter(Boolean)
        .join(" · "),
      ...(orderId ? { orderId } : {}),
      ...(e.outTradeNo ? { outTradeNo: e.outTradeNo } : {}),
      ...(e.outRefundNo ? { outRefundNo: e.outRefundNo } : {}),
      actions: orderId ? ["sync", "resolve"] : ["resolve"],
    };
  });
  return { items, truncated: events.length === LIMIT };
}

async function closedOrderPayments(deps: OpsStoreDeps): Promise<Draft[]> {
  const list = await deps.db.refunds.find({ automatic: true }, { orderBy: ["createdAt", "desc"], limit: LIMIT });
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

async function abnormalRefunds(deps: OpsStoreDeps): Promise<Draft[]> {
  // Automatic ones are CLOSED_ORDER_PAID items (with the same re-route action).
  const list = await deps.db.refunds.find(
    { status: "ABNORMAL", automatic: { $ne: true } },
    { orderBy: ["createdAt", "desc"], limit: LIMIT },
  );
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

async function discrepancies(deps: OpsStoreDeps): Promise<Draft[]> {
  const reports = await deps.db.reconciliations.find({}, { orderBy: ["billDate", "desc"], limit: RECONCILE_DAYS });
  // An undated discrepancy stands as the latest run found it (gone once a run no longer does).
  const latest = reports.reduce<ReconcileReport | undefined>((a, r) => (!a || r.checkedAt > a.checkedAt ? r : a), undefined);
  return reports.flatMap((rep) =>
    rep.discrepancies
      .filter((d) => !UNDATED.has(d.kind) || rep === latest)
      .map((d): Draft => {
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

async function expiredPending(deps: OpsStoreDeps): Promise<Draft[]> {
  // The sweeper's own query shape (least recently checked first): the same index serves it.
  const list = await deps.db.orders.find(
    { status: "PENDING", expiresAt: { $lte: deps.now() - EXPIRED_GRACE_MS } },
    { orderBy: ["checkedAt", "asc"], limit: LIMIT },
  );
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

export async function resolutionsOf(deps: OpsStoreDeps, keys: string[]): Promise<Map<string, OpsResolutionDoc>> {
  const out = new Map<string, OpsResolutionDoc>();
  for (let i = 0; i < keys.length; i += 100) {
    for (const r of await deps.ops.resolutions.find({ _id: { $in: keys.slice(i, i + 100) } }, { limit: 100 })) out.set(r._id, r);
  }
  return out;
}

export async function listExceptions(deps: OpsStoreDeps, show: "open" | "resolved" | "all" = "open"): Promise<ExceptionList> {
  const [notify, closed, abnormal, recon, expired] = await Promise.all([
    rejectedNotifications(deps),
    closedOrderPayments(deps),
    abnormalRefunds(deps),
    discrepancies(deps),
    expiredPending(deps),
  ]);
  const drafts = [...notify.items, ...closed, ...abnormal, ...recon, ...expired];
  const done = await resolutionsOf(
    deps,
    drafts.map((d) => d.key),
  );
  const items = drafts
    .map((d): ExceptionItem => {
      const r = done.get(d.key);
      return {
        ...d,
        status: r?.resolved ? "resolved" : "open",
        ...(r?.resolved ? { resolution: r.resolved } : {}),
        ...(r?.rerouted ? { rerouted: r.rerouted } : {}),
      };
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

export async function resolveException(deps: OpsStoreDeps, actor: Actor, key: string, note: string): Promise<ExceptionItem> {
  requireRole(actor, "support");
  const item = (await listExceptions(deps, "all")).items.find((i) => i.key === key);
  if (!item) throw new OpsError("NOT_FOUND", "该异常不存在或已自动消除");
  requireRole(actor, RESOLVER[item.kind]);
  if (item.status === "resolved") throw new OpsError("CONFLICT", "该异常已处理");
  const resolved = { note, by: actor.username, at: deps.now() };
  // Only the first resolution is kept (two people closing the same item at once).
  const { resolutions } = deps.ops;
  const won =
    (await resolutions.insert({ _id: key, resolved })) === "inserted" ||
    (await resolutions.update({ _id: key, resolved: { $exists: false } }, { $set: { resolved } })) === 1;
  if (!won) throw new OpsError("CONFLICT", "该异常已处理");
  await audit(deps, actor, {
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
