// A settings mistake WeChat Pay answers with 500 (OPENID_MISMATCH: the payer's openid was issued for
// another AppID) is a refusal, not an outage: the booking is closed at once, its seats go back, the
// user is told, and the log names the variable to check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrdersListResult } from "../../shared/contracts/api";
import { loadOrCreateDevKeys } from "../../dev/keys";
import type { TestStack } from "../helpers/stack";
import { caller, database, errCode, findTrain, newUser, ok, passengers, startPayStack, token } from "./helpers";

let stack: TestStack;
beforeAll(async () => {
  stack = await startPayStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe("configuration refusals", () => {
  it("OPENID_MISMATCH: PAYMENT_FAILED, the order CLOSED, its seats back, logged with WECHAT_APPID", async () => {
    const user = newUser("foreign");
    // WeChat issued this user's openid for another mini-program than the merchant's WECHAT_APPID.
    expect((await stack.post("/sim/openids", { openid: user.openid, appid: "wx00000000000000ff" })).status).toBe(200);
    const call = caller(stack, user);
    const train = await findTrain(call, "G3");
    const before = train.seats.find((s) => s.code === "second")!.remaining;

    const res = await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(2), clientToken: token() });
    expect(errCode(res)).toBe("PAYMENT_FAILED");
    if (!res.ok) expect(res.error.message).toBe("支付配置有误，请联系客服");

    const list = ok(await call("orders", { action: "list" })) as OrdersListResult;
    expect(list.orders.map((o) => o.status)).toEqual(["CLOSED"]);
    const stored = (await database(stack).collection("orders").doc(list.orders[0]!.orderId).get()).data[0] as {
      status: string;
      seatsHeld: boolean;
      prepayId?: string;
    };
    expect(stored).toMatchObject({ status: "CLOSED", seatsHeld: false });
    expect(stored.prepayId).toBeUndefined();
    expect((await findTrain(call, "G3")).seats.find((s) => s.code === "second")!.remaining).toBe(before);

    const lines = stack
      .stderr()
      .split("\n")
      .filter((l) => l.includes(list.orders[0]!.outTradeNo) && l.includes("PREPAY_REFUSED"));
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]!.slice(lines[0]!.indexOf("{"))) as Record<string, string>;
    expect(logged).toMatchObject({ fn: "createOrder", code: "OPENID_MISMATCH", variable: "WECHAT_APPID" });
    expect(logged.requestId).toMatch(/\S+/);
  });

  it("an openid issued for the merchant's own AppID books normally", async () => {
    const user = newUser("own");
    const appid = loadOrCreateDevKeys(stack.dataDir).appid; // the WECHAT_APPID the functions were given
    expect((await stack.post("/sim/openids", { openid: user.openid, appid })).status).toBe(200);
    const call = caller(stack, user);
    const train = await findTrain(call, "G3");
    const order = ok(
      await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() }),
    );
    expect(order.payment.mode).toBe("wechatpay");
  });
});
