import "./dom-globals";
import { describe, it, expect } from "vitest";
import type { OrderSummary, OrderStatus } from "../../shared/contracts/api";
import { installPlatform, renderPage, textOf, settle, callsOf, ok, fail } from "./harness";
import { orderDetail, NOW } from "./fixtures";

function summary(orderId: string, status: OrderStatus, refundedAmount = 0): OrderSummary {
  const d = orderDetail();
  return {
    orderId,
    outTradeNo: `T-${orderId}`,
    status,
    amount: d.amount,
    refundedAmount,
    train: d.train,
    passengerCount: 2,
    createdAt: NOW,
    expiresAt: NOW + 60_000,
  };
}

describe("我的订单 (pages/orders)", () => {
  it("lists orders with Chinese status badges; pull to refresh reloads; tap opens the detail", async () => {
    const statuses: OrderStatus[] = ["PENDING", "PAID", "PARTIALLY_REFUNDED", "REFUNDED", "CLOSED"];
    const p = installPlatform({
      orders: () => ok({ orders: statuses.map((s, i) => summary(`o${i}`, s, s === "PARTIALLY_REFUNDED" ? 55300 : 0)) }),
    });
    const page = renderPage("pages/orders/index");
    await page.instance.onLoad({});
    await settle();
    expect(page.querySelectorAll(".status").map((b) => b.dom?.textContent)).toEqual(["待支付", "已支付", "部分退款", "已退款", "已关闭"]);
    expect(textOf(page, ".amount")).toBe("¥1106.00");
    expect(textOf(page, ".refunded")).toBe("已退 ¥553.00");

    p.functions.orders = () => ok({ orders: [summary("o9", "PAID")] });
    await page.instance.onPullDownRefresh();
    await settle();
    expect(callsOf(p, "orders")).toHaveLength(2);
    expect(callsOf(p, "orders")[1].data).toEqual({ action: "list" });
    expect(page.querySelectorAll(".order")).toHaveLength(1);

    page.querySelector(".order")!.dispatchEvent("tap");
    await settle();
    expect(p.navigations).toEqual(["/pages/order-detail/index?orderId=o9"]);
  });

  it("an empty list says so; a network failure offers 重试", async () => {
    const p = installPlatform({
      orders: () => {
        throw { errMsg: "cloud.callFunction:fail network" };
      },
    });
    const page = renderPage("pages/orders/index");
    await page.instance.onLoad({});
    await settle();
    expect(textOf(page, ".error-text")).toBe("网络连接失败，请检查网络后重试");
    p.functions.orders = () => ok({ orders: [] });
    page.querySelector(".retry")!.dispatchEvent("tap");
    await settle();
    expect(textOf(page, ".no-orders")).toBe("还没有订单，去查询车次吧");
    page.querySelector(".go-search")!.dispatchEvent("tap");
    await settle();
    expect(p.navigations).toEqual(["/pages/search/index"]);
  });

  it("a function error shows its message", async () => {
    installPlatform({ orders: () => fail("UNAUTHENTICATED", "请先登录") });
    const page = renderPage("pages/orders/index");
    await page.instance.onLoad({});
    await settle();
    expect(textOf(page, ".error-text")).toBe("请先登录");
    expect(page.querySelector(".retry")).toBeUndefined();
  });

  it("an unpaid row offers 去支付 and 取消订单; cancel asks first, then reloads the list", async () => {
    let closed = false;
    const p = installPlatform({
      orders: (d) => {
        if (d.action === "cancel") {
          closed = true;
          return ok(orderDetail({ orderId: d.orderId, status: "CLOSED" }));
        }
        return ok({ orders: [summary("o1", closed ? "CLOSED" : "PENDING"), summary("o2", "PAID")] });
      },
    });
    const page = renderPage("pages/orders/index");
    await page.instance.onLoad({});
    await settle();
    expect(page.querySelectorAll(".row-cancel")).toHaveLength(1);
    page.querySelector(".row-pay")!.dispatchEvent("tap");
    await settle();
    expect(p.navigations).toEqual(["/pages/pay/index?orderId=o1"]); // not the detail: the button caught the tap
    page.querySelector(".row-cancel")!.dispatchEvent("tap");
    await settle();
    expect(callsOf(p, "orders").map((c) => c.data)).toEqual([{ action: "list" }, { action: "cancel", orderId: "o1" }, { action: "list" }]);
    expect(p.toasts).toEqual(["订单已取消"]);
    expect(page.querySelectorAll(".status").map((b) => b.dom?.textContent)).toEqual(["已关闭", "已支付"]);
    expect(page.querySelector(".row-cancel")).toBeUndefined();
  });
});
