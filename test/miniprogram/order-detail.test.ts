import "./dom-globals";
import { describe, it, expect } from "vitest";
import { installPlatform, renderPage, textOf, settle, callsOf, ok, fail, type Rendered } from "./harness";
import { orderDetail, NOW } from "./fixtures";

const paid = orderDetail({
  status: "PAID",
  paidAt: NOW,
  timeline: [
    { at: NOW - 60_000, status: "PENDING", note: "下单" },
    { at: NOW, status: "PAID", note: "支付成功" },
  ],
});
const partlyRefunded = orderDetail({
  ...paid,
  status: "PARTIALLY_REFUNDED",
  refundedAmount: 55300,
  refunds: [{ refundId: "r1", outRefundNo: "R1", amount: 55300, status: "SUCCESS", createdAt: NOW, succeededAt: NOW }],
  timeline: [...paid.timeline, { at: NOW + 1000, status: "PARTIALLY_REFUNDED", note: "退款 553.00 元" }],
});

async function openDetail(refundAnswer: () => unknown) {
  let refunded = false;
  const p = installPlatform({
    orders: () => ok(refunded ? partlyRefunded : paid),
    refund: () => {
      const answer = refundAnswer();
      if ((answer as { ok?: boolean }).ok) refunded = true;
      return answer;
    },
  });
  const page = renderPage("pages/order-detail/index");
  await page.instance.onLoad({ orderId: "ord_1" });
  await settle();
  return { p, page };
}

async function setRefundAmount(page: Rendered, value: string) {
  page.querySelector(".refund-amount")!.dispatchEvent("input", { detail: { value } });
  await settle();
}

describe("订单详情 (pages/order-detail)", () => {
  it("shows train, masked passengers, amounts and the status timeline", async () => {
    const { page } = await openDetail(() => fail("INTERNAL", "x"));
    expect(textOf(page, ".train")).toBe("G1 北京南 → 上海虹桥");
    expect(textOf(page, ".status")).toBe("已支付");
    expect(page.querySelectorAll(".passenger-id").map((x) => x.dom?.textContent)).toEqual([
      "110***********002X",
      "440***********0013",
    ]);
    expect(textOf(page, ".amount")).toBe("¥1106.00");
    expect(textOf(page, ".refundable")).toBe("¥1106.00");
    expect(page.querySelectorAll(".step-label").map((x) => x.dom?.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      "待支付 下单",
      "已支付 支付成功",
    ]);
  });

  it("refund asks for confirmation, calls refund once, and shows the new status", async () => {
    const { p, page } = await openDetail(() =>
      ok({ refundId: "r1", outRefundNo: "R1", amount: 55300, status: "PROCESSING" }),
    );
    page.querySelector(".open-refund")!.dispatchEvent("tap");
    await settle();
    expect(page.data.refundAmountText).toBe("1106.00"); // all that is left, by default
    await setRefundAmount(page, "553");

    // declining the confirmation sends nothing
    p.modalConfirm = false;
    page.querySelector(".refund-submit")!.dispatchEvent("tap");
    await settle();
    expect(p.modals).toHaveLength(1);
    expect(p.modals[0].content).toContain("¥553.00");
    expect(callsOf(p, "refund")).toHaveLength(0);

    p.modalConfirm = true;
    const submit = page.querySelector(".refund-submit")!;
    submit.dispatchEvent("tap");
    submit.dispatchEvent("tap");
    await settle(10);
    expect(p.modals).toHaveLength(2);
    const refunds = callsOf(p, "refund");
    expect(refunds).toHaveLength(1);
    expect(refunds[0].data).toEqual({ orderId: "ord_1", amount: 55300, refundToken: expect.stringMatching(/^refund-/) });
    expect(textOf(page, ".status")).toBe("部分退款");
    expect(textOf(page, ".refund-status")).toBe("退款成功");
    expect(textOf(page, ".refunded")).toBe("¥553.00");
    expect(textOf(page, ".refundable")).toBe("¥553.00");
  });

  it("a bad or too large amount is refused before asking or sending", async () => {
    const { p, page } = await openDetail(() => fail("INTERNAL", "x"));
    page.querySelector(".open-refund")!.dispatchEvent("tap");
    await settle();
    await setRefundAmount(page, "12.345");
    await page.instance.onSubmitRefund();
    expect(textOf(page, ".refund-error")).toBe("请输入正确的退款金额（元，最多两位小数）");
    await setRefundAmount(page, "2000");
    await page.instance.onSubmitRefund();
    expect(textOf(page, ".refund-error")).toBe("最多可退 ¥1106.00");
    expect(p.modals).toHaveLength(0);
    expect(callsOf(p, "refund")).toHaveLength(0);
  });

  it("a refund error shows the function's message", async () => {
    const { p, page } = await openDetail(() => fail("REFUND_EXCEEDED", "退款金额超过可退金额"));
    page.querySelector(".open-refund")!.dispatchEvent("tap");
    await settle();
    await page.instance.onSubmitRefund();
    await settle();
    expect(textOf(page, ".refund-error")).toBe("退款金额超过可退金额");
    expect(p.toasts).toContain("退款金额超过可退金额");
    expect(textOf(page, ".status")).toBe("已支付");
  });

  it("a pending order offers 去支付 instead of a refund", async () => {
    const p = installPlatform({ orders: () => ok(orderDetail()) });
    const page = renderPage("pages/order-detail/index");
    await page.instance.onLoad({ orderId: "ord_1" });
    await settle();
    expect(page.querySelector(".open-refund")).toBeUndefined();
    page.querySelector(".go-pay")!.dispatchEvent("tap");
    await settle();
    expect(p.navigations).toEqual(["/pages/pay/index?orderId=ord_1"]);
  });
});
