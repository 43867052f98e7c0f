// The aria-labels pages render read the live values (the static check, a11y.test.ts, can only see
// that a label is bound): each page drawn with data, its labels read as a screen reader would get them.
import "./dom-globals";
import { describe, expect, it } from "vitest";
import type { OrderSummary } from "../../shared/contracts/api";
import { stationsAnswer } from "../../shared/catalog/stations";
import { installPlatform, ok, renderPage, settle, type Rendered } from "./harness";
import { NOW, orderDetail, paidDetail, trainG1, trainG7 } from "./fixtures";
import { labelProblems, spokenLabels } from "./checks/spoken-labels";

const spoken = (page: Rendered) => spokenLabels(page.dom);

describe("labels read the live values", () => {
  it("车次查询: each seat class reads train, class, price and tickets left; the swap button says what it does", async () => {
    installPlatform({
      trains: (d: { action?: string }) =>
        d.action === "stations" ? ok(stationsAnswer(NOW)) : ok({ trains: [trainG1, trainG7], serverNow: NOW }),
    });
    const page = renderPage("pages/search/index");
    await page.instance.onLoad({});
    await settle();
    await page.instance.chooseStation("from", "北京南");
    await page.instance.chooseStation("to", "上海虹桥");
    await settle();
    const labels = spoken(page);
    expect(labelProblems(labels)).toEqual([]);
    const seats = labels.filter((l) => l.classes.startsWith("seat"));
    expect(seats.map((s) => s.label)).toEqual([
      "G1 商务座，¥1748.00，无票",
      "G1 一等座，¥933.00，剩8张",
      "G1 二等座，¥553.00，有票",
      "G7 二等座，¥443.50，剩3张",
    ]);
    expect(seats.every((s) => s.role === "button")).toBe(true);
    expect(labels.find((l) => l.classes === "swap")).toEqual({ classes: "swap", role: "button", label: "交换出发站和到达站" });
    page.detach();
  });

  it("填写订单: seat preferences say which is chosen, and follow a tap; each 删除 names its passenger", async () => {
    installPlatform({ trains: () => ok({ trains: [trainG1] }) });
    const page = renderPage("pages/book/index");
    await page.instance.onLoad({ trainId: trainG1.trainId, seatClass: "second", from: "北京南", to: "上海虹桥", date: "2026-11-28" });
    await settle();
    const prefs = () => spoken(page).filter((l) => l.classes.startsWith("pref"));
    expect(prefs().map((p) => p.label)).toEqual(["选座偏好不限，已选", "选座偏好靠窗", "选座偏好靠过道"]);
    page.querySelectorAll(".pref")[1]!.dispatchEvent("tap");
    await settle();
    expect(prefs().map((p) => p.label)).toEqual(["选座偏好不限", "选座偏好靠窗，已选", "选座偏好靠过道"]);
    await page.instance.onAddPassenger();
    await settle();
    const labels = spoken(page);
    expect(labels.filter((l) => l.classes === "remove").map((l) => l.label)).toEqual(["删除乘车人 1", "删除乘车人 2"]);
    expect(labelProblems(labels)).toEqual([]);
    page.detach();
  });

  it("我的订单: a row reads train, time, seats, status and amount", async () => {
    const d = orderDetail();
    const row: OrderSummary = {
      orderId: "o1",
      outTradeNo: "T-o1",
      status: "PENDING",
      amount: d.amount,
      refundedAmount: 0,
      train: d.train,
      passengerCount: 2,
      createdAt: NOW,
      expiresAt: NOW + 60_000,
    };
    installPlatform({ orders: () => ok({ orders: [row], serverNow: NOW }) });
    const page = renderPage("pages/orders/index");
    await page.instance.onLoad({});
    await settle();
    const labels = spoken(page);
    expect(labelProblems(labels)).toEqual([]);
    const order = labels.find((l) => l.classes === "order")!;
    expect(order.role).toBe("button");
    expect(order.label).toMatch(/^G1 北京南到上海虹桥，\d{4}-\d{2}-\d{2} \d{2}:\d{2}开，二等座 2人，待支付，¥1106\.00，查看详情$/);
    page.detach();
  });

  it("支付 and 订单详情 render no label with a missing value", async () => {
    for (const [path, detail] of [
      ["pages/pay/index", orderDetail()],
      ["pages/order-detail/index", paidDetail()],
    ] as const) {
      installPlatform({ orders: () => ok(detail) });
      const page = renderPage(path);
      await page.instance.onLoad({ orderId: detail.orderId });
      await settle();
      expect(labelProblems(spoken(page)), path).toEqual([]);
      page.detach();
    }
  });
});
