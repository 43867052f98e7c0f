import "./dom-globals";
import { afterEach, describe, expect, it } from "vitest";
import { createOrderResult, trainG1, VALID_ID_1 } from "./fixtures";
import { callsOf, fail, type FakePlatform, installPlatform, mpRequire, ok, type Rendered, renderPage, settle } from "./harness";

/** miniprogram/config.ts's subscribeTemplates (not importable into the node project). */
interface SubscribeTemplateIds {
  ticketIssued: string;
  refundSuccess: string;
  departureReminder: string;
}
const QUERY = { trainId: trainG1.trainId, seatClass: "second", from: "北京南", to: "上海虹桥", date: "2026-11-28" };
const IDS: SubscribeTemplateIds = { ticketIssued: "tpl-issued", refundSuccess: "tpl-refund", departureReminder: "tpl-remind" };
const appConfig = mpRequire<{ config: { subscribeTemplates: SubscribeTemplateIds } }>("config").config;
const original = { ...appConfig.subscribeTemplates };
afterEach(() => {
  appConfig.subscribeTemplates = { ...original };
});

async function filledBook(p: FakePlatform): Promise<Rendered> {
  const page = renderPage("pages/book/index");
  await page.instance.onLoad(QUERY);
  await settle();
  page.querySelectorAll(".name-input")[0]!.dispatchEvent("input", { detail: { value: "张三" } });
  page.querySelectorAll(".id-input")[0]!.dispatchEvent("input", { detail: { value: VALID_ID_1 } });
  await settle();
  expect(p.subscribeRequests).toEqual([]);
  return page;
}

const platform = () =>
  installPlatform({
    trains: () => ok({ trains: [trainG1] }),
    createOrder: () => ok(createOrderResult()),
    orders: () => ok({ orders: [], serverNow: Date.now() }),
  });

describe("订阅消息 on 提交订单 (pages/book)", () => {
  it("asks for the three templates on submit and passes the accepted ones to createOrder", async () => {
    appConfig.subscribeTemplates = { ...IDS };
    const p = platform();
    p.subscribeResult = { "tpl-issued": "accept", "tpl-refund": "reject", "tpl-remind": "accept" };
    const page = await filledBook(p);
    await page.instance.onSubmit();
    await settle();
    expect(p.subscribeRequests).toEqual([["tpl-issued", "tpl-refund", "tpl-remind"]]);
    expect(callsOf(p, "createOrder").map((c) => c.data.subscribe)).toEqual([["ticketIssued", "departureReminder"]]);
    expect(p.navigations).toEqual(["/pages/pay/index?orderId=ord_1"]);
  });

  it("a refusal of all, a banned template or a failing API still books, with no subscription", async () => {
    const answers: FakePlatform["subscribeResult"][] = [
      { "tpl-issued": "reject", "tpl-refund": "reject", "tpl-remind": "reject" },
      { "tpl-issued": "ban", "tpl-refund": "reject", "tpl-remind": "reject" },
      { fail: "can only be invoked by user TAP gesture." },
    ];
    for (const result of answers) {
      appConfig.subscribeTemplates = { ...IDS };
      const p = platform();
      p.subscribeResult = result;
      const page = await filledBook(p);
      await page.instance.onSubmit();
      await settle();
      expect(p.subscribeRequests).toHaveLength(1);
      const creates = callsOf(p, "createOrder");
      expect(creates).toHaveLength(1);
      expect(creates[0]!.data.subscribe).toBeUndefined();
      expect(p.navigations).toEqual(["/pages/pay/index?orderId=ord_1"]);
      page.detach();
    }
  });

  it("with no template ids configured nothing is asked; a failed booking is not hidden by the question", async () => {
    appConfig.subscribeTemplates = { ticketIssued: "", refundSuccess: "", departureReminder: "" };
    const p = platform();
    const page = await filledBook(p);
    await page.instance.onSubmit();
    await settle();
    expect(p.subscribeRequests).toEqual([]);
    expect(callsOf(p, "createOrder")).toHaveLength(1);

    appConfig.subscribeTemplates = { ...IDS };
    const q = platform();
    q.functions.createOrder = () => fail("SOLD_OUT", "二等座余票不足");
    q.subscribeResult = { "tpl-issued": "accept" };
    const again = await filledBook(q);
    await again.instance.onSubmit();
    await settle();
    expect(q.subscribeRequests).toHaveLength(1);
    expect(callsOf(q, "createOrder")[0]!.data.subscribe).toEqual(["ticketIssued"]);
    expect(q.navigations).toEqual([]);
    expect(q.toasts.join(" ") + again.data.formError).toContain("余票不足");
  });

  it("after a booking the unpaid badge is refreshed from the server", async () => {
    const p = platform();
    p.functions.orders = () => ok({ orders: [{ ...pendingSummary() }], serverNow: Date.now() });
    const page = await filledBook(p);
    await page.instance.onSubmit();
    await settle(10);
    expect(callsOf(p, "orders").map((c) => c.data)).toEqual([{ action: "list", status: "unpaid", limit: 50 }]);
    expect(p.tabBadges.get(1)).toBe("1");
  });
});

function pendingSummary() {
  const r = createOrderResult();
  return {
    orderId: r.orderId,
    outTradeNo: r.outTradeNo,
    status: "PENDING",
    amount: r.amount,
    refundedAmount: 0,
    train: { ...trainG1, seatClass: "second", seatClassName: "二等座" },
    passengerCount: 1,
    createdAt: Date.now(),
    expiresAt: Date.now() + 60_000,
  };
}
