// Chinese labels and badge styles for order, ticket and refund statuses.
import type { OrderStatus, RefundResult, RefundStatus, TicketStatus } from "../../shared/contracts/api";
import { formatPrice } from "./money";

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

export const TICKET_STATUS_LABELS: Record<TicketStatus, string> = {
  UNPAID: "待支付",
  ISSUED: "已出票",
  REFUNDING: "退票中",
  REFUNDED: "已退票",
  CANCELLED: "已取消",
};

export function orderStatusLabel(status: OrderStatus): string {
  return ORDER_STATUS_LABELS[status] ?? status;
}

export function refundStatusLabel(status: RefundStatus): string {
  return REFUND_STATUS_LABELS[status] ?? status;
}

/** The toast for a 退票's outcome, by its status: 成功 / 已提交 / 未成功 with the reason. */
export function refundOutcome(r: Pick<RefundResult, "status" | "amount" | "failureReason">): string {
  if (r.status === "SUCCESS") return `退票成功，${formatPrice(r.amount)} 已原路退回`;
  if (r.status === "PROCESSING") return `退票申请已提交，${formatPrice(r.amount)} 退款处理中`;
  if (r.status === "ABNORMAL") return "退款异常（如银行卡已注销），请联系客服处理";
  return `退票未成功：${r.failureReason ?? "微信支付未受理"}`;
}
