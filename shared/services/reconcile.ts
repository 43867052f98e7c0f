// Reconciliation: WeChat Pay's trade bill for one day against what we recorded. Every payment and
// refund in the bill must be ours with the same amount and recorded as such; every payment and
// successful refund we recorded that day must be in the bill. The report is stored (one document
// per day) and each discrepancy logged; nothing is changed automatically — a discrepancy is for a
// person (sync and the sweeper already repair what a query can prove).
import { chinaDate, chinaInstant } from "../catalog/catalog";
import { yuanToFen } from "../money";
import { autoRefundIdFor, orderIdFromOutTradeNo, refundIdFromOutRefundNo } from "../orders/ids";
import { logDecision, type LogContext } from "../runtime/log";
import type { Discrepancy, OrderDoc, ReconcileReport, RefundDoc } from "../store/model";
import type { PaymentDeps, StoreDeps } from "./deps";

/** Columns of WeChat Pay's trade bill that are compared. */
const COL = {
  state: "交易状态",
  transactionId: "微信订单号",
  outTradeNo: "商户订单号",
  settled: "应结订单金额",
  outRefundNo: "商户退款单号",
  refundAmount: "退款金额",
} as const;

const DAY_MS = 86400_000;
const BATCH = 100;
/** The database answers at most 1000 documents a query: a busier day is reported as truncated. */
const LOCAL_LIMIT = 1000;

/** Documents by _id, a hundred per round trip. */
async function byIds<T extends { _id: string }>(find: (ids: string[]) => Promise<T[]>, ids: string[]): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  for (let i = 0; i < ids.length; i += BATCH) for (const d of await find(ids.slice(i, i + BATCH))) out.set(d._id, d);
  return out;
}

export async function reconcile(deps: PaymentDeps, billDate: string, log: LogContext): Promise<ReconcileReport> {
  const { orders, refunds, reconciliations } = deps.db;
  const gw = await deps.gateway();
  const bill = await gw.tradeBill(billDate);
  // A day without any transaction has no bill (NO_STATEMENT_EXIST): compare against nothing.
  const rows = bill.kind === "ok" ? bill.value.rows : bill.kind === "business_error" && bill.code === "NO_STATEMENT_EXIST" ? [] : undefined;
  if (!rows) {
    const reason = bill.kind === "business_error" ? bill.code : bill.kind === "unknown" ? bill.reason : "config";
    logDecision({ ...log, decision: "RECONCILE_DEFERRED", billDate, reason });
    const failed: ReconcileReport = {
      _id: billDate,
      billDate,
      checkedAt: deps.now(),
      payments: 0,
      refunds: 0,
      discrepancies: [],
      error: reason,
    };
    await reconciliations.set(failed);
    return failed;
  }
  const payments = rows.filter((r) => r[COL.state] === "SUCCESS");
  const refundRows = rows.filter((r) => r[COL.state] === "REFUND");
  const found: Discrepancy[] = [];

  const orderIds = payments.map((r) => orderIdFromOutTradeNo(r[COL.outTradeNo] ?? "")).filter((x): x is string => Boolean(x));
  const ours = await byIds<OrderDoc>((ids) => orders.find({ _id: { $in: ids } }, { limit: BATCH }), orderIds);
  for (const r of payments) {
    const outTradeNo = r[COL.outTradeNo] ?? "";
    const order = ours.get(orderIdFromOutTradeNo(outTradeNo) ?? "");
    const amount = yuanToFen(r[COL.settled] ?? "");
    if (!order) found.push({ kind: "UNKNOWN_ORDER", outTradeNo });
    else if (amount !== order.amount)
      found.push({ kind: "AMOUNT_MISMATCH", outTradeNo, detail: `bill ${r[COL.settled]} yuan, order ${order.amount} fen` });
    else if (order.transactionId !== r[COL.transactionId] || order.status === "PENDING") {
      found.push({ kind: "PAID_NOT_RECORDED", outTradeNo, detail: `order is ${order.status}` });
    }
  }

  const refundIds = refundRows.map((r) => refundIdFromOutRefundNo(r[COL.outRefundNo] ?? "")).filter((x): x is string => Boolean(x));
  const ourRefunds = await byIds<RefundDoc>((ids) => refunds.find({ _id: { $in: ids } }, { limit: BATCH }), refundIds);
  for (const r of refundRows) {
    const outRefundNo = r[COL.outRefundNo] ?? "";
    const refund = ourRefunds.get(refundIdFromOutRefundNo(outRefundNo) ?? "");
    if (!refund) found.push({ kind: "UNKNOWN_REFUND", outRefundNo, outTradeNo: r[COL.outTradeNo] });
    else if (yuanToFen(r[COL.refundAmount] ?? "") !== refund.amount)
      found.push({ kind: "REFUND_AMOUNT_MISMATCH", outRefundNo, detail: `bill ${r[COL.refundAmount]} yuan, refund ${refund.amount} fen` });
  }

  // The other direction: what we recorded that day (China time) must be in the bill.
  const start = chinaInstant(billDate, "00:00");
  const thatDay = { $gte: start, $lt: start + DAY_MS };
  const inBill = new Set(payments.map((r) => r[COL.outTradeNo]));
  const paidThatDay = await orders.find({ paidAt: thatDay }, { limit: LOCAL_LIMIT });
  for (const o of paidThatDay) {
    if (!inBill.has(o.outTradeNo)) found.push({ kind: "NOT_IN_BILL", outTradeNo: o.outTradeNo, detail: "payment" });
  }
  const refundsInBill = new Set(refundRows.map((r) => r[COL.outRefundNo]));
  // Refund rows are filed under the day the refund was requested (as the simulator's bill does).
  const refundedThatDay = await refunds.find({ status: "SUCCESS", createdAt: thatDay }, { limit: LOCAL_LIMIT });
  for (const r of refundedThatDay) {
    if (!refundsInBill.has(r.outRefundNo))
      found.push({ kind: "NOT_IN_BILL", outRefundNo: r.outRefundNo, outTradeNo: r.outTradeNo, detail: "refund" });
  }

  found.push(...(await closedOrdersNotRefunded(deps)));

  const truncated = paidThatDay.length === LOCAL_LIMIT || refundedThatDay.length === LOCAL_LIMIT;
  const report: ReconcileReport = {
    _id: billDate,
    billDate,
    checkedAt: deps.now(),
    payments: payments.length,
    refunds: refundRows.length,
    discrepancies: found,
    ...(truncated ? { truncated } : {}),
  };
  await reconciliations.set(report);
  for (const d of found)
    logDecision({ ...log, decision: `RECONCILE_${d.kind}`, billDate, outTradeNo: d.outTradeNo, outRefundNo: d.outRefundNo });
  logDecision({
    ...log,
    decision: "RECONCILED",
    billDate,
    payments: report.payments,
    refunds: report.refunds,
    discrepancies: found.length,
  });
  return report;
}

