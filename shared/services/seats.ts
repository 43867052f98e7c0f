// Seat holds live in the train document, keyed by order id: holding and releasing are each one
// conditional update of one document, so seats are never oversold, never negative, never
// released twice.
import type { SeatClassCode } from "../contracts/api";
import { cmd } from "../store/db";
import { orders, trains } from "../store/repos";
import type { OrderDoc } from "../store/model";

export async function holdSeats(trainId: string, orderId: string, seatClass: SeatClassCode, count: number, now: number): Promise<boolean> {
  const _ = cmd();
  const won = await trains.update(
    { _id: trainId, [`seats.${seatClass}.remaining`]: _.gte(count), [`holds.${orderId}`]: _.exists(false) },
    { [`seats.${seatClass}.remaining`]: _.inc(-count), [`holds.${orderId}`]: _.set({ seatClass, count, at: now }) },
  );
  return won === 1;
}

export async function hasHold(trainId: string, orderId: string): Promise<boolean> {
  const t = await trains.get(trainId);
  return Boolean(t?.holds?.[orderId]);
}

/** Gives the order's seats back (if still held) and marks the order as holding none. */
export async function releaseSeats(order: Pick<OrderDoc, "_id" | "train" | "passengers">): Promise<void> {
  const _ = cmd();
  const c = order.train.seatClass;
  await trains.update(
    { _id: order.train.trainId, [`holds.${order._id}`]: _.exists(true) },
    { [`seats.${c}.remaining`]: _.inc(order.passengers.length), [`holds.${order._id}`]: _.remove() },
  );
  await orders.update({ _id: order._id, seatsHeld: true }, { seatsHeld: false });
}
