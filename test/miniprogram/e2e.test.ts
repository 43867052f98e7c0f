// End to end: the real pages against the real local stack. The fake platform forwards
// wx.cloud.callFunction to the stack's POST /functions/<name> (as the test user's OPENID) and
// completes wx.requestPayment through the WeChat Pay simulator's POST /sim/pay, which then notifies
// payNotify as WeChat Pay would. The stack seeds the train catalog when it starts.
// Needs `npm run build` (npm test builds first).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import "./dom-globals";
import { startTestStack, type TestStack, REPO_ROOT } from "../helpers/stack";
import { installPlatform, openedBy, renderPage, textOf, settle, simulate, type Rendered, type FakePlatform } from "./harness";
import { VALID_ID_1, VALID_ID_2 } from "./fixtures";

const OPENID = "e2e-traveller-openid";
let stack: TestStack;
let p: FakePlatform;
const opened: Rendered[] = [];

beforeAll(async () => {
  expect(existsSync(join(REPO_ROOT, "build", "cloudfunctions", "createOrder", "index.js")), "run npm run build first").toBe(true);
  // Refunds settle after 10 s at WeChat (and in the simulator); scaled down so the test takes seconds.
  stack = await startTestStack({ env: { WXPAY_SIM_TIME_SCALE: "0.01" } });
  p = installPlatform(
    {},
    {
      async callFunction(name, data) {
        const answer = await stack.call(name, data, { openid: OPENID });
        // as the client reports a function that threw or timed out
        if (answer.status !== 200) throw { errMsg: `cloud.callFunction:fail ${answer.errCode} ${answer.errMsg}` };
        return answer.result;
      },
      async pay(params) {
        const prepayId = params.package.replace(/^prepay_id=/, "");
        const res = await stack.post("/sim/pay", { prepay_id: prepayId });
        if (res.status !== 200) throw new Error(`sim/pay answered ${res.status}: ${res.text}`);
      },
    },
  );
});

afterAll(async () => {
  for (const page of opened) page.detach();
  await stack?.stop();
});

function open(path: string): Rendered {
  const page = renderPage(path);
  opened.push(page);
  return page;
}

/** Page query as the platform hands it to onLoad: the URL's raw (still encoded) values. */
function rawQuery(url: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (url.split("?")[1] ?? "").split("&")) {
    const [k, v = ""] = pair.split("=");
    if (k) out[k] = v;
  }
  return out;
}

