// Stored documents → the console's views. ID numbers leave only masked.
import { maskedIdOf } from "../services/views";
import type { OrderDoc, PaymentEventDoc, RefundDoc } from "../store/model";
import type { OpsOrderDetail, OpsRefundView, OrderRow, PaymentEventView } from "./contract";

export const orderRow = (o: OrderDoc): OrderRow => ({
  orderId: o._id,
  outTradeNo: o.outTradeNo,
  ...(o.transactionId ? { transactionId: o.transactionId } : {}),
  openid: o.openid,
  status: o.status,
  amount: o.amount,
  refundedAmount: o.refundedAmount,
  refundReserved: o.refundReserved,
  train: o.train,
  passengerCount: o.passengers.length,
  createdAt: o.createdAt,
  ...(o.paidAt ? { paidAt: o.paidAt } : {}),
});

export const orderOfDetail = (o: OrderDoc): OpsOrderDetail["order"] => ({
  ...orderRow(o),
  expiresAt: o.expiresAt,
  ...(o.closedAt ? { closedAt: o.closedAt } : {}),
  refundable: o.status === "PAID" || o.status === "PARTIALLY_REFUNDED" ? Math.max(0, o.amount - o.refundReserved) : 0,
  passengers: o.passengers.map((p) => ({ name: p.name, idCardNoMasked: maskedIdOf(p) })),
  timeline: o.timeline,
});

export const refundRow = (r: RefundDoc): OpsRefundView => ({
  refundId: r._id,
  outRefundNo: r.outRefundNo,
  ...(r.wxRefundId ? { wxRefundId: r.wxRefundId } : {}),
  amount: r.amount,
  status: r.status,
  reason: r.reason,
  automatic: r.automatic,
  ...(r.failure ? { failure: r.failure } : {}),
  createdAt: r.createdAt,
  ...(r.succeededAt ? { succeededAt: r.succeededAt } : {}),
});

export const eventRow = (e: PaymentEventDoc): PaymentEventView => ({
  id: e._id,
  at: e.at,
  source: e.source,
  decision: e.decision,
  ...(e.detail ? { detail: e.detail } : {}),
  ...(e.eventType ? { eventType: e.eventType } : {}),
  ...(e.requestId ? { requestId: e.requestId } : {}),
  ...(e.notificationId ? { notificationId: e.notificationId } : {}),
  ...(e.httpStatus ? { httpStatus: e.httpStatus } : {}),
  ...(e.transactionId ? { transactionId: e.transactionId } : {}),
  ...(e.outRefundNo ? { outRefundNo: e.outRefundNo } : {}),
});
