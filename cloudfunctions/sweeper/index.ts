// sweeper: timer trigger, every minute.
import { logError } from "../../shared/runtime/log";
import { paymentDeps } from "../../shared/runtime/payment";
import { sweep, type SweepReport } from "../../shared/services/sweeper";

export async function main(): Promise<SweepReport | { error: string }> {
  try {
    return await sweep(paymentDeps("sweeper"));
  } catch (e) {
    logError("sweeper", e);
    return { error: "sweep failed" };
  }
}