async function until(what: string, cond: () => boolean, run?: () => unknown, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; stack stderr tail:\n${stack.stderr().slice(-2000)}`);
    if (run) await run();
    await settle();
    await simulate.sleep(100);
  }
}

describe("mini-program end to end on the local stack", () => {
  it("search → book two passengers → pay through the simulator → PAID → 退票 one ticket, then the other", async () => {
    // 车次查询: 北京南 → 上海虹桥 chosen on the station page (its list from the stack's trains
    // { action: "stations" }), tomorrow on the date strip, the first class with at least two seats
    const search = open("pages/search/index");
    await search.instance.onLoad({});
    await settle();
    for (const [field, query] of [
      ["from", "bjn"],
      ["to", "shanghai"],
    ] as const) {
      search.querySelector(field === "from" ? ".station-from" : ".station-to")!.dispatchEvent("tap");
      await settle();
      const station = open("pages/station/index");
      openedBy(station, p.openerEvents.at(-1)!);
      await station.instance.onLoad({ field });
      await until("the station list", () => station.querySelectorAll(".station-item").length > 0);
      station.querySelector(".search-input")!.dispatchEvent("input", { detail: { value: query } });
      await settle();
      station.querySelector(".result-item")!.dispatchEvent("tap");
      await settle();
    }
    expect([search.data.from, search.data.to]).toEqual(["北京南", "上海虹桥"]);
    const tomorrow = new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    search.querySelector(".next-day")!.dispatchEvent("tap");
    await until("tomorrow's trains", () => search.data.loaded && !search.data.loading);
    expect(search.data.date).toBe(tomorrow);
    expect(search.data.error).toBe("");
    const trains = search.data.trains as { trainId: string; seats: { soldOut: boolean; remaining: number; code: string }[] }[];
    expect(trains.length).toBeGreaterThan(0);
    let flat = 0;
    let chosen = -1;
    for (const t of trains) {
      for (const s of t.seats) {
        if (chosen < 0 && !s.soldOut && s.remaining >= 2) chosen = flat;
        flat++;
      }
    }
    expect(chosen).toBeGreaterThanOrEqual(0);
    search.querySelectorAll(".seat")[chosen].dispatchEvent("tap");
    await settle();
    const bookUrl = p.navigations.at(-1)!;
    expect(bookUrl).toMatch(/^\/pages\/book\/index\?/);

    // 填写订单
    const book = open("pages/book/index");
    await book.instance.onLoad(rawQuery(bookUrl));
    await settle();
    expect(book.data.loadError).toBe("");
    const unitPrice = book.data.seat.price as number;
    await book.instance.onAddPassenger();
    await settle();
    const inputs = [
      [".name-input", 0, "张三"],
      [".id-input", 0, VALID_ID_1],
      [".name-input", 1, "李四"],
      [".id-input", 1, VALID_ID_2],
    ] as const;
    for (const [sel, i, value] of inputs) {
      book.querySelectorAll(sel)[i].dispatchEvent("input", { detail: { value } });
      await settle();
    }
    const submit = book.querySelector(".submit")!;
    submit.dispatchEvent("tap");
    submit.dispatchEvent("tap");
    await until("createOrder", () => p.navigations.at(-1)!.startsWith("/pages/pay/"));
    expect(p.calls.filter((c) => c.name === "createOrder")).toHaveLength(1);
    expect(textOf(book, ".total")).toBe(`¥${((unitPrice * 2) / 100).toFixed(2)}`);
    const payUrl = p.navigations.at(-1)!;

    // 支付: WeChat Pay (the simulator) reports success; the page confirms with sync until PAID
    const pay = open("pages/pay/index");
    await pay.instance.onLoad(rawQuery(payUrl));
    await until("PAID on the pay page", () => pay.data.status === "PAID");
    expect(p.payments).toHaveLength(1);
    expect(textOf(pay, ".status")).toBe("已支付");
    const orderId = pay.data.orderId as string;

    // 订单详情: tickets with 车厢/座位 and masked IDs from the server; 退票 of one ticket, then the other
    const detail = open("pages/order-detail/index");
    await detail.instance.onLoad({ orderId });
    await settle();
    expect(textOf(detail, ".status")).toBe("已支付");
    const ids = detail.querySelectorAll(".passenger-id").map((x) => x.dom?.textContent ?? "");
    expect(ids).toHaveLength(2);
    for (const id of ids) {
      expect(id).toContain("*");
      expect([VALID_ID_1, VALID_ID_2]).not.toContain(id);
    }
    for (const seat of detail.querySelectorAll(".seat-no").map((x) => x.dom?.textContent ?? ""))
      expect(seat).toMatch(/^\d{2}车 \d{1,2}[ABCDF]号$/);

    detail.querySelectorAll(".ticket-refund")[0]!.dispatchEvent("tap");
    await until("the refund call", () => !detail.data.returning && p.calls.some((c) => c.name === "refund"));
    expect(p.modals.length).toBe(1);
    expect(p.modals[0]!.content).toMatch(/退票费 ¥\d+\.\d{2}（票价 (5|10|20)%/); // tomorrow's train: a fee by 12306's rule
    await until(
      "部分退款 with the refund succeeded",
      () => textOf(detail, ".status") === "部分退款" && textOf(detail, ".refund-status") === "退款成功",
      () => detail.instance.onPullDownRefresh(),
    );
    expect(detail.querySelectorAll(".ticket-status").map((x) => x.dom?.textContent)).toEqual(["已退票", "已出票"]);

    detail.querySelectorAll(".ticket-refund")[0]!.dispatchEvent("tap"); // the other ticket: the only one left
    await until("the second refund call", () => !detail.data.returning && p.calls.filter((c) => c.name === "refund").length === 2);
    await until(
      "已退款",
      () => textOf(detail, ".status") === "已退款",
      () => detail.instance.onPullDownRefresh(),
    );
    expect(detail.querySelector(".ticket-refund")).toBeUndefined();

    // 我的订单
    const orders = open("pages/orders/index");
    await orders.instance.onLoad({});
    await settle();
    expect(orders.data.orders.map((o: { orderId: string }) => o.orderId)).toContain(orderId);
    const mine = orders.data.orders.find((o: { orderId: string }) => o.orderId === orderId);
    expect(mine.statusLabel).toBe("已退款");
  }, 90_000);
});
