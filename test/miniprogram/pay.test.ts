import "./dom-globals";
import { describe, it, expect, afterEach } from "vitest";
import { installPlatform, renderPage, textOf, settle, callsOf, ok, fail, mpRequire, type Rendered, type FakePlatform } from "./harness";
import { createOrderResult, orderDetail, NOW } from "./fixtures";

let page: Rendered | undefined;
afterEach(() => page?.detach()); // stops the countdown timer

/** The pay page opened right after createOrder: params are in storage, the order is PENDING. */
async function openPay(p: FakePlatform, mode: "wechatpay" | "mock" = "wechatpay") {
  p.storage.set("launch:ord_1", createOrderResult(mode));
  page = renderPage("pages/pay/index");
  await page.instance.onLoad({ orderId: "ord_1" });
  await settle();
  return page;
}

describe("支付 (pages/pay)", () => {
  it("no params stored on this device (booked elsewhere): asks the server to resume, then pays with those", async () => {
    const resumed = createOrderResult();
    const p = installPlatform({
      orders: (d) => {
        if (d.action === "get") return ok(orderDetail());
        if (d.action === "resume") return ok(resumed);
        if (d.action === "sync") return ok(orderDetail({ status: "PAID", paidAt: NOW }));
        return fail("INVALID_ARGUMENT", "bad action");
      },
    });
    page = renderPage("pages/pay/index");
    await page.instance.onLoad({ orderId: "ord_1" });
    for (let i = 0; i < 40 && page.data.status !== "PAID"; i++) await settle();
    expect(callsOf(p, "orders").filter((c) => c.data.action === "resume")).toHaveLength(1);
    expect(p.payments).toEqual(["params" in resumed.payment ? resumed.payment.params : null]);
    expect(textOf(page, ".status")).toBe("已支付");
  });

  it("no params stored and the server cannot resume (expired): explains instead of paying", async () => {
    const p = installPlatform({
      orders: (d) => (d.action === "get" ? ok(orderDetail()) : fail("ORDER_STATE", "订单已超时，请重新下单")),
    });
    page = renderPage("pages/pay/index");
    await page.instance.onLoad({ orderId: "ord_1" });
    await settle();
    expect(p.payments).toEqual([]);
    expect(page.data.noLaunch).toBe(true);
    expect(page.querySelector(".no-launch")).toBeDefined();
  });

  it("success reported by WeChat → sync until PAID → shows 已支付", async () => {
    let syncs = 0;
    const p = installPlatform({
      orders: (d) => {
        if (d.action === "get") return ok(orderDetail());
        if (d.action === "sync") {
          syncs++;
          return ok(orderDetail(syncs < 2 ? {} : { status: "PAID", paidAt: NOW }));
        }
        return fail("INVALID_ARGUMENT", "bad action");
      },
    });
    const page = await openPay(p);
    // the page launched WeChat Pay with exactly createOrder's params
    const launch = createOrderResult();
    expect(launch.payment.mode).toBe("wechatpay");
    expect(p.payments).toEqual(["params" in launch.payment ? launch.payment.params : null]);
    // the client's success is only a hint: the page keeps asking the server (second sync answers PAID)
    for (let i = 0; i < 40 && page.data.status !== "PAID"; i++) await settle();
    expect(callsOf(p, "orders").filter((c) => c.data.action === "sync").length).toBe(2);
    // Every call is about this order, but the unpaid badge's count, refreshed once it is paid.
    const orderCalls = callsOf(p, "orders").filter((c) => c.data.action !== "list");
    expect(orderCalls.every((c) => c.data.orderId === "ord_1")).toBe(true);
    for (let i = 0; i < 10 && callsOf(p, "orders").length === orderCalls.length; i++) await settle();
    expect(callsOf(p, "orders").filter((c) => c.data.action === "list")).toEqual([
      { name: "orders", data: { action: "list", status: "unpaid", limit: 50 } },
    ]);
    expect(textOf(page, ".status")).toBe("已支付");
    expect(page.querySelector(".view-order")).toBeDefined();
    expect(page.querySelector(".pay-button")).toBeUndefined();
    expect(p.toasts).toContain("支付成功");
    expect(p.storage.has("launch:ord_1")).toBe(false);
  });

  it("a reported success the server cannot confirm stays 待支付 and offers 再次查询 (bounded polling)", async () => {
    const p = installPlatform({ orders: () => ok(orderDetail()) });
    const services = mpRequire<{ SYNC_DELAYS_MS: number[] }>("services/orders");
    const saved = services.SYNC_DELAYS_MS.splice(0, services.SYNC_DELAYS_MS.length, 0, 1, 1);
    try {
      const page = await openPay(p);
      for (let i = 0; i < 20 && page.data.phase !== "idle"; i++) await settle();
      expect(callsOf(p, "orders").filter((c) => c.data.action === "sync").length).toBe(3);
      expect(textOf(page, ".status")).toBe("待支付");
      expect(page.querySelector(".check-again")).toBeDefined();
    } finally {
      services.SYNC_DELAYS_MS.splice(0, services.SYNC_DELAYS_MS.length, ...saved);
    }
  });

  it("cancel keeps the order 待支付 with 继续支付 and a countdown, after asking the server once; 继续支付 launches again", async () => {
    const p = installPlatform({ orders: () => ok(orderDetail()) });
    p.payResult = "cancel";
    const page = await openPay(p);
    expect(p.payments).toHaveLength(1);
    // The sheet's cancel is a hint too: the server is asked (it may have been paid after all).
    expect(callsOf(p, "orders").filter((c) => c.data.action === "sync")).toHaveLength(1);
    expect(textOf(page, ".status")).toBe("待支付");
    expect(textOf(page, ".pay-button")).toBe("继续支付");
    expect(textOf(page, ".countdown")).toMatch(/^1[34]:[0-5]\d$/);
    expect(p.toasts).toEqual(["已取消支付"]);

    page.querySelector(".pay-button")!.dispatchEvent("tap");
    await settle();
    expect(p.payments).toHaveLength(2);
  });

  it("an expired order offers no payment", async () => {
    const p = installPlatform({ orders: () => ok(orderDetail({ expiresAt: Date.now() - 1000 })) });
    const page = await openPay(p);
    expect(p.payments).toHaveLength(0);
    expect(page.querySelector(".expired")).toBeDefined();
    expect(page.querySelector(".pay-button")).toBeUndefined();
  });

  it("mock mode shows a simulated sheet and pays through mockPay", async () => {
    const p = installPlatform({
      orders: (d) => ok(orderDetail(d.action === "mockPay" ? { status: "PAID", paidAt: NOW } : {})),
    });
    const page = await openPay(p, "mock");
    expect(p.payments).toHaveLength(0);
    expect(textOf(page, ".sheet-amount")).toBe("¥1106.00");
    page.querySelector(".sheet-confirm")!.dispatchEvent("tap");
    await settle();
    expect(callsOf(p, "orders").map((c) => c.data.action)).toEqual(["get", "mockPay"]);
    expect(textOf(page, ".status")).toBe("已支付");
  });

  it("mock sheet cancel keeps 待支付 with a button to pay", async () => {
    const p = installPlatform({ orders: () => ok(orderDetail()) });
    const page = await openPay(p, "mock");
    page.querySelector(".sheet-cancel")!.dispatchEvent("tap");
    await settle();
    expect(page.querySelector(".sheet")).toBeUndefined();
    expect(textOf(page, ".status")).toBe("待支付");
    expect(textOf(page, ".pay-button")).toBe("模拟支付");
  });

  it("a function error shows its message", async () => {
    const p = installPlatform({ orders: () => fail("NOT_FOUND", "订单不存在") });
    const page = await openPay(p);
    expect(textOf(page, ".error-text")).toBe("订单不存在");
    expect(p.payments).toHaveLength(0);
  });

  it("the network being down shows 重试, which loads the order (payment then waits for a tap)", async () => {
    const p = installPlatform({
      orders: () => {
        throw { errMsg: "cloud.callFunction:fail network" };
      },
    });
    const page = await openPay(p);
    expect(textOf(page, ".error-text")).toBe("网络连接失败，请检查网络后重试");
    p.functions.orders = () => ok(orderDetail());
    page.querySelector(".retry")!.dispatchEvent("tap");
    await settle();
    expect(textOf(page, ".status")).toBe("待支付");
    expect(p.payments).toHaveLength(0);
    page.querySelector(".pay-button")!.dispatchEvent("tap");
    await settle();
    expect(p.payments).toHaveLength(1);
  });

  it("a failed payment sheet and the page showing again both ask the server; a payment that went through shows 已支付", async () => {
    let paidThere = false;
    const p = installPlatform({ orders: (d) => ok(orderDetail(d.action === "sync" && paidThere ? { status: "PAID", paidAt: NOW } : {})) });
    p.payResult = "fail";
    const page = await openPay(p);
    expect(callsOf(p, "orders").map((c) => c.data.action)).toEqual(["get", "sync"]);
    expect(textOf(page, ".status")).toBe("待支付");
    paidThere = true; // paid on another device meanwhile
    await page.instance.onShow();
    await settle();
    expect(callsOf(p, "orders").map((c) => c.data.action)).toEqual(["get", "sync", "sync"]);
    expect(textOf(page, ".status")).toBe("已支付");
    expect(page.querySelector(".view-order")).toBeDefined();
  });

  it("the countdown runs on the server's clock, not the phone's", async () => {
    // The phone is 5 minutes behind the server: 10 minutes are left by the server's clock.
    const serverNow = Date.now() + 5 * 60_000;
    const p = installPlatform({ orders: () => ok(orderDetail({ expiresAt: serverNow + 10 * 60_000, serverNow })) });
    p.payResult = "cancel";
    const page = await openPay(p);
    expect(textOf(page, ".countdown")).toMatch(/^(10:00|09:5\d)$/);
  });

  it("取消订单 asks first, then closes the order and offers 重新预订 for the same train", async () => {
    let closed = false;
    const p = installPlatform({
      orders: (d) =>
        d.action === "cancel"
          ? ((closed = true), ok(orderDetail({ status: "CLOSED" })))
          : ok(orderDetail(closed ? { status: "CLOSED" } : {})),
    });
    p.payResult = "cancel";
    const page = await openPay(p);
    p.modalConfirm = false;
    page.querySelector(".cancel-order")!.dispatchEvent("tap");
    await settle();
    expect(callsOf(p, "orders").filter((c) => c.data.action === "cancel")).toHaveLength(0);
    p.modalConfirm = true;
    page.querySelector(".cancel-order")!.dispatchEvent("tap");
    await settle();
    expect(callsOf(p, "orders").filter((c) => c.data.action === "cancel")).toHaveLength(1);
    expect(textOf(page, ".status")).toBe("已关闭");
    expect(p.toasts).toContain("订单已取消");
    expect(page.querySelector(".pay-button")).toBeUndefined();
    page.querySelector(".rebook")!.dispatchEvent("tap");
    await settle();
    const url = p.navigations.at(-1)!;
    expect(url.startsWith("/pages/book/index?")).toBe(true);
    expect(new URLSearchParams(url.split("?")[1]).get("trainId")).toBe("G1-2026-11-28");
  });

  it("a cancel that finds the order paid (the payer was quicker) shows 已支付", async () => {
    const p = installPlatform({ orders: (d) => ok(orderDetail(d.action === "cancel" ? { status: "PAID", paidAt: NOW } : {})) });
    p.payResult = "cancel";
    const page = await openPay(p);
    page.querySelector(".cancel-order")!.dispatchEvent("tap");
    await settle();
    expect(textOf(page, ".status")).toBe("已支付");
    expect(p.toasts).toContain("订单已支付，未取消");
  });
});
