// createOrder: { trainId, seatClass, passengers, clientToken, seatPreference?, subscribe? } → { orderId, outTradeNo, amount, expiresAt, serverNow, payment }.
import type { PassengerInput, SubscribeTemplate } from "../../shared/contracts/api";
import { AppError } from "../../shared/errors";
import { isValidIdCardNo } from "../../shared/orders/idcard";
import { callable } from "../../shared/runtime/handler";
import { paymentDeps } from "../../shared/runtime/payment";
import { createOrder } from "../../shared/services/booking";
import { SUBSCRIBE_TEMPLATES } from "../../shared/services/notices";
import { arr, asObject, oneOf, str, TOKEN } from "../../shared/validate";

const NAME = /^[\u4e00-\u9fa5·A-Za-z ]{2,30}$/;

function passengers(list: unknown[]): PassengerInput[] {
  const seen = new Set<string>();
  return list.map((p, i) => {
    const o = asObject(p, `passengers[${i}]`);
    const name = str(o, "name", { max: 30, pattern: NAME });
    const idCardNo = str(o, "idCardNo", { min: 18, max: 18 }).toUpperCase();
    if (!isValidIdCardNo(idCardNo)) throw new AppError("INVALID_ARGUMENT", `第 ${i + 1} 位乘客的身份证号码无效`);
    if (seen.has(idCardNo)) throw new AppError("INVALID_ARGUMENT", "同一订单中乘客不能重复");
    seen.add(idCardNo);
    return { name, idCardNo };
  });
}

/** The templates the traveller accepted in wx.requestSubscribeMessage, each once. */
function subscribed(list: unknown[]): SubscribeTemplate[] {
  return [...new Set(list.map((v, i) => oneOf({ [`subscribe[${i}]`]: v }, `subscribe[${i}]`, SUBSCRIBE_TEMPLATES)))];
}

export const main = callable("createOrder", (event, caller) => {
  const input = {
    trainId: str(event, "trainId", { max: 40, pattern: /^[A-Z]\d{1,5}-\d{4}-\d{2}-\d{2}$/ }),
    seatClass: oneOf(event, "seatClass", ["business", "first", "second"] as const),
    passengers: passengers(arr(event, "passengers", 1, 5)),
    clientToken: str(event, "clientToken", { max: 64, pattern: TOKEN }),
    ...(event.seatPreference !== undefined ? { seatPreference: oneOf(event, "seatPreference", ["window", "aisle"] as const) } : {}),
    ...(event.subscribe !== undefined ? { subscribe: subscribed(arr(event, "subscribe", 0, SUBSCRIBE_TEMPLATES.length)) } : {}),
  };
  return createOrder(paymentDeps("createOrder"), input, caller);
});
