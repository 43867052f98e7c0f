// Display helpers: yuan from fen, China time, Chinese labels for statuses and kinds.
import type { ExceptionKind, Role, StoredRefundStatus } from "../../shared/ops/contract";
import type { OrderStatus } from "../../shared/contracts/api";

export const yuan = (fen: number): string => (fen / 100).toFixed(2);

const CN = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});
export const time = (ms: number | undefined): string => (ms ? CN.format(new Date(ms)).replace(/\//g, "-") : "—");

export const ORDER_STATUS: Record<OrderStatus, { label: string; type: "info" | "success" | "warning" | "danger" | "primary" }> = {
  PENDING: { label: "待支付", type: "warning" },
  PAID: { label: "已支付", type: "success" },
  PARTIALLY_REFUNDED: { label: "部分退款", type: "primary" },
  REFUNDED: { label: "已退款", type: "info" },
  CLOSED: { label: "已关闭", type: "info" },
};

export const REFUND_STATUS: Record<StoredRefundStatus, { label: string; type: "info" | "success" | "warning" | "danger" | "primary" }> = {
  CREATED: { label: "已提交", type: "warning" },
  PROCESSING: { label: "退款中", type: "warning" },
  SUCCESS: { label: "退款成功", type: "success" },
  CLOSED: { label: "已关闭", type: "info" },
  FAILED: { label: "被拒绝", type: "danger" },
  ABNORMAL: { label: "退款异常", type: "danger" },
};

export const EXCEPTION_KIND: Record<ExceptionKind, string> = {
  NOTIFY_REJECTED: "通知被拒",
  CLOSED_ORDER_PAID: "关单后付款",
  REFUND_ABNORMAL: "退款异常",
  RECONCILE: "对账差异",
  PENDING_EXPIRED: "超时未关单",
};

export const ROLE_LABEL: Record<Role, string> = { viewer: "只读", support: "客服", finance: "财务", admin: "管理员" };

const RANK: Role[] = ["viewer", "support", "finance", "admin"];
export const can = (role: Role, min: Role): boolean => RANK.indexOf(role) >= RANK.indexOf(min);

/** "12.34" → 1234 fen; undefined when it is not a positive amount with at most two decimals. */
export function fenOf(input: string): number | undefined {
  const m = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(input);
  if (!m) return undefined;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return fen > 0 ? fen : undefined;
}

/** ops_audit actions in words. */
export const AUDIT_ACTION: Record<string, string> = {
  "refund.manual": "人工退款",
  "refund.reroute": "发起异常退款",
  "order.sync": "查单",
  "order.closeExpired": "关闭超时订单",
  "exception.resolve": "处理异常",
  "reconcile.run": "对账",
  "operator.add": "添加操作员",
  "operator.change": "修改操作员",
  "operator.locked": "账号锁定",
};
