// createOrder: price and seats from the train document, the order with one ticket per passenger,
// the user's booking slot (fair use), the seats held, prepay at WeChat Pay. The order id comes from
// (openid, clientToken), so a double tap finds the same order. Five database requests in four
// sequential round trips on the happy path: read the train; insert the order and take the slot
// (sent together); hold the seats; store the prepay (dev/round-trips.ts counts them).
import type { CreateOrderResult, PassengerInput, PaymentLaunch, SeatClassCode, SeatPreference, SubscribeTemplate } from "../contracts/api";
import type { TrainDoc } from "../catalog/catalog";
import { seatLayout, type Seat } from "../catalog/seat-layout";
import { AppError } from "../errors";
import { assertFen } from "../money";
import { maskIdNo } from "../../miniprogram/utils/passenger-rules";
import { fingerprintOf, orderIdFor, outTradeNoFor, ticketIdFor } from "../orders/ids";
import { chooseSeats } from "../orders/seating";
import { timelineEntry } from "../orders/state-machine";
import type { Caller } from "../runtime/identity";
import { logDecision } from "../runtime/log";
import type { OrderDoc, StoredPassenger, TicketDoc } from "../store/model";
import type { PaymentDeps, StoreDeps } from "./deps";
import { alignSlot, releaseBookingSlot, type SlotTake, takeBookingSlot, undoSlotTake } from "./fair-use";
import { queryAndApply } from "./follow-up";
import { heldByOrder, holdIsLive, holdSeats, releaseHolds, releaseSeats, riderFor, riderOf, ticketHolds } from "./seats";
import { closeLocally } from "./settlement";
import { refusalLogFields } from "../wechatpay/config-refusals";
import { ticketPrice } from "../../miniprogram/utils/fares";

export interface BookingInput {
  trainId: string;
  seatClass: SeatClassCode;
  /** Checked by the caller (passengers/order-passengers.ts): formats, ticket types, no document twice. */
  passengers: PassengerInput[];
  clientToken: string;
  seatPreference?: SeatPreference;
  /** Subscription messages accepted at 提交订单 (services/notices.ts). */
  subscribe?: SubscribeTemplate[];
}

/** Stop selling this long before departure… */
const SALES_CLOSE_MS = 5 * 60_000;
/** …and when less than this would be left to pay (WeChat Pay wants time_expire ≥ 1 minute ahead). */
const MIN_PAY_WINDOW_MS = 2 * 60_000;
/** Seats chosen again after a lost compare-and-set (someone took one of them first). */
const MAX_SEAT_ATTEMPTS = 6;
const FN = "createOrder";

