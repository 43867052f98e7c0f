import "./dom-globals";
import { describe, it, expect } from "vitest";
import type { OrderDetail, RefundQuote } from "../../shared/contracts/api";
import { installPlatform, renderPage, textOf, settle, callsOf, ok, fail, type Handler } from "./harness";
import { orderDetail, paidDetail, tickets, NOW } from "./fixtures";

const QUOTE: RefundQuote = {
  amount: 49750,
  fee: 5550,
  feePercent: 10,
  tickets: [{ ticketId: "ord_1-1", fee: 5550, refundAmount: 49750 }],
  serverNow: NOW,
};
const afterReturn = paidDetail({
  status: "PARTIALLY_REFUNDED",
  refundedAmount: 49750,
  tickets: tickets("ISSUED", [{ status: "REFUNDED", refundFee: 5550, refundAmount: 49750 }]),
  refunds: [
    {
      refundId: "r1",
      outRefundNo: "RF1",
      amount: 49750,
      fee: 5550,
      ticketIds: ["ord_1-1"],
      status: "SUCCESS",
      createdAt: NOW,
      succeededAt: NOW,
    },
  ],
});

async function openDetail(orders: OrderDetail | Handler, refund: Handler = () => fail("INTERNAL", "x")) {
  const p = installPlatform({
    orders: typeof orders === "function" ? orders : (d) => (d.action === "refundQuote" ? ok(QUOTE) : ok(orders)),
    refund,
  });
  const page = renderPage("pages/order-detail/index");
  await page.instance.onLoad({ orderId: "ord_1" });
  await settle();
  return { p, page };
}

