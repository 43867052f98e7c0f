// createOrder: { trainId, seatClass, passengers?, passengerIds?, clientToken, seatPreference?, subscribe? } → { orderId, outTradeNo, amount, expiresAt, serverNow, payment }.
import type { SubscribeTemplate } from "../../shared/contracts/api";
import { passengerKeys } from "../../shared/passengers/data-key";
import { orderPassengers, parseOrderPassengers } from "../../shared/passengers/order-passengers";
import { callable } from "../../shared/runtime/handler";
import { paymentDeps } from "../../shared/runtime/payment";
import { createOrder } from "../../shared/services/booking";
import { SUBSCRIBE_TEMPLATES } from "../../shared/services/notices";
import { arr, oneOf, str, TOKEN } from "../../shared/validate";

/** The templates the traveller accepted in wx.requestSubscribeMessage, each once. */
function subscribed(list: unknown[]): SubscribeTemplate[] {
  return [...new Set(list.map((v, i) => oneOf({ [`subscribe[${i}]`]: v }, `subscribe[${i}]`, SUBSCRIBE_TEMPLATES)))];
}

export const main = callable("createOrder", async (event, caller) => {
  const trainId = str(event, "trainId", { max: 40, pattern: /^[A-Z]\d{1,5}-\d{4}-\d{2}-\d{2}$/ });
  const seatClass = oneOf(event, "seatClass", ["business", "first", "second"] as const);
  const parsed = parseOrderPassengers(event, new Date());
  const input = {
    trainId,
    seatClass,
    clientToken: str(event, "clientToken", { max: 64, pattern: TOKEN }),
    ...(event.seatPreference !== undefined ? { seatPreference: oneOf(event, "seatPreference", ["window", "aisle"] as const) } : {}),
    ...(event.subscribe !== undefined ? { subscribe: subscribed(arr(event, "subscribe", 0, SUBSCRIBE_TEMPLATES.length)) } : {}),
  };
  const deps = paymentDeps("createOrder");
  // Saved passengers are read (one round trip) only when the request names some.
  const passengers = await orderPassengers({ ...deps, passengerKeys: () => passengerKeys() }, caller, {
    ...parsed,
    seatClass,
    travelDate: trainId.slice(-10),
  });
  return createOrder(deps, { ...input, passengers }, caller);
});
