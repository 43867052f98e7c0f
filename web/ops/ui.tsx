// Small pieces several views share.
import { ElMessage, ElTag } from "./el";
import { ApiError } from "./api";
import { ORDER_STATUS, REFUND_STATUS } from "./format";
import type { OrderStatus } from "../../shared/contracts/api";
import type { StoredRefundStatus } from "../../shared/ops/contract";

export function showError(e: unknown): void {
  ElMessage.error(e instanceof ApiError ? e.message : "操作失败，请稍后重试");
}

// ElTableColumn calls its cell slot once with an empty row ({}) to look for nested columns, so
// cell renderers must cope with missing fields.
export const OrderStatusTag = (p: { status?: OrderStatus }) => {
  const s = p.status && ORDER_STATUS[p.status];
  return s ? <ElTag type={s.type}>{s.label}</ElTag> : null;
};
export const RefundStatusTag = (p: { status?: StoredRefundStatus }) => {
  const s = p.status && REFUND_STATUS[p.status];
  return s ? <ElTag type={s.type}>{s.label}</ElTag> : null;
};

/** v-model for JSX: modelValue and its update event, bound to a ref-like holder. */
export function model<T>(get: () => T, set: (v: T) => void) {
  return { modelValue: get(), "onUpdate:modelValue": set };
}
