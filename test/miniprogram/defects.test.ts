// The five page defects of issue 10, each reproduced on the real page. Every test here failed
// before its fix.
import "./dom-globals";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stationsAnswer } from "../../shared/catalog/stations";
import { callsOf, installPlatform, ok, renderPage, settle, textOf, type FakePlatform, type Rendered } from "./harness";
import { createOrderResult, orderDetail, paidDetail, trainG1, trainG7, VALID_ID_1 } from "./fixtures";

let page: Rendered | undefined;
afterEach(() => {
  page?.detach();
  page = undefined;
  vi.useRealTimers();
});

/** 北京南 → 上海虹桥 chosen as the station page answers: through the listener each tap gave wx.navigateTo. */
async function chooseRoute(p: FakePlatform, search: Rendered): Promise<void> {
  for (const [selector, name] of [
    [".station-from", "北京南"],
    [".station-to", "上海虹桥"],
  ] as const) {
    search.querySelector(selector)!.dispatchEvent("tap");
    await settle();
    p.openerEvents.at(-1)!.station!({ field: selector === ".station-from" ? "from" : "to", name });
    await settle();
  }
}

/** A function answer the test lets go when it wants (a slow network). */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("issue 10 page defects", () => {
  it("1. a createOrder answered PAYMENT_FAILED (order kept) keeps the clientToken: the retry resumes that order instead of booking a second", async () => {
    let n = 0;
    const p = installPlatform({
      trains: () => ok({ trains: [trainG1] }),
      createOrder: () =>
        ++n === 1
          ? { ok: false, error: { code: "PAYMENT_FAILED", message: "支付服务响应超时，请稍后重试", data: { resumable: true } } }
          : ok(createOrderResult()),
    });
    page = renderPage("pages/book/index");
    await page.instance.onLoad({ trainId: trainG1.trainId, seatClass: "second", from: "北京南", to: "上海虹桥", date: trainG1.date });
    await settle();
    page.querySelector(".name-input")!.dispatchEvent("input", { detail: { value: "张三" } });
    page.querySelector(".id-input")!.dispatchEvent("input", { detail: { value: VALID_ID_1 } });
    await settle();
    page.querySelector(".submit")!.dispatchEvent("tap");
    await settle();
    page.querySelector(".submit")!.dispatchEvent("tap");
    await settle();
    const tokens = callsOf(p, "createOrder").map((c) => c.data.clientToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).toBe(tokens[0]);
  });

  it("2a. a failed search leaves no trains of the previous date on screen", async () => {
    let fails = false;
    const p = installPlatform({
      trains: (d) =>
        d.action === "stations"
          ? ok(stationsAnswer(Date.now()))
          : fails
            ? Promise.reject({ errMsg: "cloud.callFunction:fail network" })
            : ok({ trains: [trainG1] }),
    });
    page = renderPage("pages/search/index");
    await page.instance.onLoad({});
    await settle();
    await chooseRoute(p, page);
    expect(page.querySelectorAll(".train")).toHaveLength(1);
    fails = true;
    page.querySelector(".next-day")!.dispatchEvent("tap");
    await settle();
    expect(textOf(page, ".error-text")).toBe("网络连接失败，请检查网络后重试");
    expect(page.querySelectorAll(".train")).toHaveLength(0);
  });

  it("2b. while a search is slow the previous date's trains are not tappable, and an older answer never overwrites a newer one", async () => {
    const answers: ReturnType<typeof deferred<unknown>>[] = [];
    const p = installPlatform({
      trains: (d) => {
        if (d.action === "stations") return ok(stationsAnswer(Date.now()));
        const a = deferred<unknown>();
        answers.push(a);
        return a.promise;
      },
    });
    page = renderPage("pages/search/index");
    await page.instance.onLoad({});
    await settle();
    await chooseRoute(p, page); // its search waits for answer 0
    answers[0]!.resolve(ok({ trains: [trainG1] }));
    await settle();
    expect(page.querySelectorAll(".train")).toHaveLength(1);

    const days = page.querySelectorAll(".date-item");
    days[1]!.dispatchEvent("tap"); // answer 1: slow
    await settle();
    // Meanwhile, the previous date's trains cannot be booked.
    page.querySelectorAll(".seat")[2]?.dispatchEvent("tap");
    await settle();
    expect(p.navigations.filter((u) => u.startsWith("/pages/book/"))).toEqual([]);
    days[2]!.dispatchEvent("tap"); // answer 2
    await settle();
    answers[2]!.resolve(ok({ trains: [trainG7] }));
    await settle();
    answers[1]!.resolve(ok({ trains: [trainG1] })); // the older answer arrives last
    await settle();
    expect(page.querySelectorAll(".train-no").map((x) => x.dom?.textContent)).toEqual(["G7"]);
    expect(page.data.date).toBe(page.data.dates[2].date);
  });

  it("3. a refund WeChat Pay refused (CLOSED) is not toasted as submitted", async () => {
    const p = installPlatform({
      orders: (d) =>
        d.action === "refundQuote"
          ? ok({
              amount: 49750,
              fee: 5550,
              feePercent: 10,
              tickets: [{ ticketId: "ord_1-1", fee: 5550, refundAmount: 49750 }],
              serverNow: Date.now(),
            })
          : ok(paidDetail()),
      refund: () => ok({ refundId: "r1", outRefundNo: "RF1", amount: 49750, fee: 5550, status: "CLOSED" }),
    });
    page = renderPage("pages/order-detail/index");
    await page.instance.onLoad({ orderId: "ord_1" });
    await settle();
    page.querySelector(".ticket-refund")!.dispatchEvent("tap");
    await settle(10);
    expect(callsOf(p, "refund")).toHaveLength(1);
    expect(p.toasts).not.toContain("退款申请已提交");
    expect(p.toasts.join()).toMatch(/未成功/);
  });

  it("4. a network error on orders resume offers 重试 (which then pays), not 本设备没有该订单的支付信息", async () => {
    let resumeFails = true;
    const p = installPlatform({
      orders: (d) => {
        if (d.action === "resume")
          return resumeFails ? Promise.reject({ errMsg: "cloud.callFunction:fail network" }) : ok(createOrderResult());
        return ok(orderDetail());
      },
    });
    page = renderPage("pages/pay/index");
    await page.instance.onLoad({ orderId: "ord_1" });
    await settle();
    expect(page.querySelector(".no-launch")).toBeUndefined();
    expect(textOf(page, ".error-text")).toBe("网络连接失败，请检查网络后重试");
    resumeFails = false;
    page.querySelector(".retry")!.dispatchEvent("tap");
    await settle(10);
    expect(p.payments).toHaveLength(1);
  });

  it("5. when the countdown reaches zero on the page, the order is read again and 重新预订 / 查看订单 are offered", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const now = Date.now();
    const expiresAt = now + 3000;
    // Once the time is up the server has closed it (the sweeper, or sync asking WeChat Pay).
    const p = installPlatform({
      orders: () => ok(orderDetail({ status: Date.now() >= expiresAt ? "CLOSED" : "PENDING", expiresAt, serverNow: Date.now() })),
    });
    p.payResult = "cancel";
    p.storage.set("launch:ord_1", createOrderResult());
    page = renderPage("pages/pay/index");
    await page.instance.onLoad({ orderId: "ord_1" });
    await settle();
    expect(page.querySelector(".pay-button")).toBeDefined();
    vi.advanceTimersByTime(4000);
    await settle(10);
    expect(page.querySelector(".pay-button")).toBeUndefined();
    expect(page.querySelector(".rebook")).toBeDefined();
    expect(page.querySelector(".view-order")).toBeDefined();
    expect(callsOf(p, "orders").filter((c) => c.data.action === "get" || c.data.action === "sync").length).toBeGreaterThan(1);
  });
});
