// The journey for a merchant on platform certificates only (no WeChat Pay public key configured):
// the functions download them from /v3/certificates and verify every answer and notification with
// them. The migration mode (both kinds of key alternating) is what test/functions/e2e.test.ts runs
// on, and the public key alone is what the mini-program end-to-end test runs on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult, RefundResult } from "../../shared/contracts/api";
import type { TestStack } from "../helpers/stack";
import { caller, findTrain, newUser, ok, passengers, prepayIdOf, startPayStack, token, until, waitForStatus } from "./helpers";

describe("signing mode cert", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startPayStack({ env: { WXPAY_SIM_SIGN_MODE: "cert" } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("books, is paid by a notification, refunds, and every answer verified with the downloaded certificates", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G1");
    const order = ok(
      await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() }),
    ) as CreateOrderResult;
    ok(await call("orders", { action: "sync", orderId: order.orderId })); // a query answer, verified
    await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
    await waitForStatus(call, order.orderId, "PAID");
    const r = ok(await call("refund", { orderId: order.orderId, ticketIds: [`${order.orderId}-1`], refundToken: token() })) as RefundResult;
    expect(r.amount + r.fee).toBe(order.amount);
    await waitForStatus(call, order.orderId, "REFUNDED");
    type SimLog = { notifications: Array<{ serial?: string; attempts: Array<{ status: number | null }> }> };
    // WeChat Pay's side records our 204 a moment after the order changed.
    const log = await until("the simulator to record our 204 to each notification", async () => {
      const l = (await stack.get(`/sim/notifications?out_trade_no=${order.outTradeNo}`)).json as SimLog;
      return l.notifications.length >= 2 && l.notifications.every((n) => n.attempts.some((a) => a.status === 204)) ? l : undefined;
    });
    expect(log.notifications.every((n) => !String(n.serial).startsWith("PUB_KEY_ID_"))).toBe(true);
  });
});
