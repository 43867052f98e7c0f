// Booking helpers the function benches share: valid ID numbers, the envelope, bookable trains, login.
import type { FunctionResult, SeatClassCode, TrainView, TrainsResult } from "../../shared/contracts/api";
import { chinaDate } from "../../shared/catalog/catalog";
import { idCardCheckChar } from "../../shared/orders/idcard";
import type { LocalStack } from "../../dev/launch";
import { closedLoop } from "./load";

/** A valid 18-digit ID number, different for every `n` (below 21 000). */
export function idCard(n: number): string {
  const first17 = `110105${1970 + (n % 40)}${String(1 + (n % 12)).padStart(2, "0")}${String(1 + (n % 28)).padStart(2, "0")}${String(n % 1000).padStart(3, "0")}`;
  return first17 + idCardCheckChar(first17);
}

export const unwrap = <T>(what: string, r: { status: number; result: FunctionResult<T> }): T => {
  if (r.status !== 200 || !r.result?.ok) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.result ?? null).slice(0, 300)}`);
  return r.result.data;
};

/** Every future train with seats left in the class, in date order (tomorrow … +days). */
export async function bookableTrains(stack: LocalStack, seatClass: SeatClassCode, days: number): Promise<TrainView[]> {
  const out: TrainView[] = [];
  for (let d = 1; d <= days; d++) {
    const r = unwrap<TrainsResult>(
      "trains",
      await stack.call("trains", { date: chinaDate(Date.now() + d * 86400_000) }, { openid: "o-bench-browser" }),
    );
    for (const t of r.trains) if (t.seats.some((s) => s.code === seatClass && s.remaining > 0)) out.push(t);
  }
  if (out.length === 0) throw new Error("no bookable trains in the catalog");
  return out;
}

/** Logs users in (what the app does at launch: it makes the user document fair use keeps its
 *  booking slot in), `concurrency` at a time. Not timed. */
export async function logIn(stack: LocalStack, openids: readonly string[], concurrency = 16): Promise<void> {
  await closedLoop(
    openids.length,
    concurrency,
    async (i) => void unwrap("login", await stack.call("login", {}, { openid: openids[i]!, appid: "wx-bench" })),
  );
}
