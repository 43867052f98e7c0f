// createOrder: price from the train document, seats held under the order's id, prepay at WeChat
// Pay. The order id comes from (openid, clientToken), so a double tap finds the same order.
import type { CreateOrderResult, PassengerInput, PaymentLaunch, SeatClassCode } from "../contracts/api";
import type { TrainDoc } from "../catalog/catalog";
import { AppError } from "../errors";
import { assertFen } from "../money";
import { fingerprintOf, orderIdFor, outTradeNoFor } from "../orders/ids";
import { timelineEntry } from "../orders/state-machine";
import type { Caller } from "../runtime/identity";
import { logDecision } from "../runtime/log";
import type { OrderDoc } from "../store/model";
import type { PaymentDeps } from "./deps";
import { adoptHold, holdSeats, releaseSeats } from "./seats";
import { queryAndApply } from "./follow-up";
import { closeLocally } from "./settlement";
import { refusalLogFields } from "../wechatpay/config-refusals";

export interface BookingInput {
  trainId: string;
  seatClass: SeatClassCode;
  passengers: PassengerInput[];
  clientToken: string;
}

/** Stop selling this long before departure… */
const SALES_CLOSE_MS = 5 * 60_000;
/** …and when less than this would be left to pay (WeChat Pay wants time_expire ≥ 1 minute ahead). */
const MIN_PAY_WINDOW_MS = 2 * 60_000;
const FN = "createOrder";

export async function createOrder(deps: PaymentDeps, input: BookingInput, caller: Caller): Promise<CreateOrderResult> {
  const now = deps.now();
  const train = await deps.db.trains.get(input.trainId);
  if (!train) throw new AppError("NOT_FOUND", "车次不存在");
  if (train.departAt - SALES_CLOSE_MS - now < MIN_PAY_WINDOW_MS) throw new AppError("SOLD_OUT", "该车次即将发车，已停止售票");

  const order = await insertOrResume(deps, newOrder(deps, input, caller, train, now));
  if ("payment" in order) return order; // the same booking, already at WeChat Pay
  const seat = train.seats[input.seatClass];
  const count = input.passengers.length;

  if (!(await holdSeats(deps, train._id, order._id, input.seatClass, count)) && !(await adoptHold(deps, train._id, order._id))) {
    // Never held, never at WeChat Pay: this booking leaves nothing behind.
    await deps.db.orders.remove({ _id: order._id, status: "PENDING", prepayId: { $exists: false } });
    logDecision({ fn: FN, decision: "SOLD_OUT", orderId: order._id, outTradeNo: order.outTradeNo });
    throw new AppError("SOLD_OUT", `${seat.name}余票不足`);
  }

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
      const now = await deps.db.orders.get(order._id);
      if (now?.status === "PENDING" && now.prepayId) return answer(deps, now, now.prepayId);
      if (!now || now.status === "CLOSED") await releaseSeats(deps, order); // this attempt's hold must not stay
      throw new AppError("ORDER_STATE", "订单已关闭，请重新下单");
    }
    logDecision({ ...ids, decision: "PREPAY_OK", requestId: prepay.requestId, amount: order.amount });
    return answer(deps, order, prepayId);
  }
  if (prepay.kind === "unknown") {
    // WeChat Pay may have created it: keep the order and its seats; the same clientToken resumes,
    // and the sweeper closes it at expiry otherwise.
    logDecision({ ...ids, decision: "PREPAY_UNKNOWN", requestId: prepay.requestId, reason: prepay.reason });
    throw new AppError("PAYMENT_FAILED", "支付服务响应超时，请稍后重试");
  }
  if (prepay.kind === "business_error" && prepay.code === "ORDERPAID") {
    // Refused because an earlier attempt's prepay was paid already: that payment stands.
    await queryAndApply(deps, order, "query", { fn: FN, ...(prepay.requestId ? { requestId: prepay.requestId } : {}) });
    throw new AppError("ORDER_STATE", "该订单已支付，请在我的订单中查看");
  }
  const other = await closeRefused(deps, order);
  if (other) return other;
  logDecision({ ...ids, decision: "PREPAY_REFUSED", ...refusalLogFields(prepay) });
  throw new AppError("PAYMENT_FAILED", prepay.kind === "business_error" ? `微信支付下单失败：${prepay.message}` : "支付配置有误，请联系客服");
}

/** The order a booking creates: its id from (openid, clientToken), its price from the train. */
function newOrder(deps: PaymentDeps, input: BookingInput, caller: Caller, train: TrainDoc, now: number): OrderDoc {
  const orderId = orderIdFor(caller.openid, input.clientToken);
  const seat = train.seats[input.seatClass];
  return {
    _id: orderId,
    outTradeNo: outTradeNoFor(orderId),
    openid: caller.openid,
    fingerprint: fingerprintOf([input.trainId, input.seatClass, input.passengers.map((p) => [p.name, p.idCardNo])]),
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
    passengers: input.passengers.map((p) => ({ name: p.name, idCardNo: p.idCardNo })),
    unitPrice: seat.price,
    amount: assertFen(seat.price * input.passengers.length),
    refundReserved: 0,
    refundReservations: {},
    refundCredits: {},
    refundedAmount: 0,
    seatsHeld: true,
    createdAt: now,
    checkedAt: 0,
    expiresAt: Math.min(now + deps.orderTtlMinutes * 60_000, train.departAt - SALES_CLOSE_MS),
    timeline: [timelineEntry(now, "PENDING", "提交订单")],
  };
}

/** Inserts the order, or — same clientToken again — resumes the one that exists: answered at once
 *  if it already has its prepay, continued if an earlier attempt stopped before. */
async function insertOrResume(deps: PaymentDeps, fresh: OrderDoc): Promise<OrderDoc | CreateOrderResult> {
  if ((await deps.db.orders.insert(fresh)) === "inserted") return fresh;
  const existing = await deps.db.orders.get(fresh._id);
  if (!existing) throw new AppError("CONFLICT", "该预订请求正在处理，请稍后重试");
  if (existing.fingerprint !== fresh.fingerprint) throw new AppError("CONFLICT", "该预订请求已提交过不同的内容，请重新下单");
  if (existing.status !== "PENDING") throw new AppError("ORDER_STATE", "该订单已处理，请在我的订单中查看");
  return existing.prepayId ? answer(deps, existing, existing.prepayId) : existing;
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
  return { orderId: order._id, outTradeNo: order.outTradeNo, amount: order.amount, expiresAt: order.expiresAt, payment };
}
