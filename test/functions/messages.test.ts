// Subscription messages through the built functions: wx-server-sdk's 云调用 reaches the local stack,
// which records what would be sent (GET /dev/messages). A payment and a refund each record exactly
// one message, to the payer, with the template the environment names and fields WeChat accepts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult, OrderDetail, RefundResult } from "../../shared/contracts/api";
import type { RecordedMessage } from "../../dev/stack/openapi";
import type { TestStack } from "../helpers/stack";
import { caller, errCode, findTrain, newUser, ok, passengers, prepayIdOf, startPayStack, token, until, waitForStatus } from "./helpers";

let stack: TestStack;
beforeAll(async () => {
  stack = await startPayStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function messagesTo(openid: string): Promise<RecordedMessage[]> {
  const r = await stack.get("/dev/messages");
  expect(r.status).toBe(200);
  return (r.json as { messages: RecordedMessage[] }).messages.filter((m) => m.touser === openid);
}

describe("subscription messages on the local stack", () => {
  it("a payment and a refund each record exactly one message (出票成功, 退款到账) with WeChat's answer errcode 0", async () => {
    const user = newUser("msg");
    const call = caller(stack, user);
    const train = await findTrain(call, "G1");
    // A template name the contract does not know is refused before anything is written.
    expect(
      errCode(
        await call("createOrder", {
          trainId: train.trainId,
          seatClass: "second",
          passengers: passengers(1),
          clientToken: token(),
          subscribe: ["ticketIssued", "marketing"],
        }),
      ),
    ).toBe("INVALID_ARGUMENT");
    const order = ok(
      await call("createOrder", {
        trainId: train.trainId,
        seatClass: "second",
        passengers: passengers(2),
        clientToken: token(),
        subscribe: ["ticketIssued", "refundSuccess", "departureReminder"],
      }),
    ) as CreateOrderResult;
    expect((await stack.post("/sim/pay", { prepay_id: prepayIdOf(order) })).status).toBe(200);
    const paid = await waitForStatus(call, order.orderId, "PAID");
    // The traveller's sync after the payment sheet, twice: the payment was applied once, so one message.
    ok(await call("orders", { action: "sync", orderId: order.orderId }));
    ok(await call("orders", { action: "sync", orderId: order.orderId }));
    const issued = await until("出票成功 recorded", async () => {
      const m = await messagesTo(user.openid);
      return m.length > 0 ? m : undefined;
    });
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      templateId: "local-tpl-ticket-issued",
      page: `pages/order-detail/index?orderId=${order.orderId}`,
      errcode: 0,
      data: { character_string1: { value: order.outTradeNo }, amount5: { value: `${(order.amount / 100).toFixed(2)}元` } },
    });

    const r = ok(
      await call("refund", { orderId: order.orderId, ticketIds: [paid.tickets[0]!.ticketId], refundToken: token("r") }),
    ) as RefundResult;
    await until("the refund to succeed", async () => {
      const o = ok(await call("orders", { action: "get", orderId: order.orderId })) as OrderDetail;
      return o.refunds.find((x) => x.refundId === r.refundId)?.status === "SUCCESS" ? o : undefined;
    });
    ok(await call("orders", { action: "sync", orderId: order.orderId }));
    const all = await until("退款到账 recorded", async () => {
      const m = await messagesTo(user.openid);
      return m.length > 1 ? m : undefined;
    });
    expect(all.map((m) => [m.templateId, m.errcode])).toEqual([
      ["local-tpl-ticket-issued", 0],
      ["local-tpl-refund-success", 0],
    ]);
    expect(all[1]!.data.amount2).toEqual({ value: `${(r.amount / 100).toFixed(2)}元` });
    // A web page's Origin is refused, like on every stack endpoint.
    expect((await stack.get("/dev/messages", { origin: "http://evil.example" })).status).toBe(403);
  }, 90_000);
});
