// refund. A traveller (mini-program): { orderId, ticketIds, refundToken, reason? } → 退票 of those
// tickets with 12306's fee → { refundId, outRefundNo, amount, fee, status }. An operator (no user
// identity: `tcb fn invoke refund`): { orderId, amount?, refundToken, reason? } → a refund of money.
import { AppError } from "../../shared/errors";
import { TICKET_ID } from "../../shared/orders/ids";
import { callable, envelope, eventData } from "../../shared/runtime/handler";
import { hasMiniProgramCaller } from "../../shared/runtime/identity";
import { paymentDeps } from "../../shared/runtime/payment";
import { requestOperatorRefund, requestTicketRefund } from "../../shared/services/refund-request";
import { optFen, optStr, ORDER_ID, str, ticketIds, TOKEN } from "../../shared/validate";

const traveller = callable("refund", (event, caller) => {
  if (event.amount !== undefined) throw new AppError("FORBIDDEN", "按金额退款仅限运营人员，请选择要退的车票");
  const input = {
    orderId: str(event, "orderId", { max: 24, pattern: ORDER_ID }),
    ticketIds: ticketIds(event, TICKET_ID),
    reason: optStr(event, "reason", { max: 80 }),
    refundToken: str(event, "refundToken", { max: 64, pattern: TOKEN }),
  };
  return requestTicketRefund(paymentDeps("refund"), input, caller);
});

/** A Web SDK login (anonymous or custom) is an end user too, never an operator: the amount path is
 *  for invocations that carry no user at all (`tcb fn invoke`). */
const webSdkUser = (env: NodeJS.ProcessEnv = process.env): boolean =>
  Boolean(env.TCB_UUID || env.TCB_CUSTOM_USER_ID || env.TCB_ISANONYMOUS_USER === "true");

export function main(event: unknown) {
  if (hasMiniProgramCaller()) return traveller(event);
  return envelope("refund", async () => {
    if (webSdkUser()) throw new AppError("FORBIDDEN", "按金额退款仅限运营人员");
    const data = eventData(event);
    const input = {
      orderId: str(data, "orderId", { max: 24, pattern: ORDER_ID }),
      amount: optFen(data, "amount"),
      reason: optStr(data, "reason", { max: 80 }),
      refundToken: str(data, "refundToken", { max: 64, pattern: TOKEN }),
    };
    return requestOperatorRefund(paymentDeps("refund"), input);
  });
}
