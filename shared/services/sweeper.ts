// The timer that keeps every order honest: expired orders closed at WeChat Pay and here, PENDING
// orders with no notification asked about, refunds in flight followed, seats of finished orders
// given back. Each pass is bounded; whatever is left waits for the next minute.
import { logDecision, type LogContext } from "../runtime/log";
import { cmd } from "../store/db";
import { orders, refunds } from "../store/repos";
import type { PaymentDeps } from "./deps";
import { syncOrder } from "./orderQueries";
import { applyRefundOutcome, releaseReservation, submitRefund } from "./refunds";
import { releaseSeats } from "./seats";
import { reconcileYesterdayIfDue } from "./reconcile";
import { closeExpired } from "./settlement";

const FN = "sweeper";
const LOG: LogContext = { fn: FN };
const BATCH = 50;
/** A PENDING order this old with no notification gets a query. */
const QUIET_MS = 60_000;
/** A CREATED refund WeChat Pay does not know is sent again only after any request of ours could
 *  have arrived (the gateway gives up after at most 60 s). */
const RESUBMIT_AFTER_MS = 2 * 60_000;
/** ABNORMAL refunds wait for the merchant to re-route the money: asked about hourly. */
const ABNORMAL_EVERY_MS = 3600_000;

export interface SweepReport {
  expiredClosed: number;
  expiredPaid: number;
  queried: number;
  refundsChecked: number;
  seatsReleased: number;
  /** The bill date reconciled in this sweep, with how many discrepancies (or why not). */
  reconciled?: { billDate: string; discrepancies: number; error?: string };
  errors: number;
}

export async function sweep(deps: PaymentDeps): Promise<SweepReport> {
  const _ = cmd();
  const now = deps.now();
  const report: SweepReport = { expiredClosed: 0, expiredPaid: 0, queried: 0, refundsChecked: 0, seatsReleased: 0, errors: 0 };
  const guard = async (what: string, id: string, f: () => Promise<void>) => {
    try {
      await f();
    } catch (e) {
      report.errors++;
      logDecision({ fn: FN, decision: "SWEEP_ERROR", what, orderId: id, message: String((e as Error)?.message ?? e).slice(0, 200) });
    }
  };

  // Oldest check first everywhere, so an item that keeps failing cannot starve the rest.
  const byCheck = { orderBy: ["checkedAt", "asc"] as [string, "asc"], limit: BATCH };

  for (const o of await orders.find({ status: "PENDING", expiresAt: _.lte(now) }, byCheck)) {
    await guard("expire", o._id, async () => {
      const r = await closeExpired(o, deps, LOG);
      if (r === "closed") report.expiredClosed++;
      if (r === "paid") report.expiredPaid++;
      if (r === "retry") await orders.update({ _id: o._id, status: "PENDING" }, { checkedAt: now });
    });
  }

  for (const o of await orders.find({ status: "PENDING", expiresAt: _.gt(now), createdAt: _.lte(now - QUIET_MS), prepayId: _.exists(true) }, byCheck)) {
    await guard("query", o._id, async () => {
      report.queried++;
      await syncOrder(o, deps, LOG); // sets checkedAt
    });
  }

  const inFlight = await refunds.find({ status: _.in(["CREATED", "PROCESSING"]), createdAt: _.lte(now - 5_000) }, byCheck);
  const abnormal = await refunds.find({ status: "ABNORMAL", checkedAt: _.lte(now - ABNORMAL_EVERY_MS) }, byCheck);
  for (const r of [...inFlight, ...abnormal]) {
    await guard("refund", r.orderId, async () => {
      report.refundsChecked++;
      const gw = await deps.gateway();
      const q = await gw.queryRefund(r.outRefundNo);
      await refunds.update({ _id: r._id }, { checkedAt: now });
      if (q.kind === "ok") await applyRefundOutcome(r, q.value, deps, { ...LOG, requestId: q.requestId });
      else if (r.status === "CREATED" && r.createdAt <= now - RESUBMIT_AFTER_MS && q.kind === "business_error" && q.code === "RESOURCE_NOT_EXISTS") {
        // Never reached WeChat Pay (and no request of ours can still be on its way): send it again.
        const order = await orders.get(r.orderId);
        if (order) await submitRefund(r, order.amount, deps, LOG);
      }
    });
  }

  for (const r of await refunds.find({ status: _.in(["CLOSED", "FAILED"]), reservationHeld: true }, { limit: BATCH })) {
    await guard("reservation", r.orderId, () => releaseReservation(r));
  }

  for (const o of await orders.find({ status: _.in(["CLOSED", "REFUNDED"]), seatsHeld: true }, { limit: BATCH })) {
    await guard("release", o._id, async () => {
      await releaseSeats(o);
      report.seatsReleased++;
    });
  }

  await guard("reconcile", "-", async () => {
    const r = await reconcileYesterdayIfDue(deps, LOG);
    if (r) report.reconciled = { billDate: r.billDate, discrepancies: r.discrepancies.length, ...(r.error ? { error: r.error } : {}) };
  });

  logDecision({ fn: FN, decision: "SWEPT", ...report, reconciled: report.reconciled?.billDate });
  return report;
}
