// The timer that keeps every order honest. First the repairs that need only the database (finish
// what a crash interrupted: reservations, seat releases, leaked holds), so they can never be starved;
// then, within a time budget, the work that asks WeChat Pay: expired orders closed there and here,
// quiet PENDING orders queried, refunds in flight followed (automatic ones re-sent until WeChat Pay
// takes them), late payments refunded; then reconciliation. Each step is bounded; whatever is left
// waits for the next minute.
import { logDecision, type LogContext } from "../runtime/log";
import type { PaymentDeps } from "./deps";
import { closeExpired, followRefund } from "./follow-up";
import { syncOrder } from "./traveller-orders";
import { reconcileYesterdayIfDue } from "./reconcile";
import { releaseReservation } from "./refunds";
import { releaseSeats, repairHoldLeaks } from "./seats";
import { dueReminders, sendReminder } from "./reminders";
import { startAutoRefund } from "./settlement";

const FN = "sweeper";
const LOG: LogContext = { fn: FN };
const BATCH = 50;
/** A PENDING order this old with no notification gets a query. */
const QUIET_MS = 60_000;
/** ABNORMAL refunds wait for the merchant to re-route the money: asked about hourly. */
const ABNORMAL_EVERY_MS = 3600_000;
/** Of the function's 60 s, what subscription reminders may use. */
const REMINDER_BUDGET_MS = 10_000;
/** Of the function's 60 s, what WeChat Pay calls may use; the rest is margin to finish and report. */
export const WECHATPAY_BUDGET_MS = 40_000;

export interface SweepReport {
  expiredClosed: number;
  expiredPaid: number;
  queried: number;
  refundsChecked: number;
  reservationsReleased: number;
  seatsReleased: number;
  holdLeaksRepaired: number;
  autoRefundsStarted: number;
  /** 出发提醒 claimed and sent (or failed: recorded on the order). */
  remindersSent: number;
  /** WeChat Pay work left for the next sweep because the budget ran out. */
  deferred: number;
  /** The bill date reconciled in this sweep, with how many discrepancies (or why not). */
  reconciled?: { billDate: string; discrepancies: number; error?: string };
  errors: number;
}

export async function sweep(deps: PaymentDeps, budgetMs = WECHATPAY_BUDGET_MS): Promise<SweepReport> {
  const { orders, refunds } = deps.db;
  const start = deps.now();
  const report: SweepReport = {
    expiredClosed: 0,
    expiredPaid: 0,
    queried: 0,
    refundsChecked: 0,
    reservationsReleased: 0,
    seatsReleased: 0,
    holdLeaksRepaired: 0,
    autoRefundsStarted: 0,
    remindersSent: 0,
    deferred: 0,
    errors: 0,
  };
  const guard = async (what: string, id: string, f: () => Promise<void>) => {
    try {
      await f();
    } catch (e) {
      report.errors++;
      logDecision({ fn: FN, decision: "SWEEP_ERROR", what, orderId: id, message: String((e as Error)?.message ?? e).slice(0, 200) });
    }
  };

  // ---- database only ----
  for (const r of await refunds.find({ status: { $in: ["CLOSED", "FAILED"] }, reservationHeld: true }, { limit: BATCH })) {
    await guard("reservation", r.orderId, async () => {
      await releaseReservation(deps, r);
      report.reservationsReleased++;
    });
  }
  for (const o of await orders.find({ status: { $in: ["CLOSED", "REFUNDED"] }, seatsHeld: true }, { limit: BATCH })) {
    await guard("release", o._id, async () => {
      await releaseSeats(deps, o);
      report.seatsReleased++;
    });
  }
  await guard("holds", "-", async () => {
    report.holdLeaksRepaired += await repairHoldLeaks(deps, BATCH);
  });
  // Not WeChat Pay, but an outside call each (up to 3 s): bounded by the batch and its own budget,
  // before the WeChat Pay work; what is left is sent by the next sweep.
  for (const o of await dueReminders(deps, BATCH)) {
    if (deps.now() - start > REMINDER_BUDGET_MS) break;
    await guard("reminder", o._id, async () => {
      if (await sendReminder(deps, o, LOG)) report.remindersSent++;
    });
  }

  // ---- WeChat Pay, within the budget (oldest check first, so nothing that keeps failing starves the rest) ----
  const inBudget = () => deps.now() - start < budgetMs;
  const now = start;
  const byCheck = { orderBy: ["checkedAt", "asc"] as [string, "asc"], limit: BATCH };
  const work: { what: string; id: string; run: () => Promise<void> }[] = [];
  for (const o of await orders.find({ status: "PENDING", expiresAt: { $lte: now } }, byCheck)) {
    work.push({
      what: "expire",
      id: o._id,
      run: async () => {
        await orders.update({ _id: o._id, status: "PENDING" }, { $set: { checkedAt: deps.now() } });
        const r = await closeExpired(deps, o, "sweeper", LOG);
        if (r === "closed") report.expiredClosed++;
        if (r === "paid") report.expiredPaid++;
      },
    });
  }
  for (const o of await orders.find(
    { status: "PENDING", expiresAt: { $gt: now }, createdAt: { $lte: now - QUIET_MS }, prepayId: { $exists: true } },
    byCheck,
  )) {
    work.push({
      what: "query",
      id: o._id,
      run: async () => {
        report.queried++;
        await syncOrder(deps, o, LOG); // sets checkedAt
      },
    });
  }
  const inFlight = await refunds.find({ status: { $in: ["CREATED", "PROCESSING"] }, createdAt: { $lte: now - 5_000 } }, byCheck);
  const abnormal = await refunds.find({ status: "ABNORMAL", checkedAt: { $lte: now - ABNORMAL_EVERY_MS } }, byCheck);
  for (const r of [...inFlight, ...abnormal]) {
    work.push({
      what: "refund",
      id: r.orderId,
      run: async () => {
        report.refundsChecked++;
        await refunds.update({ _id: r._id }, { $set: { checkedAt: deps.now() } });
        await followRefund(deps, r, LOG);
      },
    });
  }
  // A late payment whose automatic refund was never recorded (a crash right after recording it).
  for (const o of await orders.find({ status: "CLOSED", transactionId: { $exists: true }, refundedAmount: 0 }, { limit: BATCH })) {
    work.push({
      what: "autorefund",
      id: o._id,
      run: async () => {
        const r = await startAutoRefund(deps, o, LOG); // an existing one is answered as it is

        if (r.createdAt >= start) report.autoRefundsStarted++;
      },
    });
  }
  for (const [i, w] of work.entries()) {
    if (!inBudget()) {
      report.deferred = work.length - i;
      break;
    }
    await guard(w.what, w.id, w.run);
  }

  if (inBudget()) {
    await guard("reconcile", "-", async () => {
      const r = await reconcileYesterdayIfDue(deps, LOG);
      if (r) report.reconciled = { billDate: r.billDate, discrepancies: r.discrepancies.length, ...(r.error ? { error: r.error } : {}) };
    });
  }

  logDecision({ fn: FN, decision: "SWEPT", ...report, reconciled: report.reconciled?.billDate });
  return report;
}
