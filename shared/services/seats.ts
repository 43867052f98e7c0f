// Seat holds live in the train document, one per seat (`seatMap.<seat>`), with one rider entry per
// passenger (`riders.<hash of the ID number>`): holding all of an order's seats is one conditional
// update that requires every seat free and every passenger without a live ticket on the train, and
// releasing is one conditional update keyed by ticket. So a seat is never held twice, a passenger
// holds at most one seat per train, counts never go negative and nothing is released twice. The
// train document is the truth about who holds what; the order's tickets carry a copy for display.
// A hold may only outlive its ticket by a crash or a race; the sweeper finds such holds
// (repairHoldLeaks) and gives them back.
import { createHash } from "node:crypto";
import type { SeatHold, TrainDoc } from "../catalog/catalog";
import { splitSeatKey } from "../catalog/seat-layout";
import type { SeatClassCode } from "../contracts/api";
import { LIVE_TICKET_STATES, SEAT_HOLDING_STATES } from "../orders/state-machine";
import type { IdType } from "../contracts/api";
import type { OrderDoc, StoredPassenger, TicketDoc } from "../store/model";
import type { StoreDeps } from "./deps";

/** The key a passenger is known by in a train's `riders`: not the ID number itself. */
export const riderKey = (idCardNo: string): string => createHash("sha256").update(`rider|${idCardNo}`).digest("hex").slice(0, 20);

/** A document's rider key: a 居民身份证 by its number alone (as before other documents existed),
 *  any other document by its type and number. */
export const riderFor = (idType: IdType | undefined, idNo: string): string =>
  riderKey(idType && idType !== "ID_CARD" ? `${idType}|${idNo}` : idNo);

/** A stored passenger's rider key: kept on the order (older orders: computed from their number). */
export const riderOf = (p: Pick<StoredPassenger, "rider" | "idCardNo" | "idType">): string =>
  p.rider ?? riderFor(p.idType, p.idCardNo ?? "");

/** What holding one order's seats writes, ticket by ticket. */
export interface TicketHold {
  ticketId: string;
  seatKey: string;
  rider: string;
}

export const ticketHolds = (order: Pick<OrderDoc, "tickets" | "passengers">): TicketHold[] =>
  order.tickets.map((t, i) => ({ ticketId: t.ticketId, seatKey: t.seatKey, rider: riderOf(order.passengers[i]!) }));

/** Holds every ticket's seat in one conditional update; false when any seat or passenger is taken. */
export async function holdSeats(
  deps: StoreDeps,
  trainId: string,
  orderId: string,
  seatClass: SeatClassCode,
  holds: readonly TicketHold[],
): Promise<boolean> {
  const at = deps.now();
  const where: Record<string, unknown> = { _id: trainId, [`seats.${seatClass}.remaining`]: { $gte: holds.length } };
  const set: Record<string, unknown> = {};
  for (const h of holds) {
    where[`seatMap.${h.seatKey}`] = { $exists: false };
    where[`riders.${h.rider}`] = { $exists: false };
    set[`seatMap.${h.seatKey}`] = { orderId, ticketId: h.ticketId, seatClass, rider: h.rider, at } satisfies SeatHold;
    set[`riders.${h.rider}`] = h.ticketId;
  }
  return (await deps.db.trains.update(where, { $inc: { [`seats.${seatClass}.remaining`]: -holds.length }, $set: set })) === 1;
}

/** Ticket id → seat key of the holds this order has in the train. */
export function heldByOrder(train: Pick<TrainDoc, "seatMap">, orderId: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, h] of Object.entries(train.seatMap ?? {})) if (h.orderId === orderId) out.set(h.ticketId, key);
  return out;
}

/** Gives held seats back, each only if still held by the same ticket (and, with `at`, the hold as
 *  seen then). One update for all of them; one each when that matches nothing. Answers how many. */
