// Stored documents → what the functions answer. ID numbers leave only masked.
import type { OrderDetail, OrderSummary, RefundStatus, RefundView, TicketView } from "../contracts/api";
import { departAtOf } from "../catalog/catalog";
import { maskIdNo } from "../../miniprogram/utils/passenger-rules";
import type { OrderDoc, RefundDoc, StoredPassenger, StoredRefundStatus } from "../store/model";

/** The passenger's masked document number (older orders kept the number itself: masked here). */
export const maskedIdOf = (p: Pick<StoredPassenger, "idNoMasked" | "idCardNo">): string => p.idNoMasked ?? maskIdNo(p.idCardNo ?? "");

/** CREATED is ours (submitted or about to be): to the user it is in progress. FAILED (refused by
 *  WeChat Pay): closed without a refund. */
export const publicRefundStatus = (s: StoredRefundStatus): RefundStatus => (s === "CREATED" ? "PROCESSING" : s === "FAILED" ? "CLOSED" : s);

/** Why a refund that ended CLOSED (or FAILED) refunded nothing, for the traveller. */
export function failureReason(r: Pick<RefundDoc, "status" | "failure">): string | undefined {
  if (r.status === "CLOSED") return "微信支付关闭了该退款，款项未退出";
  if (r.status !== "FAILED") return undefined;
  if (r.failure === "TICKET_STATE") return "车票已在退票中或已退";
  if (r.failure === "REFUND_EXCEEDED") return "超过可退金额";
  return r.failure ? `微信支付未受理（${r.failure}）` : "微信支付未受理";
}

export function refundView(r: RefundDoc): RefundView {
  return {
    refundId: r._id,
    outRefundNo: r.outRefundNo,
    amount: r.amount,
    fee: r.fee ?? 0,
    ticketIds: (r.tickets ?? []).map((t) => t.ticketId),
    status: publicRefundStatus(r.status),
    ...(failureReason(r) ? { failureReason: failureReason(r) } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    createdAt: r.createdAt,
    ...(r.succeededAt ? { succeededAt: r.succeededAt } : {}),
  };
}

/** The fields a summary and a detail share. */
function orderCore(o: OrderDoc) {
  return {
    orderId: o._id,
    outTradeNo: o.outTradeNo,
    status: o.status,
    amount: o.amount,
    refundedAmount: o.refundedAmount,
    train: o.train,
    createdAt: o.createdAt,
    expiresAt: o.expiresAt,
  };
}

export function orderSummary(o: OrderDoc): OrderSummary {
  return { ...orderCore(o), passengerCount: o.passengers.length };
}

export function ticketViews(o: OrderDoc): TicketView[] {
  return (o.tickets ?? []).map((t, i) => {
    const p = o.passengers[i];
    return {
      ticketId: t.ticketId,
      passengerName: p?.name ?? "",
      idCardNoMasked: p ? maskedIdOf(p) : "",
      carriage: t.carriage,
      seatNo: t.seatNo,
      seatClass: o.train.seatClass,
      seatClassName: o.train.seatClassName,
      price: t.price,
      status: t.status,
      ...(t.refundFee !== undefined ? { refundFee: t.refundFee } : {}),
      ...(t.refundAmount !== undefined ? { refundAmount: t.refundAmount } : {}),
    };
  });
}

export function orderDetail(o: OrderDoc, refunds: RefundDoc[], serverNow: number): OrderDetail {
  return {
    ...orderCore(o),
    refunds: refunds.sort((a, b) => a.createdAt - b.createdAt).map(refundView),
    passengers: o.passengers.map((p) => ({
      name: p.name,
      idCardNoMasked: maskedIdOf(p),
      ...(p.idType ? { idType: p.idType } : {}),
      ...(p.ticketType ? { ticketType: p.ticketType } : {}),
    })),
    tickets: ticketViews(o),
    departAt: departAtOf(o.train),
    ...(o.paidAt ? { paidAt: o.paidAt } : {}),
    serverNow,
    timeline: o.timeline,
  };
}
