// orders: { action: "list" | "get" | "sync" | "mockPay" | "resume", orderId? }.
import type { OrdersResults } from "../../shared/contracts/api";
import { callable } from "../../shared/runtime/handler";
import { paymentDeps } from "../../shared/runtime/payment";
import { storeDeps } from "../../shared/runtime/store";
import { detailOf, listOrders, mockPay, ownOrder, resumePayment, syncOrder } from "../../shared/services/orderQueries";
import { oneOf, ORDER_ID, str } from "../../shared/validate";

/** The mini-program polls sync after a payment; WeChat Pay is asked at most once a second per order. */
const SYNC_MIN_INTERVAL_MS = 1000;

export const main = callable("orders", async (event, caller): Promise<OrdersResults[keyof OrdersResults]> => {
  const action = oneOf(event, "action", ["list", "get", "sync", "mockPay", "resume"] as const);
  const store = storeDeps();
  if (action === "list") return listOrders(store, caller);
  const order = await ownOrder(store, caller, str(event, "orderId", { max: 24, pattern: ORDER_ID }));
  if (action === "get") return detailOf(store, order);
  const deps = paymentDeps("orders");
  if (action === "resume") return resumePayment(deps, order);
  return detailOf(store, action === "sync" ? await syncOrder(deps, order, { fn: "orders" }, SYNC_MIN_INTERVAL_MS) : await mockPay(deps, order));
});
