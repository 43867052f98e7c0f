// Small pieces several views share.
import { ElMessage, ElTag } from "./el";
import { ApiError } from "./api";
import { ORDER_STATUS, REFUND_STATUS } from "./format";
import type { OrderStatus } from "../../shared/contracts/api";
import type { StoredRefundStatus } from "../../shared/ops/contract";

export function showError(e: unknown): void {
  ElMessage.error(e instanceof ApiError ? e.message : "操作失败，请稍后重试");
}

export const OrderStatusTag = (p: { status: OrderStatus }) => <ElTag type={ORDER_STATUS[p.status].type}>{ORDER_STATUS[p.status].label}</ElTag>;
export const RefundStatusTag = (p: { status: StoredRefundStatus }) => <ElTag type={REFUND_STATUS[p.status].type}>{REFUND_STATUS[p.status].label}</ElTag>;

/** v-model for JSX: modelValue and its update event, bound to a ref-like holder. */
export function model<T>(get: () => T, set: (v: T) => void) {
  return { modelValue: get(), "onUpdate:modelValue": set };
}
