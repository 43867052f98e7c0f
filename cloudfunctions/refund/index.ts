// refund: { orderId, amount?, reason?, refundToken } → { refundId, outRefundNo, amount, status }.
import { callable } from "../../shared/runtime/handler";
import { paymentDeps } from "../../shared/runtime/payment";
import { requestRefund } from "../../shared/services/refundRequest";
import { optFen, optStr, ORDER_ID, str, TOKEN } from "../../shared/validate";

export const main = callable("refund", (event, caller) => {
  const input = {
    orderId: str(event, "orderId", { max: 24, pattern: ORDER_ID }),
    amount: optFen(event, "amount"),
    reason: optStr(event, "reason", { max: 80 }),
    refundToken: str(event, "refundToken", { max: 64, pattern: TOKEN }),
  };
  return requestRefund(paymentDeps("refund"), input, caller);
});
