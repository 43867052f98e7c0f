// 对账: the stored reports by date with their discrepancies, a re-run for a date (the services'
// reconcile, unchanged), and a CSV a spreadsheet opens.
import { orderIdFromOutTradeNo } from "../orders/ids";
import { reconcile } from "../services/reconcile";
import type { ReconcileReport } from "../store/model";
import { audit } from "./audit";
import { requireRole, type Actor } from "./authz";
import type { ReconcileDetail, ReconcileSummary } from "./contract";
import type { OpsDeps, OpsStoreDeps } from "./deps";
import { OpsError } from "./errors";
import { reconcileKey, resolutionsOf } from "./exceptions";

const summary = (r: ReconcileReport): ReconcileSummary => ({
  billDate: r.billDate,
  checkedAt: r.checkedAt,
  payments: r.payments,
  refunds: r.refunds,
  discrepancies: r.discrepancies.length,
  ...(r.error ? { error: r.error } : {}),
  ...(r.truncated ? { truncated: true } : {}),
});

export async function listReports(deps: OpsStoreDeps): Promise<ReconcileSummary[]> {
  return (await deps.db.reconciliations.find({}, { orderBy: ["billDate", "desc"], limit: 90 })).map(summary);
}

export async function reportDetail(deps: OpsStoreDeps, billDate: string): Promise<ReconcileDetail> {
  const r = await deps.db.reconciliations.get(billDate);
  if (!r) throw new OpsError("NOT_FOUND", "该日期还没有对账报告");
  const keys = r.discrepancies.map((d) => reconcileKey(billDate, d));
  const done = await resolutionsOf(deps, keys);
  return {
    ...summary(r),
    items: r.discrepancies.map((d, i) => {
      const orderId = d.outTradeNo ? orderIdFromOutTradeNo(d.outTradeNo) : undefined;
      const resolved = done.get(keys[i]!)?.resolved;
      return { ...d, key: keys[i]!, ...(orderId ? { orderId } : {}), ...(resolved ? { resolved } : {}) };
    }),
  };
}

export async function rerunReconcile(deps: OpsDeps, actor: Actor, billDate: string): Promise<ReconcileDetail> {
  requireRole(actor, "finance");
  const before = await deps.db.reconciliations.get(billDate);
  const report = await reconcile(deps.payment(), billDate, { fn: "ops" });
  await audit(deps, actor, {
    action: "reconcile.run",
    outcome: report.error ? "error" : "ok",
    billDate,
    before: before ? { discrepancies: before.discrepancies.length, checkedAt: before.checkedAt } : null,
    after: {
      discrepancies: report.discrepancies.length,
      payments: report.payments,
      refunds: report.refunds,
      ...(report.error ? { error: report.error } : {}),
    },
  });
  return reportDetail(deps, billDate);
}

/** A cell as text a spreadsheet will not run: quoted, and a leading = + - @ defused. */
function cell(v: string | number | undefined): string {
  const s = v === undefined ? "" : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function reportCsv(d: ReconcileDetail): string {
  const rows: Array<Array<string | number | undefined>> = [
    ["账单日期", "核对时间", "支付笔数", "退款笔数", "差异数", "错误"],
    [d.billDate, new Date(d.checkedAt).toISOString(), d.payments, d.refunds, d.discrepancies, d.error],
    [],
    ["差异类型", "商户订单号", "商户退款单号", "说明", "处理人", "处理说明"],
    ...d.items.map((i) => [i.kind, i.outTradeNo, i.outRefundNo, i.detail, i.resolved?.by, i.resolved?.note]),
  ];
  // BOM: Excel opens UTF-8 (Chinese headers) correctly only with it.
  return "\uFEFF" + rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}
