// 概览: today and the last 14 days (China time) — orders created, payments, successful refunds —
// and how many exceptions are open.
import { chinaDate, chinaInstant } from "../catalog/catalog";
import type { DaySummary, OverviewView } from "./contract";
import type { OpsStoreDeps } from "./deps";
import { listExceptions } from "./exceptions";

const DAY_MS = 86400_000;
const DAYS = 14;
/** The database answers at most 1000 documents per query. */
const LIMIT = 1000;

export async function overview(deps: OpsStoreDeps): Promise<OverviewView> {
  const now = deps.now();
  const { orders, refunds } = deps.db;
  const dates = Array.from({ length: DAYS }, (_x, i) => chinaDate(now - (DAYS - 1 - i) * DAY_MS));
  const start = chinaInstant(dates[0]!, "00:00");
  const since = { $gte: start };
  const [created, paid, refunded, exceptions] = await Promise.all([
    orders.find({ createdAt: since }, { limit: LIMIT }),
    orders.find({ paidAt: since }, { limit: LIMIT }),
    refunds.find({ status: "SUCCESS", succeededAt: since }, { limit: LIMIT }),
    listExceptions(deps, "open"),
  ]);
  const byDate = new Map<string, DaySummary>(
    dates.map((date) => [date, { date, orders: 0, paidCount: 0, paidAmount: 0, refundCount: 0, refundAmount: 0 }]),
  );
  for (const o of created) {
    const d = byDate.get(chinaDate(o.createdAt));
    if (d) d.orders++;
  }
  for (const o of paid) {
    const d = byDate.get(chinaDate(o.paidAt!));
    if (d) {
      d.paidCount++;
      d.paidAmount += o.amount;
    }
  }
  for (const r of refunded) {
    const d = byDate.get(chinaDate(r.succeededAt!));
    if (d) {
      d.refundCount++;
      d.refundAmount += r.amount;
    }
  }
  const days = dates.map((date) => byDate.get(date)!);
  const openByKind: OverviewView["openByKind"] = {};
  for (const i of exceptions.items) openByKind[i.kind] = (openByKind[i.kind] ?? 0) + 1;
  return {
    today: days[days.length - 1]!,
    days,
    openExceptions: exceptions.items.length,
    openByKind,
    truncated: created.length === LIMIT || paid.length === LIMIT || refunded.length === LIMIT || exceptions.truncated,
  };
}
