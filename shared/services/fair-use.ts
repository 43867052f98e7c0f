// Fair use of the seats: one unpaid order per user, and a few bookings a minute. Both live in the
// user's document (made by login) and are taken with one conditional update on the happy path:
// the slot is free when `pendingUntil` (the unpaid order's expiry) has passed, and the minute's
// count is under the limit. The slot is given back when the order closes or is seen paid; a slot
// whose order was paid or closed without that is found free by reading the order (self-healing).
// createOrder takes the slot beside the order's insert (one round trip for both), so a slot may
// name an order still being written: within SLOT_IN_FLIGHT_MS of its take (`pendingSince`) a slot
// naming a missing order is a booking in flight, not a free slot.
import { AppError } from "../errors";
import type { Caller } from "../runtime/identity";
import type { UserDoc } from "../store/model";
import type { StoreDeps } from "./deps";

/** Bookings a user may start per minute (retries of the same booking are not counted). */
export const BOOKINGS_PER_MINUTE = 5;
const MINUTE_MS = 60_000;
/** How long after its take a slot naming an order that is not in the database counts as a booking
 *  whose insert is still on its way. Twice createOrder's function timeout (15 s, cloudbaserc.json):
 *  by then the call that sent the insert has ended, and its insert has landed or never will. Later,
 *  such a slot is free (its booking died between the two writes). */
export const SLOT_IN_FLIGHT_MS = 30_000;

/** What a take found: "took" (this call took the slot, at `at`) or "had" (it was already held for
 *  this same order: a retry or a twin call with the same clientToken); `until`: when the slot ends. */
export type SlotTake = { kind: "took"; until: number; at: number } | { kind: "had"; until: number };

/** Takes the user's booking slot for `orderId` until `until`, or throws: ORDER_STATE (another unpaid
 *  order; data.pendingOrderId), CONFLICT (another booking of this user is being written: retry in a
 *  moment) or RATE_LIMITED (data.retryAfterSeconds). The same order again (a retry with the same
 *  clientToken) passes without counting. */
export async function takeBookingSlot(deps: StoreDeps, caller: Caller, orderId: string, until: number): Promise<SlotTake> {
  const { users } = deps.db;
  const now = deps.now();
  const minute = Math.floor(now / MINUTE_MS);
  const take = { pendingOrderId: orderId, pendingUntil: until, pendingSince: now };
  const took: SlotTake = { kind: "took", until, at: now };
  // The first booking of a minute; then one more within the minute.
  if (
    (await users.update(
      { _id: caller.openid, pendingUntil: { $lte: now }, rateWindow: { $ne: minute } },
      { $set: { ...take, rateWindow: minute, rateCount: 1 } },
    )) === 1
  )
    return took;
  if (
    (await users.update(
      { _id: caller.openid, pendingUntil: { $lte: now }, rateWindow: minute, rateCount: { $lt: BOOKINGS_PER_MINUTE } },
      { $set: take, $inc: { rateCount: 1 } },
    )) === 1
  )
    return took;

  // Read, decide, compare-and-set on exactly what was read.
  for (let attempt = 0; attempt < 4; attempt++) {
    const u = await users.get(caller.openid);
    if (!u) {
      const fresh: UserDoc = { _id: caller.openid, appid: caller.appid, createdAt: now, ...take, rateWindow: minute, rateCount: 1 };
      if ((await users.insert(fresh)) === "inserted") return took;
      continue;
    }
    const pendingUntil = u.pendingUntil ?? 0;
    if (u.pendingOrderId === orderId && pendingUntil > now) return { kind: "had", until: pendingUntil }; // this very booking again
    if (u.pendingOrderId && pendingUntil > now) {
      const other = await deps.db.orders.get(u.pendingOrderId);
      if (other?.status === "PENDING")
        throw new AppError("ORDER_STATE", "您有一个待支付的订单，请先支付或取消", { pendingOrderId: other._id });
      // Taken moments ago for an order not there yet: that booking's insert is in flight. CONFLICT
      // (retry), not ORDER_STATE with pendingOrderId: the page would open an order not yet written.
      if (!other && u.pendingSince !== undefined && now - u.pendingSince < SLOT_IN_FLIGHT_MS)
        throw new AppError("CONFLICT", "上一笔预订正在处理，请稍后重试");
      // Paid or closed since, or its booking died before the order was written: the slot is free.
    }
    const sameMinute = u.rateWindow === minute;
    const count = sameMinute ? (u.rateCount ?? 0) : 0;
    if (count >= BOOKINGS_PER_MINUTE) {
      const retryAfterSeconds = Math.max(1, Math.ceil(((minute + 1) * MINUTE_MS - now) / 1000));
      throw new AppError("RATE_LIMITED", `预订过于频繁，请 ${retryAfterSeconds} 秒后再试`, { retryAfterSeconds });
    }
    const was = (v: unknown) => (v === undefined ? { $exists: false } : v);
    const where = {
      _id: caller.openid,
      pendingOrderId: was(u.pendingOrderId),
      pendingUntil: was(u.pendingUntil),
      rateWindow: was(u.rateWindow),
      rateCount: was(u.rateCount),
    };
    if ((await users.update(where, { $set: { ...take, rateWindow: minute, rateCount: count + 1 } })) === 1) return took;
  }
  throw new AppError("CONFLICT", "请求过于频繁，请稍后重试");
}

/** Undoes a take that should not have happened (the order its token names is no longer unpaid):
 *  the slot freed and the minute's count given back, only while this very take is the slot's last
 *  one (same order, same time, same minute). A slot found held ("had") is left. */
export async function undoSlotTake(deps: StoreDeps, openid: string, orderId: string, take: SlotTake): Promise<void> {
  if (take.kind !== "took") return;
  await deps.db.users.update(
    { _id: openid, pendingOrderId: orderId, pendingSince: take.at, rateWindow: Math.floor(take.at / MINUTE_MS) },
    { $set: { pendingUntil: 0 }, $unset: { pendingOrderId: true, pendingSince: true }, $inc: { rateCount: -1 } },
  );
}

/** Makes the slot held for `orderId` end when that order expires: a take beside the insert used this
 *  call's expiry, and the order that stands may be an earlier attempt's. Keyed on what was taken. */
export async function alignSlot(deps: StoreDeps, openid: string, orderId: string, take: SlotTake, expiresAt: number): Promise<void> {
  if (take.until === expiresAt) return;
  await deps.db.users.update({ _id: openid, pendingOrderId: orderId, pendingUntil: take.until }, { $set: { pendingUntil: expiresAt } });
}

/** Gives the slot back if `orderId` holds it (keyed: harmless to repeat, never frees another order's). */
export async function releaseBookingSlot(deps: StoreDeps, openid: string, orderId: string): Promise<void> {
  await deps.db.users.update(
    { _id: openid, pendingOrderId: orderId },
    { $set: { pendingUntil: 0 }, $unset: { pendingOrderId: true, pendingSince: true } },
  );
}
