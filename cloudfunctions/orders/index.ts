// orders: { action: "list", status?, cursor?, limit? } | { action: "get" | "sync" | "mockPay" | "resume" | "refundQuote" | "cancel", orderId?, ticketIds? }.
import type { OrdersResults } from "../../shared/contracts/api";
import { TICKET_ID } from "../../shared/orders/ids";
import { callable } from "../../shared/runtime/handler";
import { paymentDeps } from "../../shared/runtime/payment";
import { storeDeps } from "../../shared/runtime/store";
import { cancelOrder, detailOf, listOrders, mockPay, ownOrder, resumePayment, syncOrder } from "../../shared/services/traveller-orders";
import { ORDERS_TABS } from "../../shared/services/order-list";
import { quoteRefund } from "../../shared/services/refund-request";
import { oneOf, optStr, ORDER_ID, str, ticketIds } from "../../shared/validate";

/** The mini-program polls sync after a payment; WeChat Pay is asked at most once a second per order. */
const SYNC_MIN_INTERVAL_MS = 1000;
const ACTIONS = ["list", "get", "sync", "mockPay", "resume", "refundQuote", "cancel"] as const;

export const main = callable("orders", async (event, caller): Promise<OrdersResults[keyof OrdersResults]> => {
  const action = oneOf(event, "action", ACTIONS);
  const store = storeDeps();
  if (action === "list")
    return listOrders(store, caller, {
      status: event.status === undefined ? undefined : oneOf(event, "status", ORDERS_TABS),
      cursor: optStr(event, "cursor", { max: 200 }),
      // Its range is checked by the service (1–50, default 20).
      limit: event.limit === undefined ? undefined : (event.limit as number),
    });
  const order = await ownOrder(store, caller, str(event, "orderId", { max: 24, pattern: ORDER_ID }));
  if (action === "get") return detailOf(store, order);
  if (action === "refundQuote") return quoteRefund(store, order, ticketIds(event, TICKET_ID));
  const deps = paymentDeps("orders");
  if (action === "resume") return resumePayment(deps, order);
  if (action === "cancel") return detailOf(store, await cancelOrder(deps, order));
  return detailOf(
    store,
    action === "sync" ? await syncOrder(deps, order, { fn: "orders" }, SYNC_MIN_INTERVAL_MS) : await mockPay(deps, order),
  );
});
