// Chinese labels and badge styles for order and refund statuses.
import type { OrderStatus, RefundStatus } from "../../shared/contracts/api";

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  PENDING: "待支付",
  PAID: "已支付",
  PARTIALLY_REFUNDED: "部分退款",
  REFUNDED: "已退款",
  CLOSED: "已关闭",
};

/** Class suffix for `.badge-<tone>` in app.wxss. */
export const ORDER_STATUS_TONES: Record<OrderStatus, "warn" | "ok" | "info" | "muted"> = {
  PENDING: "warn",
  PAID: "ok",
  PARTIALLY_REFUNDED: "info",
  REFUNDED: "muted",
  CLOSED: "muted",
};

export const REFUND_STATUS_LABELS: Record<RefundStatus, string> = {
  PROCESSING: "退款处理中",
  SUCCESS: "退款成功",
  CLOSED: "退款关闭",
  ABNORMAL: "退款异常",
};

export function orderStatusLabel(status: OrderStatus): string {
  return ORDER_STATUS_LABELS[status] ?? status;
}

export function refundStatusLabel(status: RefundStatus): string {
  return REFUND_STATUS_LABELS[status] ?? status;
}

/** Whether a refund may be requested for an order in this status. */
export function canRefund(status: OrderStatus): boolean {
  return status === "PAID" || status === "PARTIALLY_REFUNDED";
}
