// Fair use of the seats: one unpaid order per user, and a few bookings a minute. Both live in the
// user's document (made by login) and are taken with one conditional update on the happy path:
// the slot is free when `pendingUntil` (the unpaid order's expiry) has passed, and the minute's
// count is under the limit. The slot is given back when the order closes or is seen paid; a slot
// whose order was paid or closed without that is found free by reading the order (self-healing).
import { AppError } from "../errors";
import type { Caller } from "../runtime/identity";
import type { UserDoc } from "../store/model";
import type { StoreDeps } from "./deps";

/** Bookings a user may start per minute (retries of the same booking are not counted). */
export const BOOKINGS_PER_MINUTE = 5;
const MINUTE_MS = 60_000;

/** Takes the user's booking slot for `orderId` until `until`, or throws: ORDER_STATE (another unpaid
 *  order; data.pendingOrderId) or RATE_LIMITED (data.retryAfterSeconds). The same order again
 *  (a retry with the same clientToken) passes without counting. */
export async function takeBookingSlot(deps: StoreDeps, caller: Caller, orderId: string, until: number): Promise<void> {
  const { users } = deps.db;
  const now = deps.now();
  const minute = Math.floor(now / MINUTE_MS);
  const take = { pendingOrderId: orderId, pendingUntil: until };
  // The first booking of a minute; then one more within the minute.
  if (
    (await users.update(
      { _id: caller.openid, pendingUntil: { $lte: now }, rateWindow: { $ne: minute } },
      { $set: { ...take, rateWindow: minute, rateCount: 1 } },
    )) === 1
  )
    return;
  if (
    (await users.update(
      { _id: caller.openid, pendingUntil: { $lte: now }, rateWindow: minute, rateCount: { $lt: BOOKINGS_PER_MINUTE } },
      { $set: take, $inc: { rateCount: 1 } },
    )) === 1
  )
    return;

  // Read, decide, compare-and-set on exactly what was read.
  for (let attempt = 0; attempt < 4; attempt++) {
    const u = await users.get(caller.openid);
    if (!u) {
      const fresh: UserDoc = { _id: caller.openid, appid: caller.appid, createdAt: now, ...take, rateWindow: minute, rateCount: 1 };
      if ((await users.insert(fresh)) === "inserted") return;
      continue;
    }
    const pendingUntil = u.pendingUntil ?? 0;
    if (u.pendingOrderId === orderId && pendingUntil > now) return; // this very booking again
    if (u.pendingOrderId && pendingUntil > now) {
      const other = await deps.db.orders.get(u.pendingOrderId);
      if (other?.status === "PENDING")
        throw new AppError("ORDER_STATE", "您有一个待支付的订单，请先支付或取消", { pendingOrderId: other._id });
      // Paid or closed since: the slot is free.
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
    if ((await users.update(where, { $set: { ...take, rateWindow: minute, rateCount: count + 1 } })) === 1) return;
  }
  throw new AppError("CONFLICT", "请求过于频繁，请稍后重试");
}

/** Gives the slot back if `orderId` holds it (keyed: harmless to repeat, never frees another order's). */
export async function releaseBookingSlot(deps: StoreDeps, openid: string, orderId: string): Promise<void> {
  await deps.db.users.update({ _id: openid, pendingOrderId: orderId }, { $set: { pendingUntil: 0 }, $unset: { pendingOrderId: true } });
}