export async function createOrder(deps: PaymentDeps, input: BookingInput, caller: Caller): Promise<CreateOrderResult> {
  const now = deps.now();
  const train = await deps.db.trains.get(input.trainId);
  if (!train) throw new AppError("NOT_FOUND", "车次不存在");
  if (train.departAt - SALES_CLOSE_MS - now < MIN_PAY_WINDOW_MS) throw new AppError("SOLD_OUT", "该车次即将发车，已停止售票");
  const seat = train.seats[input.seatClass];
  const count = input.passengers.length;
  const seats = pickSeats(deps, train, input.seatClass, count, input.seatPreference);
  if (!seats) throw new AppError("SOLD_OUT", `${seat.name}余票不足`);

  const fresh = newOrder(deps, input, caller, train, now, seats);
  // The order's insert and the slot's take go out together, one round trip for both: each needs only
  // the order id and its expiry. Both settle before anything is decided, so nothing of this call is
  // still writing while it cleans up after the other.
  const [written, slot] = await Promise.allSettled([insertOrFind(deps, fresh), takeBookingSlot(deps, caller, fresh._id, fresh.expiresAt)]);
  const next = await afterInsertAndSlot(deps, caller, fresh, written, slot);
  if ("result" in next) return next.result;
  // Whether the booking ends with this order unpaid and payable: then the slot stays taken.
  let pending = false;
  try {
    const order = await holdOrAdopt(deps, train, next.order);

    const gw = await deps.gateway();
    const prepay = await gw.jsapiPrepay({
      outTradeNo: order.outTradeNo,
      description: `${train.trainNo} ${train.from}-${train.to} ${train.date} ${seat.name}×${count}`,
      amount: order.amount,
      payerOpenid: caller.openid,
      expiresAt: new Date(order.expiresAt),
      attach: order._id,
    });
    const ids = { fn: FN, orderId: order._id, outTradeNo: order.outTradeNo };
    if (prepay.kind === "ok") {
      const prepayId = prepay.value.prepayId;
      if ((await deps.db.orders.update({ _id: order._id, status: "PENDING" }, { $set: { prepayId } })) !== 1) {
        // Nothing changed: a twin call stored this very prepay (same out_trade_no, same answer), or
        // the order was closed or removed meanwhile. Read before deciding.
        const current = await deps.db.orders.get(order._id);
        if (current?.status === "PENDING" && current.prepayId) {
          pending = true;
          return answer(deps, current, current.prepayId);
        }
        if (!current || current.status === "CLOSED") await releaseSeats(deps, order); // this attempt's hold must not stay
        throw new AppError("ORDER_STATE", "订单已关闭，请重新下单", { orderId: order._id });
      }
      logDecision({ ...ids, decision: "PREPAY_OK", requestId: prepay.requestId, amount: order.amount });
      pending = true;
      return answer(deps, order, prepayId);
    }
    if (prepay.kind === "unknown") {
      // WeChat Pay may have created it: keep the order and its seats; the same clientToken resumes,
      // and the sweeper closes it at expiry otherwise.
      logDecision({ ...ids, decision: "PREPAY_UNKNOWN", requestId: prepay.requestId, reason: prepay.reason });
      pending = true;
      throw new AppError("PAYMENT_FAILED", "支付服务响应超时，请稍后重试", { resumable: true });
    }
    if (prepay.kind === "business_error" && prepay.code === "ORDERPAID") {
      // Refused because an earlier attempt's prepay was paid already: that payment stands.
      await queryAndApply(deps, order, "query", { fn: FN, ...(prepay.requestId ? { requestId: prepay.requestId } : {}) });
      throw new AppError("ORDER_STATE", "该订单已支付，请在我的订单中查看", { orderId: order._id });
    }
    const other = await closeRefused(deps, order);
    if (other) {
      pending = true;
      return other;
    }
    logDecision({ ...ids, decision: "PREPAY_REFUSED", ...refusalLogFields(prepay) });
    throw new AppError(
      "PAYMENT_FAILED",
      prepay.kind === "business_error" ? `微信支付下单失败：${prepay.message}` : "支付配置有误，请联系客服",
      { resumable: false },
    );
  } finally {
    // A booking that leaves no unpaid order gives the slot back (keyed by order: never another's).
    if (!pending) await releaseBookingSlot(deps, caller.openid, fresh._id).catch(() => undefined);
  }
}

/** Free seats for n passengers from what the train document showed, or undefined. */
function pickSeats(
  deps: StoreDeps,
  train: TrainDoc,
  seatClass: SeatClassCode,
  n: number,
  preference: SeatPreference | undefined,
): Seat[] | undefined {
  if (train.seats[seatClass].remaining < n) return undefined;
  const taken = train.seatMap ?? {};
  return chooseSeats(seatLayout(train.seats)[seatClass], (k) => k in taken, n, preference, deps.random ?? Math.random);
}

const ticketSeat = (s: Pick<Seat, "key" | "carriage" | "seatNo">) => ({ seatKey: s.key, carriage: s.carriage, seatNo: s.seatNo });

/** The order a booking creates: its id from (openid, clientToken), its prices from the train's fare
 *  and each passenger's ticket type, one ticket per passenger on the seats chosen for them. */