describe("订单详情 (pages/order-detail)", () => {
  it("shows the train, each ticket with its 车厢/座位, masked ID and status, amounts and the timeline", async () => {
    const { page } = await openDetail(paidDetail());
    expect(textOf(page, ".train")).toBe("G1 北京南 → 上海虹桥");
    expect(textOf(page, ".status")).toBe("已支付");
    expect(page.querySelectorAll(".passenger-name").map((x) => x.dom?.textContent)).toEqual(["张三", "李四"]);
    expect(page.querySelectorAll(".seat-no").map((x) => x.dom?.textContent)).toEqual(["05车 12F号", "05车 12D号"]);
    expect(page.querySelectorAll(".passenger-id").map((x) => x.dom?.textContent)).toEqual(["110***********002X", "440***********0013"]);
    expect(page.querySelectorAll(".ticket-status").map((x) => x.dom?.textContent)).toEqual(["已出票", "已出票"]);
    expect(page.querySelectorAll(".ticket-refund")).toHaveLength(2);
    expect(textOf(page, ".amount")).toBe("¥1106.00");
    expect(page.querySelectorAll(".step-label").map((x) => x.dom?.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      "待支付 下单",
      "已支付 支付成功",
    ]);
  });

  it("退票 of one ticket shows the quote (fee and 实退) before asking, sends one refund, toasts the outcome and shows the ticket returned", async () => {
    let returned = false;
    const { p, page } = await openDetail(
      (d) => (d.action === "refundQuote" ? ok(QUOTE) : ok(returned ? afterReturn : paidDetail())),
      () => ((returned = true), ok({ refundId: "r1", outRefundNo: "RF1", amount: 49750, fee: 5550, status: "SUCCESS" })),
    );
    // Declining sends nothing.
    p.modalConfirm = false;
    page.querySelectorAll(".ticket-refund")[0]!.dispatchEvent("tap");
    await settle();
    expect(
      callsOf(p, "orders")
        .filter((c) => c.data.action === "refundQuote")
        .map((c) => c.data.ticketIds),
    ).toEqual([["ord_1-1"]]);
    expect(p.modals).toHaveLength(1);
    expect(p.modals[0]!.title).toBe("退票：张三 05车 12F号");
    expect(p.modals[0]!.content).toContain("退票费 ¥55.50（票价 10%");
    expect(p.modals[0]!.content).toContain("实退 ¥497.50");
    expect(callsOf(p, "refund")).toHaveLength(0);

    p.modalConfirm = true;
    const button = page.querySelectorAll(".ticket-refund")[0]!;
    button.dispatchEvent("tap");
    button.dispatchEvent("tap"); // a double tap
    await settle(10);
    const refunds = callsOf(p, "refund");
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.data).toEqual({ orderId: "ord_1", ticketIds: ["ord_1-1"], refundToken: expect.stringMatching(/^refund-/) });
    expect(p.toasts).toContain("退票成功，¥497.50 已原路退回");
    expect(textOf(page, ".status")).toBe("部分退款");
    expect(page.querySelectorAll(".ticket-status").map((x) => x.dom?.textContent)).toEqual(["已退票", "已出票"]);
    expect(page.querySelectorAll(".ticket-refund")).toHaveLength(1); // only the other ticket can still be returned
    expect(textOf(page, ".fees")).toBe("¥55.50");
    expect(textOf(page, ".refund-status")).toBe("退款成功");
  });

  it("toasts each outcome by status: 已提交 while processing; 未成功 with the reason when refused", async () => {
    const answers = [
      ok({ refundId: "r1", outRefundNo: "RF1", amount: 49750, fee: 5550, status: "PROCESSING" }),
      fail("PAYMENT_FAILED", "退款失败：商户余额不足"),
    ];
    const { p, page } = await openDetail(paidDetail(), () => answers.shift());
    page.querySelectorAll(".ticket-refund")[0]!.dispatchEvent("tap");
    await settle(10);
    page.querySelectorAll(".ticket-refund")[1]!.dispatchEvent("tap");
    await settle(10);
    expect(p.toasts).toEqual(["退票申请已提交，¥497.50 退款处理中", "退票未成功：退款失败：商户余额不足"]);
  });

  it("a network failure keeps the refundToken for the retry of the same ticket (refunds at most once)", async () => {
    let first = true;
    const { p, page } = await openDetail(paidDetail(), () => {
      if (first) {
        first = false;
        throw { errMsg: "cloud.callFunction:fail network" };
      }
      return ok({ refundId: "r1", outRefundNo: "RF1", amount: 49750, fee: 5550, status: "PROCESSING" });
    });
    page.querySelectorAll(".ticket-refund")[0]!.dispatchEvent("tap");
    await settle(10);
    page.querySelectorAll(".ticket-refund")[0]!.dispatchEvent("tap");
    await settle(10);
    const tokens = callsOf(p, "refund").map((c) => c.data.refundToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).toBe(tokens[0]);
  });

  it("ORDER_STATE (the ticket was returned elsewhere, or the train left) reloads the order", async () => {
    let gets = 0;
    const { p, page } = await openDetail((d) =>
      d.action === "refundQuote" ? fail("ORDER_STATE", "列车已发车，不能办理退票") : (gets++, ok(paidDetail())),
    );
    page.querySelectorAll(".ticket-refund")[0]!.dispatchEvent("tap");
    await settle(10);
    expect(p.toasts).toEqual(["列车已发车，不能办理退票"]);
    expect(callsOf(p, "refund")).toHaveLength(0);
    expect(gets).toBe(2);
  });

  it("no 退票 once the train has left, nor for tickets not issued", async () => {
    const { page } = await openDetail(paidDetail({ departAt: NOW - 60_000, serverNow: NOW }));
    expect(page.querySelectorAll(".ticket-refund")).toHaveLength(0);
    const refunding = await openDetail(paidDetail({ tickets: tickets("REFUNDING") }));
    expect(refunding.page.querySelectorAll(".ticket-refund")).toHaveLength(0);
  });

  it("a pending order offers 去支付 and 取消订单 (asked first); no 退票", async () => {
    const { p, page } = await openDetail((d) => ok(orderDetail(d.action === "cancel" ? { status: "CLOSED" } : {})));
    expect(page.querySelectorAll(".ticket-refund")).toHaveLength(0);
    page.querySelector(".cancel-order")!.dispatchEvent("tap");
    await settle();
    expect(callsOf(p, "orders").map((c) => c.data.action)).toEqual(["get", "cancel"]);
    expect(textOf(page, ".status")).toBe("已关闭");
    expect(p.toasts).toEqual(["订单已取消"]);
    expect(page.querySelector(".go-pay")).toBeUndefined();
  });

  it("去支付 opens the pay page", async () => {
    const { p, page } = await openDetail(orderDetail());
    page.querySelector(".go-pay")!.dispatchEvent("tap");
    await settle();
    expect(p.navigations).toEqual(["/pages/pay/index?orderId=ord_1"]);
  });
});