/** Closed orders holding a payment (it arrived after they closed) whose automatic refund has not
 *  succeeded: the payer's money is still with the merchant. Whatever the day. */
async function closedOrdersNotRefunded(deps: StoreDeps): Promise<Discrepancy[]> {
  const closedPaid = await deps.db.orders.find({ status: "CLOSED", transactionId: { $exists: true }, refundedAmount: 0 }, { limit: BATCH });
  const autoIds = closedPaid.map((o) => autoRefundIdFor(o.transactionId as string));
  const autos = await byIds<RefundDoc>((ids) => deps.db.refunds.find({ _id: { $in: ids } }, { limit: BATCH }), autoIds);
  return closedPaid
    .map((o, i) => ({ o, r: autos.get(autoIds[i] as string) }))
    .filter(({ r }) => r?.status !== "SUCCESS")
    .map(({ o, r }) => ({
      kind: "CLOSED_ORDER_NOT_REFUNDED" as const,
      outTradeNo: o.outTradeNo,
      detail: r ? `automatic refund ${r.status}${r.failure ? ` (${r.failure})` : ""}` : "no refund recorded",
    }));
}

/** Bills for a day are ready after 10:00 China time the next day. */
const BILL_READY_HOUR = 10;
/** After a failed attempt (bill not ready, WeChat Pay unreachable), wait this long. */
const RETRY_MS = 30 * 60_000;

/** Called by every sweep: reconciles yesterday once, when its bill should be ready. */
export async function reconcileYesterdayIfDue(deps: PaymentDeps, log: LogContext): Promise<ReconcileReport | undefined> {
  const now = deps.now();
  const today = chinaDate(now);
  if (now < chinaInstant(today, `${BILL_READY_HOUR}:00`)) return undefined;
  const yesterday = chinaDate(now - DAY_MS);
  const done = await deps.db.reconciliations.get(yesterday);
  if (done && (!done.error || done.checkedAt > now - RETRY_MS)) return undefined;
  return reconcile(deps, yesterday, log);
}