function newOrder(deps: PaymentDeps, input: BookingInput, caller: Caller, train: TrainDoc, now: number, seats: Seat[]): OrderDoc {
  const orderId = orderIdFor(caller.openid, input.clientToken);
  const seat = train.seats[input.seatClass];
  const stored = input.passengers.map(storedPassenger);
  const tickets: TicketDoc[] = seats.map((s, i) => ({
    ticketId: ticketIdFor(orderId, i),
    ...ticketSeat(s),
    price: ticketPrice(seat.price, input.passengers[i]!.ticketType ?? "ADULT"),
    status: "UNPAID",
  }));
  return {
    _id: orderId,
    outTradeNo: outTradeNoFor(orderId),
    openid: caller.openid,
    fingerprint: fingerprintOf([input.trainId, input.seatClass, stored.map((p) => Object.values(p))]),
    status: "PENDING",
    train: {
      trainId: train._id,
      trainNo: train.trainNo,
      from: train.from,
      to: train.to,
      date: train.date,
      departTime: train.departTime,
      arriveTime: train.arriveTime,
      seatClass: input.seatClass,
      seatClassName: seat.name,
    },
    passengers: stored,
    tickets,
    ...(input.seatPreference ? { seatPreference: input.seatPreference } : {}),
    unitPrice: seat.price,
    amount: assertFen(tickets.reduce((sum, t) => sum + t.price, 0)),
    refundReserved: 0,
    refundReservations: {},
    refundCredits: {},
    refundedAmount: 0,
    seatsHeld: true,
    createdAt: now,
    departAt: train.departAt,
    ...(input.subscribe?.length ? { subscribe: [...input.subscribe] } : {}),
    ...(input.subscribe?.includes("departureReminder") ? { reminderDue: true } : {}),
    checkedAt: 0,
    expiresAt: Math.min(now + deps.orderTtlMinutes * 60_000, train.departAt - SALES_CLOSE_MS),
    timeline: [timelineEntry(now, "PENDING", "提交订单")],
  };
}

/** As the order keeps a passenger: the name, the masked number and the rider key (never the number:
 *  nothing after booking needs it); the document and ticket types only when not the defaults
 *  (ID_CARD, ADULT). The request's fingerprint is made from these, so a retry with the same token
 *  and the same passengers matches. */
function storedPassenger(p: PassengerInput): StoredPassenger {
  return {
    name: p.name,
    idNoMasked: maskIdNo(p.idCardNo),
    rider: riderFor(p.idType, p.idCardNo),
    ...(p.idType && p.idType !== "ID_CARD" ? { idType: p.idType } : {}),
    ...(p.ticketType && p.ticketType !== "ADULT" ? { ticketType: p.ticketType } : {}),
  };
}

/** Inserts the order, or — same clientToken again — finds the one that exists. */
async function insertOrFind(deps: PaymentDeps, fresh: OrderDoc): Promise<{ inserted: boolean; order: OrderDoc }> {
  if ((await deps.db.orders.insert(fresh)) === "inserted") return { inserted: true, order: fresh };
  const existing = await deps.db.orders.get(fresh._id);
  if (!existing) throw new AppError("CONFLICT", "该预订请求正在处理，请稍后重试");
  return { inserted: false, order: existing };
}

/** What the insert and the slot's take, sent together, lead to: go on with the order (new, or an
 *  earlier attempt's that stopped before its prepay), answer an earlier attempt's prepay, or throw.
 *  A slot this call took for an order no longer unpaid is given back; one naming an unpaid order
 *  of this user, or taken beside a failed insert, is kept (a twin call with the same token may be
 *  going on with that order). The slot is made to end
 *  when the order that stands expires. */
