// sweeper: timer trigger, every minute. Also `tcb fn invoke sweeper --params '{"reconcileDate":"YYYY-MM-DD"}'`
// reconciles one day's trade bill on demand. Never for mini-program users: a call that carries a
// WX_OPENID is refused. (What it does on request is idempotent: a sweep, or a reconciliation report.)
import { hasMiniProgramCaller } from "../../shared/runtime/identity";
import { logError } from "../../shared/runtime/log";
import { paymentDeps } from "../../shared/runtime/payment";
import type { ReconcileReport } from "../../shared/store/model";
import { reconcile } from "../../shared/services/reconcile";
import { sweep, type SweepReport } from "../../shared/services/sweeper";

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function main(event: unknown): Promise<SweepReport | ReconcileReport | { error: string }> {
  if (hasMiniProgramCaller()) return { error: "not callable from the mini-program" };
  try {
    const date = (event as { reconcileDate?: unknown } | null)?.reconcileDate;
    if (date !== undefined) {
      if (typeof date !== "string" || !DATE.test(date)) return { error: "reconcileDate must be YYYY-MM-DD" };
      return await reconcile(paymentDeps("sweeper"), date, { fn: "sweeper" });
    }
    return await sweep(paymentDeps("sweeper"));
  } catch (e) {
    logError("sweeper", e);
    return { error: "sweep failed" };
  }
}
