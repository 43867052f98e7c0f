// The 我的订单 tab's badge: how many orders can still be paid, as the server counts them (its list of
// the 待支付 tab and its clock), never the phone's guess. Refreshed when the app shows, after a
// booking, a payment or a cancel. A failure leaves the badge as it was: it is a hint, never a gate.
import { listOrders } from "./orders";

/** 我的订单 in app.json's tabBar.list. */
export const ORDERS_TAB_INDEX = 1;
/** A user holds at most one unpaid order (fair use); 50 is the server's page maximum. */
const UNPAID_PAGE = 50;

/** Sets or removes the badge; answers the count (undefined when the server could not be asked). */
export async function refreshUnpaidBadge(): Promise<number | undefined> {
  let count: number;
  try {
    const page = await listOrders({ status: "unpaid", limit: UNPAID_PAGE });
    count = page.orders.filter((o) => o.expiresAt > page.serverNow).length;
  } catch {
    return undefined;
  }
  try {
    if (count > 0) await wx.setTabBarBadge({ index: ORDERS_TAB_INDEX, text: String(count) });
    else await wx.removeTabBarBadge({ index: ORDERS_TAB_INDEX });
  } catch {
    // Called from a page that is not a tab page, the platform may refuse: the next onShow retries.
  }
  return count;
}