async function afterInsertAndSlot(
  deps: PaymentDeps,
  caller: Caller,
  fresh: OrderDoc,
  written: PromiseSettledResult<{ inserted: boolean; order: OrderDoc }>,
  slot: PromiseSettledResult<SlotTake>,
): Promise<{ order: OrderDoc } | { result: CreateOrderResult }> {
  const take = slot.status === "fulfilled" ? slot.value : undefined;
  const giveBack = async () => {
    if (take) await undoSlotTake(deps, caller.openid, fresh._id, take).catch(() => undefined);
  };
  const align = async (o: OrderDoc) => {
    if (take) await alignSlot(deps, caller.openid, o._id, take, o.expiresAt).catch(() => undefined);
  };
  // The insert failed: the slot this call took is kept. The order may stand all the same (the insert
  // landed unseen, or a twin call with the same token inserted it and goes on with the slot, "had"):
  // giving the slot back would leave that unpaid order without it. Naming no order, the slot is a
  // booking in flight for SLOT_IN_FLIGHT_MS, then free; the same token resumes it at once.
  if (written.status === "rejected") throw written.reason;
  const { inserted, order } = written.value;
  if (inserted) {
    if (slot.status === "rejected") {
      await giveUp(deps, fresh, slot.reason instanceof AppError ? slot.reason.code : "SLOT_ERROR").catch(() => undefined);
      throw slot.reason;
    }
    await align(order);
    return { order };
  }
  const pending = order.status === "PENDING";
  if (pending) await align(order);
  else await giveBack();
  if (order.fingerprint !== fresh.fingerprint) throw new AppError("CONFLICT", "该预订请求已提交过不同的内容，请重新下单");
  if (!pending) throw new AppError("ORDER_STATE", "该订单已处理，请在我的订单中查看", { orderId: order._id });
  // Answered whatever the slot did (a slot this call took now names this very order).
  if (order.prepayId) return { result: await answer(deps, order, order.prepayId) };
  if (slot.status === "rejected") throw slot.reason;
  return { order };
}

/** Holds the order's seats; when one was taken meanwhile, reads the train again and chooses again
 *  (the order's tickets are moved to the new seats first). A hold already there for this order (a
 *  twin call with the same clientToken) becomes this booking's. Gives up with SOLD_OUT, or CONFLICT
 *  when a passenger already holds a live ticket on this train — removing its own order, which
 *  never held anything and never reached WeChat Pay. */
async function holdOrAdopt(deps: PaymentDeps, firstRead: TrainDoc, order: OrderDoc): Promise<OrderDoc> {
  const seatClass = order.train.seatClass;
  const n = order.tickets.length;
  let train = firstRead;
  let o = order;
  for (let attempt = 1; ; attempt++) {
    if (await holdSeats(deps, train._id, o._id, seatClass, ticketHolds(o))) return o;
    const fresh = await deps.db.trains.get(train._id);
    if (!fresh) throw new AppError("NOT_FOUND", "车次不存在");
    train = fresh;
    const held = heldByOrder(train, o._id);
    if (held.size > 0) return adopt(deps, train, o, held);
    const blocked = await blockingPassenger(deps, train, o);
    if (blocked) {
      await giveUp(deps, o, "PASSENGER_HAS_TICKET");
      throw new AppError("CONFLICT", `乘车人 ${blocked} 已有本车次的有效车票（同一证件同一车次只能有一张）`);
    }
    if (blocked === false) continue; // a dead hold was just given back: try the same seats again
    const seats = attempt < MAX_SEAT_ATTEMPTS ? pickSeats(deps, train, seatClass, n, o.seatPreference) : undefined;
    if (!seats) {
      await giveUp(deps, o, "SOLD_OUT");
      throw new AppError("SOLD_OUT", attempt < MAX_SEAT_ATTEMPTS ? `${o.train.seatClassName}余票不足` : "余票紧张，请稍后重试");
    }
    o = await reseat(deps, o, seats.map(ticketSeat));
  }
}

/** Never held, never at WeChat Pay: this booking leaves nothing behind (an order of a twin call that
 *  did get further has a prepay id or holds seats; the sweeper's leak repair covers the latter). */
async function giveUp(deps: PaymentDeps, o: OrderDoc, decision: string): Promise<void> {
  await deps.db.orders.remove({ _id: o._id, status: "PENDING", prepayId: { $exists: false } });
  logDecision({ fn: FN, decision, orderId: o._id, outTradeNo: o.outTradeNo });
}

/** The name of a passenger who holds a live ticket on this train in another order; false when such a
 *  hold turned out dead (its order closed or its ticket refunded) and was given back here;
 *  undefined when nobody blocks. */
