// The `orders` function answers a list or one order depending on the action; these helpers narrow
// the contract's union at run time so pages get exact types.
import type { CreateOrderResult, OrderDetail, OrdersListResult, OrdersTab, RefundQuote } from "../../shared/contracts/api";
import { call } from "./api";
import { ApiCallError, SERVICE_DOWN_MESSAGE } from "./errors";

function broken(): ApiCallError {
  return new ApiCallError("INTERNAL", SERVICE_DOWN_MESSAGE, true);
}

function asDetail(res: unknown): OrderDetail {
  if (typeof res === "object" && res !== null && "orderId" in res && "status" in res) return res as OrderDetail;
  throw broken();
}

/** One page of 我的订单: a tab (absent: 全部), from a previous page's `nextCursor`. */
export async function listOrders(query: { status?: OrdersTab; cursor?: string; limit?: number } = {}): Promise<OrdersListResult> {
  const res = await call("orders", { action: "list", ...query });
  if ("orders" in res && Array.isArray(res.orders) && "serverNow" in res) return res;
  throw broken();
}

export async function getOrder(orderId: string): Promise<OrderDetail> {
  return asDetail(await call("orders", { action: "get", orderId }));
}

/** Asks the server to check with WeChat Pay and apply the answer (after requestPayment reported success). */
export async function syncOrder(orderId: string): Promise<OrderDetail> {
  return asDetail(await call("orders", { action: "sync", orderId }));
}

/** Signed pay params again for a PENDING order (继续支付 when this device has none stored). */
export async function resumePayment(orderId: string): Promise<CreateOrderResult> {
  const res = await call("orders", { action: "resume", orderId });
  if (typeof res === "object" && res !== null && "payment" in res) return res;
  throw broken();
}

/** 取消订单 asks first (every page that offers it asks the same). */
export async function confirmCancel(): Promise<boolean> {
  const choice = await wx.showModal({
    title: "取消订单",
    content: "取消后座位将被释放，确定取消吗？",
    confirmText: "取消订单",
    cancelText: "再想想",
  });
  return choice.confirm;
}

/** What the traveller is told after 取消订单: a payment that got there first wins. */
export function cancelOutcome(status: OrderDetail["status"]): string {
  return status === "CLOSED" ? "订单已取消" : status === "PAID" ? "订单已支付，未取消" : "订单未能取消";
}

/** 取消订单: closes an unpaid order (the server closes it at WeChat Pay first). */
export async function cancelOrder(orderId: string): Promise<OrderDetail> {
  return asDetail(await call("orders", { action: "cancel", orderId }));
}

/** What returning these tickets would refund now (no side effects). */
export async function refundQuote(orderId: string, ticketIds: string[]): Promise<RefundQuote> {
  const res = await call("orders", { action: "refundQuote", orderId, ticketIds });
  if (typeof res === "object" && res !== null && "feePercent" in res) return res;
  throw broken();
}

/** Pays a mock-mode order through the server's own payment transition. */
export async function mockPay(orderId: string): Promise<OrderDetail> {
  return asDetail(await call("orders", { action: "mockPay", orderId }));
}

/** Delays between `sync` calls after a reported payment success: bounded, about 10 s in all. */
export const SYNC_DELAYS_MS = [0, 500, 1000, 1500, 2000, 2500, 3000];

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls sync until the order is no longer PENDING or the schedule runs out; answers the last order
 * seen. A network error during polling is not fatal: the next attempt may get through.
 */
export async function pollUntilSettled(orderId: string, delays: readonly number[] = SYNC_DELAYS_MS): Promise<OrderDetail | null> {
  let last: OrderDetail | null = null;
  let lastError: unknown = null;
  for (const delay of delays) {
    if (delay > 0) await wait(delay);
    try {
      last = await syncOrder(orderId);
      if (last.status !== "PENDING") return last;
    } catch (err) {
      lastError = err;
      if (err instanceof ApiCallError && !err.retryable) throw err;
    }
  }
  if (last === null && lastError !== null) throw lastError;
  return last;
}