export async function releaseHolds(
  deps: StoreDeps,
  trainId: string,
  holds: readonly { seatKey: string; hold: SeatHold }[],
): Promise<number> {
  const one = async (list: readonly { seatKey: string; hold: SeatHold }[]) => {
    const where: Record<string, unknown> = { _id: trainId };
    const unset: Record<string, true> = {};
    const inc: Record<string, number> = {};
    for (const { seatKey, hold } of list) {
      where[`seatMap.${seatKey}.ticketId`] = hold.ticketId;
      where[`seatMap.${seatKey}.at`] = hold.at;
      where[`riders.${hold.rider}`] = hold.ticketId;
      unset[`seatMap.${seatKey}`] = true;
      unset[`riders.${hold.rider}`] = true;
      inc[`seats.${hold.seatClass}.remaining`] = (inc[`seats.${hold.seatClass}.remaining`] ?? 0) + 1;
    }
    return (await deps.db.trains.update(where, { $inc: inc, $unset: unset })) === 1 ? list.length : 0;
  };
  if (holds.length === 0) return 0;
  const all = await one(holds);
  if (all > 0 || holds.length === 1) return all;
  let n = 0;
  for (const h of holds) n += await one([h]);
  return n;
}

/** Gives back the seats of some tickets of an order (all of them by default) — whatever the train
 *  holds for them now — and, for the whole order, marks it as holding none. */
export async function releaseSeats(deps: StoreDeps, order: Pick<OrderDoc, "_id" | "train">, ticketIds?: readonly string[]): Promise<void> {
  const train = await deps.db.trains.get(order.train.trainId);
  if (train) {
    const mine = Object.entries(train.seatMap ?? {}).filter(
      ([, h]) => h.orderId === order._id && (!ticketIds || ticketIds.includes(h.ticketId)),
    );
    await releaseHolds(
      deps,
      train._id,
      mine.map(([seatKey, hold]) => ({ seatKey, hold })),
    );
  }
  if (!ticketIds) await deps.db.orders.update({ _id: order._id, seatsHeld: true }, { $set: { seatsHeld: false } });
}

/** Whether a hold still belongs to a live ticket of a live order. */
export function holdIsLive(hold: SeatHold, order: Pick<OrderDoc, "status" | "tickets"> | undefined): boolean {
  if (!order || !SEAT_HOLDING_STATES.includes(order.status)) return false;
  const t: TicketDoc | undefined = (order.tickets ?? []).find((x) => x.ticketId === hold.ticketId);
  return t !== undefined && LIVE_TICKET_STATES.includes(t.status);
}

/** Holds on trains not yet departed whose ticket is gone, closed, cancelled or refunded: given back;
 *  a live ticket whose order shows another seat than it holds (two same-token calls that both chose
 *  seats, one of them stopped in between) gets its copy corrected. Trains are visited oldest-checked
 *  first, a few per pass. Answers how many holds were released. */
export async function repairHoldLeaks(deps: StoreDeps, batch: number): Promise<number> {
  const now = deps.now();
  let released = 0;
  const trains = await deps.db.trains.find({ departAt: { $gt: now } }, { orderBy: ["holdsCheckedAt", "asc"], limit: batch });
  for (const t of trains) {
    // A hold younger than a minute may belong to a booking still on its way; leave it.
    const settled = Object.entries(t.seatMap ?? {}).filter(([, h]) => h.at <= now - 60_000);
    if (settled.length > 0) {
      const ids = [...new Set(settled.map(([, h]) => h.orderId))];
      const orders = new Map((await deps.db.orders.find({ _id: { $in: ids } }, { limit: ids.length })).map((o) => [o._id, o]));
      for (const [seatKey, hold] of settled) {
        const order = orders.get(hold.orderId);
        if (!holdIsLive(hold, order)) released += await releaseHolds(deps, t._id, [{ seatKey, hold }]);
        else await correctSeatCopy(deps, order!, hold.ticketId, seatKey);
      }
    }
    await deps.db.trains.update({ _id: t._id }, { $set: { holdsCheckedAt: now } });
  }
  return released;
}

async function correctSeatCopy(deps: StoreDeps, order: OrderDoc, ticketId: string, seatKey: string): Promise<void> {
  const i = order.tickets.findIndex((t) => t.ticketId === ticketId);
  if (i < 0 || order.tickets[i]!.seatKey === seatKey) return;
  const { carriage, seatNo } = splitSeatKey(seatKey);
  await deps.db.orders.update(
    { _id: order._id, [`tickets.${i}.ticketId`]: ticketId },
    { $set: { [`tickets.${i}.seatKey`]: seatKey, [`tickets.${i}.carriage`]: carriage, [`tickets.${i}.seatNo`]: seatNo } },
  );
}
