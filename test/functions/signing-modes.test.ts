// The same journey for merchants on platform certificates (downloaded from /v3/certificates) and
// for merchants migrating, whose answers and notifications alternate between the two kinds of key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult, RefundResult } from "../../shared/contracts/api";
import type { TestStack } from "../helpers/stack";
import { caller, findTrain, newUser, ok, passengers, prepayIdOf, startPayStack, token, waitForStatus } from "./helpers";

for (const mode of ["cert", "both"] as const) {
  describe(`signing mode ${mode}`, () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startPayStack({ env: { WXPAY_SIM_SIGN_MODE: mode } });
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it("books, is paid by a notification, refunds, and every answer verified", async () => {
      const call = caller(stack, newUser());
      const train = await findTrain(call, "G1");
      const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() })) as CreateOrderResult;
      for (let i = 0; i < 3; i++) {
        // several calls, so that "both" alternates serials on answers
        ok(await call("orders", { action: "sync", orderId: order.orderId }));
      }
      await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) });
      await waitForStatus(call, order.orderId, "PAID");
      const r = ok(await call("refund", { orderId: order.orderId, ticketIds: [`${order.orderId}-1`], refundToken: token() })) as RefundResult;
      expect(r.amount + r.fee).toBe(order.amount);
      await waitForStatus(call, order.orderId, "REFUNDED");
      type SimLog = { notifications: Array<{ serial?: string; attempts: Array<{ status: number | null }> }> };
      const simLog = async () => (await stack.get(`/sim/notifications?out_trade_no=${order.outTradeNo}`)).json as SimLog;
      // WeChat Pay's side records our 204 a moment after the order changed: poll with a deadline.
      const answered = (l: SimLog) => l.notifications.length > 0 && l.notifications.every((n) => n.attempts.some((a) => a.status === 204));
      let log = await simLog();
      for (let i = 0; i < 200 && !answered(log); i++) log = await new Promise((r) => setTimeout(r, 25)).then(simLog);
      expect(answered(log)).toBe(true);
      if (mode === "cert") expect(log.notifications.every((n) => !String(n.serial).startsWith("PUB_KEY_ID_"))).toBe(true);
    });
  });
}
