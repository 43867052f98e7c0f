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
import { orders, trains } from "../store/repos";
import type { PaymentDeps } from "./deps";
import { hasHold, holdSeats, releaseSeats } from "./seats";
import { timelineEntry } from "./views";

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
  const orderId = orderIdFor(caller.openid, input.clientToken);
  const fingerprint = fingerprintOf([input.trainId, input.seatClass, input.passengers.map((p) => [p.name, p.idCardNo])]);

  const train = await trains.get(input.trainId);
  if (!train) throw new AppError("NOT_FOUND", "车次不存在");
  if (train.departAt - SALES_CLOSE_MS - now < MIN_PAY_WINDOW_MS) throw new AppError("SOLD_OUT", "该车次即将发车，已停止售票");
  const seat = train.seats[input.seatClass];
  const unitPrice = seat.price;
  const amount = assertFen(unitPrice * input.passengers.length);

  const fresh: OrderDoc = {
    _id: orderId,
    outTradeNo: outTradeNoFor(orderId),
    openid: caller.openid,
    fingerprint,
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
    unitPrice,
    amount,
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

  let order = fresh;
  if ((await orders.insert(fresh)) === "duplicate") {
    const existing = await orders.get(orderId);
    if (!existing) throw new Error("order vanished after duplicate insert");
    if (existing.fingerprint !== fingerprint) throw new AppError("CONFLICT", "该预订请求已提交过不同的内容，请重新下单");
    if (existing.status !== "PENDING") throw new AppError("ORDER_STATE", "该订单已处理，请在我的订单中查看");
    if (existing.prepayId) return answer(existing, existing.prepayId, deps);
    order = existing; // an earlier attempt stopped before prepay: finish it
  }

  if (!(await holdSeats(train._id, orderId, input.seatClass, input.passengers.length, now)) && !(await hasHold(train._id, orderId))) {
    await orders.remove({ _id: orderId, status: "PENDING", prepayId: cmd().exists(false) });
    logDecision({ fn: FN, decision: "SOLD_OUT", orderId, outTradeNo: order.outTradeNo });
    throw new AppError("SOLD_OUT", `${seat.name}余票不足`);
  }

  const gw = await deps.gateway();
  const prepay = await gw.jsapiPrepay({
    outTradeNo: order.outTradeNo,
    description: `${train.trainNo} ${train.from}-${train.to} ${train.date} ${seat.name}×${input.passengers.length}`,
    amount,
    payerOpenid: caller.openid,
    expiresAt: new Date(order.expiresAt),
    attach: orderId,
  });
  if (prepay.kind === "ok") {
    const won = await orders.update({ _id: orderId, status: "PENDING" }, { prepayId: prepay.value.prepayId });
    if (won !== 1) {
      // Closed (or gone) while we were at WeChat Pay: its seats must not stay held by this attempt.
      await releaseSeats(order);
      throw new AppError("ORDER_STATE", "订单已关闭，请重新下单");
    }
    logDecision({ fn: FN, decision: "PREPAY_OK", orderId, outTradeNo: order.outTradeNo, requestId: prepay.requestId, amount });
    return answer(order, prepay.value.prepayId, deps);
  }
  if (prepay.kind === "unknown") {
    // WeChat Pay may have created it: keep the order and its seats; the same clientToken resumes,
    // and the sweeper closes it at expiry otherwise.
    logDecision({ fn: FN, decision: "PREPAY_UNKNOWN", orderId, outTradeNo: order.outTradeNo, requestId: prepay.requestId, reason: prepay.reason });
    throw new AppError("PAYMENT_FAILED", "支付服务响应超时，请稍后重试");
  }
  // Refused or misconfigured: nothing was created at WeChat Pay. Close the order (unless a
  // concurrent tap with the same token got its prepay meanwhile: then that one stands), then give
  // the seats back; a crash in between is finished by the sweeper.
  const closedAt = deps.now();
  const closed = await orders.update(
    { _id: orderId, status: "PENDING", prepayId: cmd().exists(false) },
    { status: "CLOSED", closedAt, timeline: cmd().push(timelineEntry(closedAt, "CLOSED", "微信支付下单失败，订单关闭")) },
  );
  if (closed !== 1) {
    const other = await orders.get(orderId);
    if (other?.status === "PENDING" && other.prepayId) return answer(other, other.prepayId, deps);
  } else await releaseSeats(order);
  logDecision({ fn: FN, decision: "PREPAY_REFUSED", orderId, outTradeNo: order.outTradeNo, code: prepay.kind === "business_error" ? prepay.code : "CONFIG", requestId: prepay.kind === "business_error" ? prepay.requestId : undefined });
  throw new AppError("PAYMENT_FAILED", prepay.kind === "business_error" ? `微信支付下单失败：${prepay.message}` : "支付配置有误，请联系客服");
}

function answer(order: OrderDoc, prepayId: string, deps: PaymentDeps): Promise<CreateOrderResult> {
  return deps.gateway().then((gw) => {
    const payment: PaymentLaunch = deps.mode === "mock" ? { mode: "mock" } : { mode: "wechatpay", params: gw.payParams(prepayId) };
    return { orderId: order._id, outTradeNo: order.outTradeNo, amount: order.amount, expiresAt: order.expiresAt, payment };
  });
}