async function blockingPassenger(deps: StoreDeps, train: TrainDoc, o: OrderDoc): Promise<string | false | undefined> {
  for (const [i, t] of o.tickets.entries()) {
    const owner = train.riders?.[riderOf(o.passengers[i]!)];
    if (!owner || owner === t.ticketId) continue;
    const entry = Object.entries(train.seatMap ?? {}).find(([, h]) => h.ticketId === owner);
    if (!entry) return o.passengers[i]!.name;
    const [seatKey, hold] = entry;
    if (holdIsLive(hold, await deps.db.orders.get(hold.orderId))) return o.passengers[i]!.name;
    await releaseHolds(deps, train._id, [{ seatKey, hold }]);
    return false;
  }
  return undefined;
}

/** The order's tickets moved to other seats before those are held (only while nothing is at WeChat Pay). */
async function reseat(deps: PaymentDeps, o: OrderDoc, seats: ReturnType<typeof ticketSeat>[]): Promise<OrderDoc> {
  const set: Record<string, unknown> = {};
  for (const [i, s] of seats.entries()) for (const [k, v] of Object.entries(s)) set[`tickets.${i}.${k}`] = v;
  if ((await deps.db.orders.update({ _id: o._id, status: "PENDING", prepayId: { $exists: false } }, { $set: set })) === 1) {
    return { ...o, tickets: o.tickets.map((t, i) => ({ ...t, ...seats[i] })) };
  }
  // A twin call got further (or the order was closed): take the order as it is now.
  const now = await deps.db.orders.get(o._id);
  if (now?.status !== "PENDING") throw new AppError("ORDER_STATE", "订单已关闭，请重新下单");
  return now;
}

/** This order's seats as the train holds them; the order's copy is corrected when it differs. */
async function adopt(deps: PaymentDeps, train: TrainDoc, o: OrderDoc, held: Map<string, string>): Promise<OrderDoc> {
  const layout = new Map(
    Object.values(seatLayout(train.seats))
      .flat()
      .map((s) => [s.key, s]),
  );
  const seats = o.tickets.map(
    (t) => layout.get(held.get(t.ticketId) ?? t.seatKey) ?? { key: t.seatKey, carriage: t.carriage, seatNo: t.seatNo },
  );
  if (seats.every((s, i) => s.key === o.tickets[i]!.seatKey)) return o;
  const set: Record<string, unknown> = {};
  for (const [i, s] of seats.entries()) for (const [k, v] of Object.entries(ticketSeat(s))) set[`tickets.${i}.${k}`] = v;
  await deps.db.orders.update({ _id: o._id, status: "PENDING" }, { $set: set });
  return { ...o, tickets: o.tickets.map((t, i) => ({ ...t, ...ticketSeat(seats[i]!) })) };
}

/** Refused or misconfigured: nothing was created at WeChat Pay. Closes the order — unless a
 *  concurrent tap with the same token got its prepay meanwhile: then that one stands and is
 *  answered — and gives the seats back, whoever closed it (a crash in between is finished by the
 *  sweeper). */
async function closeRefused(deps: PaymentDeps, order: OrderDoc): Promise<CreateOrderResult | undefined> {
  const r = await closeLocally(deps, order, "微信支付下单失败，订单关闭", { fn: FN }, { prepayId: { $exists: false } });
  const other = r.order;
  return other?.status === "PENDING" && other.prepayId ? answer(deps, other, other.prepayId) : undefined;
}

/** What the mini-program needs to launch payment: freshly signed params for the order's prepay. */
export async function answer(deps: PaymentDeps, order: OrderDoc, prepayId: string): Promise<CreateOrderResult> {
  const gw = await deps.gateway();
  const payment: PaymentLaunch = deps.mode === "mock" ? { mode: "mock" } : { mode: "wechatpay", params: gw.payParams(prepayId) };
  return {
    orderId: order._id,
    outTradeNo: order.outTradeNo,
    amount: order.amount,
    expiresAt: order.expiresAt,
    serverNow: deps.now(),
    payment,
  };
}
