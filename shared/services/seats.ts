// Seat holds live in the train document, keyed by order id: holding and releasing are each one
// conditional update of one document, so seats are never oversold, never negative, never
// released twice. A hold may only outlive its order's seat-holding states by a crash or a race;
// the sweeper finds such holds (repairHoldLeaks) and gives them back.
import type { SeatClassCode } from "../contracts/api";
import { SEAT_HOLDING_STATES } from "../orders/state-machine";
import type { OrderDoc } from "../store/model";
import type { StoreDeps } from "./deps";

export async function holdSeats(deps: StoreDeps, trainId: string, orderId: string, seatClass: SeatClassCode, count: number): Promise<boolean> {
  const won = await deps.db.trains.update(
    { _id: trainId, [`seats.${seatClass}.remaining`]: { $gte: count }, [`holds.${orderId}`]: { $exists: false } },
    { $inc: { [`seats.${seatClass}.remaining`]: -count }, $set: { [`holds.${orderId}`]: { seatClass, count, at: deps.now() } } },
  );
  return won === 1;
}

/** A hold already there for this order (a twin call, or an earlier attempt that stopped) becomes
 *  this booking's: its time is renewed, so a leak repair that saw the old one leaves it alone. */
export async function adoptHold(deps: StoreDeps, trainId: string, orderId: string): Promise<boolean> {
  if ((await deps.db.trains.update({ _id: trainId, [`holds.${orderId}`]: { $exists: true } }, { $set: { [`holds.${orderId}.at`]: deps.now() } })) === 1) return true;
  // 0 also when the hold is there with this very time already: read before deciding.
  return Boolean((await deps.db.trains.get(trainId))?.holds?.[orderId]);
}

/** Gives the hold of one order back, if there is one (keyed: at most once); with `at`, only the
 *  hold as it was seen then. */
export async function releaseHold(deps: StoreDeps, trainId: string, orderId: string, seatClass: SeatClassCode, count: number, at?: number): Promise<boolean> {
  const released = await deps.db.trains.update(
    { _id: trainId, [`holds.${orderId}`]: { $exists: true }, ...(at !== undefined ? { [`holds.${orderId}.at`]: at } : {}) },
    { $inc: { [`seats.${seatClass}.remaining`]: count }, $unset: { [`holds.${orderId}`]: true } },
  );
  return released === 1;
}

/** Gives the order's seats back (if still held) and marks the order as holding none. */
export async function releaseSeats(deps: StoreDeps, order: Pick<OrderDoc, "_id" | "train" | "passengers">): Promise<void> {
  await releaseHold(deps, order.train.trainId, order._id, order.train.seatClass, order.passengers.length);
  await deps.db.orders.update({ _id: order._id, seatsHeld: true }, { $set: { seatsHeld: false } });
}

/** Holds on trains not yet departed whose order is gone or no longer holds seats: given back.
 *  Trains are visited oldest-checked first, a few per pass. Answers how many holds were released. */
export async function repairHoldLeaks(deps: StoreDeps, batch: number): Promise<number> {
  const now = deps.now();
  let released = 0;
  const trains = await deps.db.trains.find({ departAt: { $gt: now } }, { orderBy: ["holdsCheckedAt", "asc"], limit: batch });
  for (const t of trains) {
    const holds = Object.entries(t.holds ?? {});
    // A hold younger than a minute may belong to a booking still between insert and hold.
    const settled = holds.filter(([, h]) => h.at <= now - 60_000);
    if (settled.length > 0) {
      const ids = settled.map(([id]) => id);
      const live = new Set((await deps.db.orders.find({ _id: { $in: ids }, status: { $in: [...SEAT_HOLDING_STATES] } }, { limit: ids.length })).map((o) => o._id));
      for (const [orderId, h] of settled) {
        if (!live.has(orderId) && (await releaseHold(deps, t._id, orderId, h.seatClass, h.count, h.at))) released++;
      }
    }
    await deps.db.trains.update({ _id: t._id }, { $set: { holdsCheckedAt: now } });
  }
  return released;
}
