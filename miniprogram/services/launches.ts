// What createOrder answered, kept in local storage by order id so 继续支付 works after leaving the
// pay page. Holds only what wx.requestPayment needs (no secrets: the server signed it).
import type { CreateOrderResult } from "../../shared/contracts/api";

const KEY_PREFIX = "launch:";

export function saveLaunch(order: CreateOrderResult): void {
  wx.setStorageSync(KEY_PREFIX + order.orderId, order);
}

export function loadLaunch(orderId: string): CreateOrderResult | null {
  const stored: unknown = wx.getStorageSync(KEY_PREFIX + orderId);
  if (typeof stored === "object" && stored !== null && "payment" in stored) return stored as CreateOrderResult;
  return null;
}

export function dropLaunch(orderId: string): void {
  wx.removeStorageSync(KEY_PREFIX + orderId);
}
