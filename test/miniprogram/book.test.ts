import "./dom-globals";
import { describe, it, expect } from "vitest";
import { installPlatform, renderPage, textOf, settle, callsOf, ok, fail, type Rendered } from "./harness";
import { trainG1, createOrderResult, orderDetail, VALID_ID_1, VALID_ID_2 } from "./fixtures";

const QUERY = { trainId: trainG1.trainId, seatClass: "second", from: "北京南", to: "上海虹桥", date: "2026-11-28" };

// biome-ignore lint/suspicious/noExplicitAny: each function has its own request type
async function openBook(functions: Record<string, (d: any) => unknown> = {}) {
  const p = installPlatform({ trains: () => ok({ trains: [trainG1] }), ...functions });
  const page = renderPage("pages/book/index");
  await page.instance.onLoad(QUERY);
  await settle();
  return { p, page };
}

/** Types into the n-th input with that class, as the user would (the event carries data-index/field). */
async function type(page: Rendered, selector: string, n: number, value: string) {
  page.querySelectorAll(selector)[n].dispatchEvent("input", { detail: { value } });
  await settle();
}

describe("填写订单 (pages/book)", () => {
  it("renders the chosen train and seat class with the estimate", async () => {
    const { page } = await openBook();
    expect(textOf(page, ".train-no")).toBe("G1");
    expect(textOf(page, ".seat-name")).toBe("二等座");
    expect(textOf(page, ".unit-price")).toBe("¥553.00/人");
    expect(textOf(page, ".estimate")).toBe("¥553.00");
    page.querySelector(".add-passenger")!.dispatchEvent("tap");
    await settle();
    expect(page.querySelectorAll(".passenger")).toHaveLength(2);
    expect(textOf(page, ".estimate")).toBe("¥1106.00");
  });

  it("allows at most 5 passengers", async () => {
    const { page } = await openBook();
    for (let i = 0; i < 6; i++) await page.instance.onAddPassenger();
    await settle();
    expect(page.data.passengers).toHaveLength(5);
    expect(page.querySelector(".add-passenger")).toBeUndefined();
  });

  it("rejects an empty name and a bad ID number without calling anything", async () => {
    const { p, page } = await openBook();
    const before = p.calls.length;
    await type(page, ".id-input", 0, "110105194912310021"); // last digit should be X
    page.querySelector(".submit")!.dispatchEvent("tap");
    await settle();
    expect(p.calls.length).toBe(before);
    expect(textOf(page, ".name-error")).toBe("请填写乘车人姓名");
    expect(textOf(page, ".id-error")).toBe("身份证号校验位不正确，请核对");

    await type(page, ".name-input", 0, "张三");
    await type(page, ".id-input", 0, "110105194913310028"); // month 13
    page.querySelector(".submit")!.dispatchEvent("tap");
    await settle();
    expect(p.calls.length).toBe(before);
    expect(textOf(page, ".id-error")).toBe("身份证号中的出生日期无效");
    expect(callsOf(p, "createOrder")).toHaveLength(0);
  });

  it("a double tap sends one createOrder, with the server's amount, then opens 支付", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { p, page } = await openBook({
      createOrder: async () => {
        await gate; // the answer is slow: the second tap arrives while the first is in flight
        return ok(createOrderResult());
      },
    });
    await type(page, ".name-input", 0, " 张三 ");
    await type(page, ".id-input", 0, VALID_ID_1.toLowerCase());
    await page.instance.onAddPassenger();
    await type(page, ".name-input", 1, "李四");
    await type(page, ".id-input", 1, VALID_ID_2);

    const submit = page.querySelector(".submit")!;
    submit.dispatchEvent("tap");
    submit.dispatchEvent("tap");
    await settle();
    expect(page.data.submitting).toBe(true);
    release();
    await settle();

    const creates = callsOf(p, "createOrder");
    expect(creates).toHaveLength(1);
    expect(creates[0].data).toEqual({
      trainId: trainG1.trainId,
      seatClass: "second",
      passengers: [
        { name: "张三", idCardNo: VALID_ID_1 },
        { name: "李四", idCardNo: VALID_ID_2 },
      ],
      clientToken: expect.stringMatching(/^book-/),
    });
    expect(textOf(page, ".total")).toBe("¥1106.00");
    expect(p.navigations).toEqual(["/pages/pay/index?orderId=ord_1"]);
    // the payment params are kept for the pay page
    expect(p.storage.get("launch:ord_1")).toEqual({ ...createOrderResult(), serverNow: expect.any(Number) });
  });

  it("a retry after a network failure reuses the clientToken; a changed booking gets a new one", async () => {
    let attempt = 0;
    const { p, page } = await openBook({
      createOrder: () => {
        attempt++;
        if (attempt === 1) throw { errMsg: "cloud.callFunction:fail timeout" };
        if (attempt === 2) return fail("SOLD_OUT", "二等座余票不足");
        return ok(createOrderResult());
      },
    });
    await type(page, ".name-input", 0, "张三");
    await type(page, ".id-input", 0, VALID_ID_1);
    await page.instance.onSubmit();
    expect(p.toasts.at(-1)).toBe("网络连接失败，请检查网络后重试");
    await page.instance.onSubmit();
    expect(textOf(page, ".form-error")).toBe("二等座余票不足");
    expect(p.toasts.at(-1)).toBe("二等座余票不足");
    await type(page, ".name-input", 0, "张三丰");
    await page.instance.onSubmit();
    const tokens = callsOf(p, "createOrder").map((c) => c.data.clientToken);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[2]).not.toBe(tokens[1]);
    expect(p.navigations).toHaveLength(1);
  });

  it("the train failing to load shows the message with 重试, never a blank page", async () => {
    const p = installPlatform({
      trains: () => {
        throw { errMsg: "cloud.callFunction:fail network" };
      },
    });
    const page = renderPage("pages/book/index");
    await page.instance.onLoad(QUERY);
    await settle();
    expect(textOf(page, ".error-text")).toBe("网络连接失败，请检查网络后重试");
    p.functions.trains = () => ok({ trains: [trainG1] });
    page.querySelector(".retry")!.dispatchEvent("tap");
    await settle();
    expect(textOf(page, ".train-no")).toBe("G1");
  });

  // biome-ignore lint/suspicious/noExplicitAny: per-function requests
  async function filled(functions: Record<string, (d: any) => unknown>) {
    const opened = await openBook(functions);
    await type(opened.page, ".name-input", 0, "张三");
    await type(opened.page, ".id-input", 0, VALID_ID_1);
    return opened;
  }

  it("sends the seat preference chosen; 不限 sends none", async () => {
    const { p, page } = await filled({ createOrder: () => fail("INTERNAL", "x") });
    page.querySelectorAll(".pref")[1]!.dispatchEvent("tap"); // 靠窗
    await settle();
    await page.instance.onSubmit();
    page.querySelectorAll(".pref")[0]!.dispatchEvent("tap"); // 不限
    await settle();
    await page.instance.onSubmit();
    expect(callsOf(p, "createOrder").map((c) => c.data.seatPreference)).toEqual(["window", undefined]);
  });

  it("SOLD_OUT refreshes the seats left of the class", async () => {
    let trainsAnswer = trainG1;
    const { p, page } = await filled({
      trains: () => ok({ trains: [trainsAnswer] }),
      createOrder: () => fail("SOLD_OUT", "二等座余票不足"),
    });
    trainsAnswer = { ...trainG1, seats: trainG1.seats.map((s) => (s.code === "second" ? { ...s, remaining: 0 } : s)) };
    await page.instance.onSubmit();
    await settle();
    expect(callsOf(p, "trains")).toHaveLength(2);
    expect(page.data.seat.remaining).toBe(0);
    expect(p.toasts).toEqual(["二等座余票不足"]);
  });

  it("another unpaid order (ORDER_STATE with pendingOrderId) offers 去支付 and 取消订单; after cancelling, the booking goes through", async () => {
    let pending = true;
    const { p, page } = await filled({
      createOrder: () =>
        pending
          ? {
              ok: false,
              error: { code: "ORDER_STATE", message: "您有一个待支付的订单，请先支付或取消", data: { pendingOrderId: "ord_9" } },
            }
          : ok(createOrderResult()),
      orders: (d) => ((pending = false), ok(orderDetail({ orderId: d.orderId, status: "CLOSED" }))),
    });
    await page.instance.onSubmit();
    await settle();
    expect(page.querySelector(".pending-box")).toBeDefined();
    page.querySelector(".go-pending")!.dispatchEvent("tap");
    await settle();
    expect(p.navigations).toEqual(["/pages/pay/index?orderId=ord_9"]);
    page.querySelector(".cancel-pending")!.dispatchEvent("tap");
    await settle();
    expect(callsOf(p, "orders").map((c) => c.data)).toEqual([{ action: "cancel", orderId: "ord_9" }]);
    expect(page.querySelector(".pending-box")).toBeUndefined();
    await page.instance.onSubmit();
    expect(p.navigations.at(-1)).toBe("/pages/pay/index?orderId=ord_1");
  });

  it("RATE_LIMITED says when to retry and sends nothing before then", async () => {
    const { p, page } = await filled({
      createOrder: () => ({
        ok: false,
        error: { code: "RATE_LIMITED", message: "预订过于频繁，请 40 秒后再试", data: { retryAfterSeconds: 40 } },
      }),
    });
    await page.instance.onSubmit();
    expect(textOf(page, ".form-error")).toBe("预订过于频繁，请 40 秒后再试");
    await page.instance.onSubmit();
    expect(callsOf(p, "createOrder")).toHaveLength(1);
    expect(p.toasts.at(-1)).toMatch(/^预订过于频繁，请 (40|39) 秒后再试$/);
  });

  it("a payment failure that closed the order (resumable: false) starts the retry with a new token", async () => {
    const { p, page } = await filled({
      createOrder: () => ({
        ok: false,
        error: { code: "PAYMENT_FAILED", message: "微信支付下单失败：NO_AUTH", data: { resumable: false } },
      }),
    });
    await page.instance.onSubmit();
    await page.instance.onSubmit();
    const tokens = callsOf(p, "createOrder").map((c) => c.data.clientToken);
    expect(tokens[1]).not.toBe(tokens[0]);
  });

  it("ORDER_STATE about this booking's own order links to it", async () => {
    const { p, page } = await filled({
      createOrder: () => ({
        ok: false,
        error: { code: "ORDER_STATE", message: "该订单已支付，请在我的订单中查看", data: { orderId: "ord_1" } },
      }),
    });
    await page.instance.onSubmit();
    await settle();
    expect(p.modals.at(-1)).toMatchObject({ title: "订单已处理" });
    expect(p.navigations).toEqual(["/pages/order-detail/index?orderId=ord_1"]);
  });
});
