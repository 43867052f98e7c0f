// createOrder: price from the train document, seats held under the order's id, prepay at WeChat
// Pay. The order id comes from (openid, clientToken), so a double tap finds the same order.
import type { CreateOrderResult, PassengerInput, PaymentLaunch, SeatClassCode } from "../contracts/api";
import { AppError } from "../errors";
import { assertFen } from "../money";
import { fingerprintOf, orderIdFor, outTradeNoFor } from "../orders/ids";
import type { Caller } from "../runtime/identity";
import { logDecision } from "../runtime/log";
import { cmd } from "../store/db";
import type { OrderDoc } from "../store/model";
import type { TrainDoc } from "../catalog/catalog";
import { orders, trains } from "../store/repos";
import type { PaymentDeps } from "./deps";
import { hasHold, holdSeats, releaseSeats } from "./seats";
import { timelineEntry } from "./views";
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

export async function createOrder(input: BookingInput, caller: Caller, deps: PaymentDeps): Promise<CreateOrderResult> {
  const now = deps.now();
  const train = await trains.get(input.trainId);
  if (!train) throw new AppError("NOT_FOUND", "车次不存在");
  if (train.departAt - SALES_CLOSE_MS - now < MIN_PAY_WINDOW_MS) throw new AppError("SOLD_OUT", "该车次即将发车，已停止售票");

  const order = await insertOrResume(newOrder(input, caller, train, now, deps), deps);
  if ("payment" in order) return order; // the same booking, already at WeChat Pay
  const seat = train.seats[input.seatClass];
  const count = input.passengers.length;

  if (!(await holdSeats(train._id, order._id, input.seatClass, count, now)) && !(await hasHold(train._id, order._id))) {
    // Never held, never at WeChat Pay: this booking leaves nothing behind.
    await orders.remove({ _id: order._id, status: "PENDING", prepayId: cmd().exists(false) });
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
    if ((await orders.update({ _id: order._id, status: "PENDING" }, { prepayId: prepay.value.prepayId })) !== 1) {
      // Closed (or gone) while we were at WeChat Pay: its seats must not stay held by this attempt.
      await releaseSeats(order);
      throw new AppError("ORDER_STATE", "订单已关闭，请重新下单");
    }
    logDecision({ ...ids, decision: "PREPAY_OK", requestId: prepay.requestId, amount: order.amount });
    return answer(order, prepay.value.prepayId, deps);
  }
  if (prepay.kind === "unknown") {
    // WeChat Pay may have created it: keep the order and its seats; the same clientToken resumes,
    // and the sweeper closes it at expiry otherwise.
    logDecision({ ...ids, decision: "PREPAY_UNKNOWN", requestId: prepay.requestId, reason: prepay.reason });
    throw new AppError("PAYMENT_FAILED", "支付服务响应超时，请稍后重试");
  }
  const other = await closeRefused(order, deps);
  if (other) return other;
  logDecision({ ...ids, decision: "PREPAY_REFUSED", ...refusalLogFields(prepay) });
  throw new AppError("PAYMENT_FAILED", prepay.kind === "business_error" ? `微信支付下单失败：${prepay.message}` : "支付配置有误，请联系客服");
}

/** The order a booking creates: its id from (openid, clientToken), its price from the train. */
function newOrder(input: BookingInput, caller: Caller, train: TrainDoc, now: number, deps: PaymentDeps): OrderDoc {
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
async function insertOrResume(fresh: OrderDoc, deps: PaymentDeps): Promise<OrderDoc | CreateOrderResult> {
  if ((await orders.insert(fresh)) === "inserted") return fresh;
  const existing = await orders.get(fresh._id);
  if (!existing) throw new Error("order vanished after duplicate insert");
  if (existing.fingerprint !== fresh.fingerprint) throw new AppError("CONFLICT", "该预订请求已提交过不同的内容，请重新下单");
  if (existing.status !== "PENDING") throw new AppError("ORDER_STATE", "该订单已处理，请在我的订单中查看");
  return existing.prepayId ? answer(existing, existing.prepayId, deps) : existing;
}

/** Refused or misconfigured: nothing was created at WeChat Pay. Closes the order — unless a
 *  concurrent tap with the same token got its prepay meanwhile: then that one stands and is
 *  answered — and gives the seats back (a crash in between is finished by the sweeper). */
async function closeRefused(order: OrderDoc, deps: PaymentDeps): Promise<CreateOrderResult | undefined> {
  const at = deps.now();
  const closed = await orders.update(
    { _id: order._id, status: "PENDING", prepayId: cmd().exists(false) },
    { status: "CLOSED", closedAt: at, timeline: cmd().push(timelineEntry(at, "CLOSED", "微信支付下单失败，订单关闭")) },
  );
  if (closed === 1) {
    await releaseSeats(order);
    return undefined;
  }
  const other = await orders.get(order._id);
  return other?.status === "PENDING" && other.prepayId ? answer(other, other.prepayId, deps) : undefined;
}

/** What the mini-program needs to launch payment: freshly signed params for the order's prepay. */
export function answer(order: OrderDoc, prepayId: string, deps: PaymentDeps): Promise<CreateOrderResult> {
  return deps.gateway().then((gw) => {
    const payment: PaymentLaunch = deps.mode === "mock" ? { mode: "mock" } : { mode: "wechatpay", params: gw.payParams(prepayId) };
    return { orderId: order._id, outTradeNo: order.outTradeNo, amount: order.amount, expiresAt: order.expiresAt, payment };
  });
}
