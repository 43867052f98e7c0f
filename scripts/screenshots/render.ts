// Dev-only: draws each mini-program page in interesting states so a person can LOOK at them
// (WeChat DevTools is not available here). Not run by CI or npm test.
//
//   npx tsx scripts/screenshots/render.ts [--out DIR] [--scale N] [--width PX] [--theme light|dark|both] [scenario …]
//
// Pages are loaded exactly as the page tests load them (test/miniprogram/harness.ts: miniprogram-simulate
// with the official wcc, a fake `wx`), driven to a state, and the rendered DOM is written as standalone
// HTML (scripts/screenshots/html.ts) that Debian's headless Chromium photographs through playwright-core
// (no browser is downloaded; CHROMIUM_PATH or /usr/bin/chromium; apt-get install chromium fonts-noto-cjk),
// with prefers-color-scheme emulated for the dark theme. Output: DIR/<scenario>.html and .png, and
// <scenario>-dark.html/.png for the dark theme (default /tmp/mp-shots).
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import type { OrderDetail, OrderStatus, OrderSummary, RefundQuote, TrainView } from "../../shared/contracts/api";
import { catalogFor, departAtOf, toTrainView } from "../../shared/catalog/catalog";
import { stationsAnswer } from "../../shared/catalog/stations";
import { createOrderResult, NOW, orderDetail, tickets } from "../../test/miniprogram/fixtures";
import { pageHtml, type Chrome, type DomElement } from "./html";
import { CHROMIUM, CHROMIUM_ARGS } from "./chromium";

// tsx registers its own `.ts` require hook; the harness installs the one the page tests use (CommonJS
// output, `.ts` tried before `.json`) only when none is present, so remove tsx's before loading it.
const Module = createRequire(import.meta.url)("node:module") as { _extensions: Record<string, unknown> };
delete Module._extensions[".ts"];
await import("../../test/miniprogram/dom-globals");
const { installPlatform, renderPage, settle, ok, fail, mpRoot } = await import("../../test/miniprogram/harness");
type Rendered = import("../../test/miniprogram/harness").Rendered;
type FakePlatform = import("../../test/miniprogram/harness").FakePlatform;

const MIN = 60_000;

/** 常用乘车人 of the screenshots: an adult, a passport holder (student), a child. */
const SAVED = [
  { passengerId: "a".repeat(24), name: "张三", idType: "ID_CARD", idCardNoMasked: "110***********002X", ticketType: "ADULT" },
  { passengerId: "b".repeat(24), name: "阿依古丽·买买提", idType: "PASSPORT", idCardNoMasked: "E1*****78", ticketType: "STUDENT" },
  { passengerId: "c".repeat(24), name: "小新", idType: "ID_CARD", idCardNoMasked: "440***********0013", ticketType: "CHILD" },
].map((p) => ({ ...p, createdAt: 1, updatedAt: 1 }));

// ---- data shaped like the real functions' answers -------------------------------------------------

/** Today's catalog, with stock as a busy day would leave it. */
function catalogTrains(): TrainView[] {
  const views = catalogFor(NOW, 1).map(toTrainView);
  const stock: Record<string, Partial<Record<string, number>>> = {
    G1: { business: 0, first: 8 },
    G3: { business: 2, first: 0, second: 0 },
    G5: { business: 0, first: 3, second: 17 },
    G79: { second: 260 },
  };
  return views.map((t) => ({
    ...t,
    seats: t.seats.map((s) => ({ ...s, remaining: stock[t.trainNo]?.[s.code] ?? s.remaining })),
  }));
}

function trainsAnswer(trains: TrainView[]) {
  return (req: { action?: string; from?: string; to?: string }) =>
    req.action === "stations"
      ? ok(stationsAnswer(NOW))
      : ok({
          trains: trains
            .filter((t) => (!req.from || t.from === req.from) && (!req.to || t.to === req.to))
            .sort((a, b) => a.departTime.localeCompare(b.departTime)), // the function orders by departure
          serverNow: NOW,
        });
}

/** The search page with both stations chosen (as the station page hands them back). */
async function searchFor(p: FakePlatform, from: string, to: string) {
  const r = await open("pages/search/index", p, {});
  await r.comp.instance.chooseStation("from", from);
  await r.comp.instance.chooseStation("to", to);
  await settle();
  return r;
}

const g1 = () => catalogTrains().find((t) => t.trainNo === "G1")!;

/** createOrder's answer as the tests build it, with a countdown that reads well. */
const launchOf = (mode: "wechatpay" | "mock") => ({ ...createOrderResult(mode), expiresAt: NOW + 14 * MIN + 32_000 });

/** The tests' order detail, on tomorrow's G1 and with a realistic pair of passengers and seats. */
function detail(overrides: Partial<OrderDetail> = {}): OrderDetail {
  const t = g1();
  const date = new Date(NOW + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
  const seats = [{ passengerName: "张三" }, { passengerName: "欧阳娜娜", idCardNoMasked: "440***********0013", seatNo: "12D" }];
  const status = overrides.status ?? "PENDING";
  const ticketStatus = (
    { PENDING: "UNPAID", PAID: "ISSUED", PARTIALLY_REFUNDED: "ISSUED", REFUNDED: "REFUNDED", CLOSED: "CANCELLED" } as const
  )[status];
  return orderDetail({
    outTradeNo: "TP5d4e508e89b087dc3dc62bb5",
    passengers: [
      { name: "张三", idCardNoMasked: "110***********002X" },
      { name: "欧阳娜娜", idCardNoMasked: "440***********0013" },
    ],
    tickets: tickets(ticketStatus, seats),
    train: {
      trainId: `G1-${date}`,
      trainNo: t.trainNo,
      from: t.from,
      to: t.to,
      date,
      departTime: t.departTime,
      arriveTime: t.arriveTime,
      seatClass: "second",
      seatClassName: "二等座",
    },
    departAt: departAtOf({ date, departTime: t.departTime }),
    serverNow: Date.now(),
    createdAt: NOW - 3 * MIN,
    expiresAt: NOW + 12 * MIN,
    timeline: [{ at: NOW - 3 * MIN, status: "PENDING", note: "提交订单" }],
    ...overrides,
  });
}

const paidDetail = () =>
  detail({
    status: "PAID",
    paidAt: NOW - 2 * MIN,
    timeline: [
      { at: NOW - 3 * MIN, status: "PENDING", note: "提交订单" },
      { at: NOW - 2 * MIN, status: "PAID", note: "支付成功" },
    ],
  });

/** 退票 of 张三's ticket a day before departure: 10 % of ¥553, rounded to ¥55.50. */
const QUOTE: RefundQuote = {
  amount: 49750,
  fee: 5550,
  feePercent: 10,
  tickets: [{ ticketId: "ord_1-1", fee: 5550, refundAmount: 49750 }],
  serverNow: NOW,
};

const partlyRefundedDetail = () => {
  const paid = paidDetail();
  return detail({
    ...paid,
    status: "PARTIALLY_REFUNDED",
    refundedAmount: 49750,
    tickets: tickets("ISSUED", [
      { status: "REFUNDED", refundFee: 5550, refundAmount: 49750 },
      { passengerName: "欧阳娜娜", seatNo: "12D" },
    ]),
    refunds: [
      {
        refundId: "r1",
        outRefundNo: "RF7e210356cf98d816e98141f2",
        amount: 49750,
        fee: 5550,
        ticketIds: ["ord_1-1"],
        status: "SUCCESS",
        reason: "旅客退票",
        createdAt: NOW - MIN,
        succeededAt: NOW - MIN + 4000,
      },
    ],
    timeline: [...paid.timeline, { at: NOW - MIN, status: "PARTIALLY_REFUNDED", note: "退票 1 张，退款 497.50 元到账" }],
  });
};

function summaries(): OrderSummary[] {
  const trains = catalogTrains();
  const pick = (no: string) => trains.find((t) => t.trainNo === no)!;
  const row = (
    i: number,
    no: string,
    status: OrderStatus,
    amount: number,
    refunded: number,
    seat: "first" | "second",
    n: number,
  ): OrderSummary => {
    const t = pick(no);
    return {
      orderId: `o${i}`,
      outTradeNo: `T2026112709${String(i).padStart(4, "0")}`,
      status,
      amount,
      refundedAmount: refunded,
      train: {
        trainId: t.trainId,
        trainNo: t.trainNo,
        from: t.from,
        to: t.to,
        date: t.date,
        departTime: t.departTime,
        arriveTime: t.arriveTime,
        seatClass: seat,
        seatClassName: seat === "first" ? "一等座" : "二等座",
      },
      passengerCount: n,
      createdAt: NOW - i * 37 * MIN,
      expiresAt: NOW - i * 37 * MIN + 15 * MIN,
    };
  };
  return [
    row(0, "G1", "PENDING", 110600, 0, "second", 2),
    row(1, "G79", "PAID", 86250, 0, "second", 1),
    row(2, "G3", "PARTIALLY_REFUNDED", 279900, 93300, "first", 3),
    row(3, "G6001", "REFUNDED", 7450, 7450, "second", 1),
    row(4, "G7301", "CLOSED", 14600, 0, "second", 2),
  ];
}

// ---- scenarios -----------------------------------------------------------------------------------

interface Shot {
  page: string;
  chrome: Chrome;
  /** Window height: long pages get a taller window so the whole page is in the picture. */
  height: number;
  /** Sets up the fake platform, opens and drives the page; returns the page to draw. */
  run(): Promise<{ comp: Rendered; p: FakePlatform }>;
  /** Show the last toast over the page. */
  toast?: boolean;
  /** Show the last wx.showModal over the page. */
  modal?: boolean;
}

async function open(page: string, p: FakePlatform, query: object): Promise<{ comp: Rendered; p: FakePlatform }> {
  const comp = renderPage(page);
  await comp.instance.onLoad(query);
  await settle();
  return { comp, p };
}

const NETWORK_DOWN = () => {
  throw { errMsg: "cloud.callFunction:fail network" };
};

const bookQuery = () => {
  const t = g1();
  return { trainId: t.trainId, seatClass: "second", from: t.from, to: t.to, date: t.date };
};

async function typeInto(comp: Rendered, selector: string, n: number, value: string) {
  comp.querySelectorAll(selector)[n]!.dispatchEvent("input", { detail: { value } });
  await settle();
}

const SHOTS: Record<string, Shot> = {
  "search-list": {
    page: "pages/search/index",
    chrome: { title: "车次查询", tab: "search" },
    height: 1100,
    run: () => searchFor(installPlatform({ trains: trainsAnswer(catalogTrains()) }), "北京南", "上海虹桥"),
  },
  "search-empty": {
    page: "pages/search/index",
    chrome: { title: "车次查询", tab: "search" },
    height: 700,
    run: () => open("pages/search/index", installPlatform({ trains: trainsAnswer(catalogTrains()) }), {}),
  },
  "search-filtered": {
    page: "pages/search/index",
    chrome: { title: "车次查询", tab: "search" },
    height: 1100,
    async run() {
      const r = await searchFor(installPlatform({ trains: trainsAnswer(catalogTrains()) }), "北京南", "上海虹桥");
      r.comp.querySelector(".only-available")!.dispatchEvent("tap");
      r.comp.querySelectorAll(".sort-chip")[2]!.dispatchEvent("tap");
      r.comp.querySelector(".next-day")!.dispatchEvent("tap");
      await settle();
      return r;
    },
  },
  "station-index": {
    page: "pages/station/index",
    chrome: { title: "选择车站" },
    height: 1400,
    async run() {
      const p = installPlatform({ trains: trainsAnswer(catalogTrains()) });
      p.storage.set("recentStations", ["上海虹桥", "北京南"]);
      return open("pages/station/index", p, { field: "from" });
    },
  },
  "station-search": {
    page: "pages/station/index",
    chrome: { title: "选择车站" },
    height: 600,
    async run() {
      const r = await open("pages/station/index", installPlatform({ trains: trainsAnswer(catalogTrains()) }), { field: "to" });
      await typeInto(r.comp, ".search-input", 0, "beijing");
      return r;
    },
  },
  "search-long-names": {
    page: "pages/search/index",
    chrome: { title: "车次查询", tab: "search" },
    height: 700,
    async run() {
      // Longer station names than the catalog's, and a four-digit fare in every class: does the row hold?
      const long: TrainView = {
        trainId: "D6902-x",
        trainNo: "D6902",
        from: "呼和浩特东",
        to: "乌鲁木齐南",
        date: g1().date,
        departTime: "23:58",
        arriveTime: "06:12",
        durationMinutes: 1814,
        seats: [
          { code: "business", name: "商务座", price: 1234550, remaining: 1 },
          { code: "first", name: "一等座", price: 987600, remaining: 0 },
          { code: "second", name: "二等座", price: 612350, remaining: 999 },
        ],
      };
      const p = installPlatform({ trains: trainsAnswer([long, ...catalogTrains()]) });
      return searchFor(p, "呼和浩特东", "乌鲁木齐南");
    },
  },
  "search-offline": {
    page: "pages/search/index",
    chrome: { title: "车次查询", tab: "search" },
    height: 500,
    run: () => searchFor(installPlatform({ trains: NETWORK_DOWN }), "北京南", "上海虹桥"),
  },
  "book-errors": {
    page: "pages/book/index",
    chrome: { title: "填写订单" },
    height: 812,
    async run() {
      const p = installPlatform({ trains: trainsAnswer(catalogTrains()) });
      const r = await open("pages/book/index", p, bookQuery());
      await r.comp.instance.onAddPassenger();
      await settle();
      await typeInto(r.comp, ".name-input", 0, "张三");
      await typeInto(r.comp, ".id-input", 0, "110105194912310021");
      r.comp.querySelector(".submit")!.dispatchEvent("tap");
      await settle();
      return r;
    },
  },
  "book-saved-passengers": {
    page: "pages/book/index",
    chrome: { title: "填写订单" },
    height: 1100,
    async run() {
      const p = installPlatform({
        trains: trainsAnswer(catalogTrains()),
        passengers: () => ok({ passengers: SAVED, max: 15 }),
        createOrder: () => ({
          ok: false,
          error: { code: "INVALID_ARGUMENT", message: "小新 乘车日已满 14 周岁，请购买成人票", field: "passengerIds[2]" },
        }),
      });
      const r = await open("pages/book/index", p, bookQuery());
      for (const i of [0, 1, 2]) r.comp.querySelectorAll(".saved-chip")[i]!.dispatchEvent("tap");
      await settle();
      r.comp.querySelector(".submit")!.dispatchEvent("tap");
      await settle();
      return r;
    },
  },
  "passenger-edit": {
    page: "pages/passenger-edit/index",
    chrome: { title: "编辑乘车人" },
    height: 700,
    async run() {
      const p = installPlatform({
        passengers: (d: { action: string }) =>
          d.action === "list"
            ? ok({ passengers: SAVED, max: 15 })
            : { ok: false, error: { code: "INVALID_ARGUMENT", message: "“·”只能出现在两个字之间", field: "name" } },
      });
      const r = await open("pages/passenger-edit/index", p, { passengerId: SAVED[1]!.passengerId });
      await typeInto(r.comp, ".name-input", 0, "阿依古丽·");
      r.comp.querySelector(".save")!.dispatchEvent("tap");
      await settle();
      return r;
    },
  },
  "book-pending-order": {
    page: "pages/book/index",
    chrome: { title: "填写订单" },
    height: 900,
    async run() {
      const p = installPlatform({
        trains: trainsAnswer(catalogTrains()),
        createOrder: () => ({
          ok: false,
          error: { code: "ORDER_STATE", message: "您有一个待支付的订单，请先支付或取消", data: { pendingOrderId: "ord_9" } },
        }),
      });
      const r = await open("pages/book/index", p, bookQuery());
      await typeInto(r.comp, ".name-input", 0, "张三");
      await typeInto(r.comp, ".id-input", 0, "11010519491231002X");
      r.comp.querySelectorAll(".pref")[1]!.dispatchEvent("tap");
      await settle();
      r.comp.querySelector(".submit")!.dispatchEvent("tap");
      await settle();
      return r;
    },
  },
  "book-submitting": {
    page: "pages/book/index",
    chrome: { title: "填写订单" },
    height: 812,
    async run() {
      const p = installPlatform({ trains: trainsAnswer(catalogTrains()), createOrder: () => new Promise(() => {}) });
      const r = await open("pages/book/index", p, bookQuery());
      await r.comp.instance.onAddPassenger();
      await settle();
      await typeInto(r.comp, ".name-input", 0, "张三");
      await typeInto(r.comp, ".id-input", 0, "11010519491231002X");
      await typeInto(r.comp, ".name-input", 1, "欧阳娜娜");
      await typeInto(r.comp, ".id-input", 1, "440524198001010013");
      r.comp.querySelector(".submit")!.dispatchEvent("tap");
      await settle();
      return r;
    },
  },
  "pay-cancelled": {
    page: "pages/pay/index",
    chrome: { title: "支付" },
    height: 700,
    toast: true,
    async run() {
      const p = installPlatform({ orders: () => ok(detail()) });
      p.payResult = "cancel";
      p.storage.set("launch:ord_1", launchOf("wechatpay"));
      return open("pages/pay/index", p, { orderId: "ord_1" });
    },
  },
  "pay-expired": {
    page: "pages/pay/index",
    chrome: { title: "支付" },
    height: 600,
    async run() {
      // The countdown reached zero on the page: the order is read again (closed by then).
      const p = installPlatform({
        orders: (d: { action: string }) =>
          ok(d.action === "sync" ? detail({ status: "CLOSED", expiresAt: NOW - 1000 }) : detail({ expiresAt: Date.now() + 50 })),
      });
      p.payResult = "cancel";
      p.storage.set("launch:ord_1", launchOf("wechatpay"));
      const r = await open("pages/pay/index", p, { orderId: "ord_1" });
      await new Promise((res) => setTimeout(res, 1200)); // one tick of the page's own countdown
      await settle(10);
      return r;
    },
  },
  "pay-resume-offline": {
    page: "pages/pay/index",
    chrome: { title: "支付" },
    height: 600,
    async run() {
      // Booked on another phone; asking for fresh pay params failed for want of a network.
      const p = installPlatform({ orders: (d: { action: string }) => (d.action === "resume" ? NETWORK_DOWN() : ok(detail())) });
      return open("pages/pay/index", p, { orderId: "ord_1" });
    },
  },
  "pay-paid": {
    page: "pages/pay/index",
    chrome: { title: "支付" },
    height: 600,
    async run() {
      const p = installPlatform({ orders: (d: { action: string }) => ok(d.action === "sync" ? paidDetail() : detail()) });
      p.storage.set("launch:ord_1", launchOf("wechatpay"));
      const r = await open("pages/pay/index", p, { orderId: "ord_1" });
      await settle(20);
      return r;
    },
  },
  "pay-mock-sheet": {
    page: "pages/pay/index",
    chrome: { title: "支付" },
    height: 700,
    async run() {
      const p = installPlatform({ orders: () => ok(detail()) });
      p.storage.set("launch:ord_1", launchOf("mock"));
      return open("pages/pay/index", p, { orderId: "ord_1" });
    },
  },
  "orders-list": {
    page: "pages/orders/index",
    chrome: { title: "我的订单", tab: "orders" },
    height: 812,
    run: () => open("pages/orders/index", installPlatform({ orders: () => ok({ orders: summaries(), serverNow: Date.now() }) }), {}),
  },
  "orders-empty": {
    page: "pages/orders/index",
    chrome: { title: "我的订单", tab: "orders" },
    height: 400,
    run: () => open("pages/orders/index", installPlatform({ orders: () => ok({ orders: [], serverNow: Date.now() }) }), {}),
  },
  "orders-error": {
    page: "pages/orders/index",
    chrome: { title: "我的订单", tab: "orders" },
    height: 400,
    run: () => open("pages/orders/index", installPlatform({ orders: () => fail("INTERNAL", "服务繁忙，请稍后再试") }), {}),
  },
  "detail-paid": {
    page: "pages/order-detail/index",
    chrome: { title: "订单详情" },
    height: 900,
    run: () => open("pages/order-detail/index", installPlatform({ orders: () => ok(paidDetail()) }), { orderId: "ord_1" }),
  },
  "detail-refund-quote": {
    page: "pages/order-detail/index",
    chrome: { title: "订单详情" },
    height: 900,
    modal: true,
    async run() {
      const p = installPlatform({ orders: (d: { action: string }) => ok(d.action === "refundQuote" ? QUOTE : paidDetail()) });
      p.modalConfirm = false; // stays on the dialog
      const r = await open("pages/order-detail/index", p, { orderId: "ord_1" });
      r.comp.querySelectorAll(".ticket-refund")[0]!.dispatchEvent("tap");
      await settle();
      return r;
    },
  },
  "detail-returned": {
    page: "pages/order-detail/index",
    chrome: { title: "订单详情" },
    height: 1150,
    toast: true,
    async run() {
      let returned = false;
      const p = installPlatform({
        orders: (d: { action: string }) => ok(d.action === "refundQuote" ? QUOTE : returned ? partlyRefundedDetail() : paidDetail()),
        refund: () => (
          (returned = true), ok({ refundId: "r1", outRefundNo: "RF7e210356cf98d816e98141f2", amount: 49750, fee: 5550, status: "SUCCESS" })
        ),
      });
      const r = await open("pages/order-detail/index", p, { orderId: "ord_1" });
      r.comp.querySelectorAll(".ticket-refund")[0]!.dispatchEvent("tap");
      await settle(10);
      return r;
    },
  },
  "detail-pending": {
    page: "pages/order-detail/index",
    chrome: { title: "订单详情" },
    height: 812,
    run: () => open("pages/order-detail/index", installPlatform({ orders: () => ok(detail()) }), { orderId: "ord_1" }),
  },
};

// ---- photographing ----------------------------------------------------------------------------

type Theme = "light" | "dark";

async function screenshot(
  browser: Browser,
  htmlFile: string,
  pngFile: string,
  size: { width: number; height: number; scale: number; theme: Theme },
) {
  const context = await browser.newContext({
    viewport: { width: size.width, height: size.height },
    deviceScaleFactor: size.scale,
    colorScheme: size.theme,
    locale: "zh-CN",
  });
  try {
    const page = await context.newPage();
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: "load" });
    await page.screenshot({ path: pngFile });
  } finally {
    await context.close();
  }
}

function parseArgs(argv: string[]) {
  let out = "/tmp/mp-shots";
  let scale = 1;
  let width = 375;
  let theme = "both";
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") out = argv[++i]!;
    else if (argv[i] === "--scale") scale = Number(argv[++i]);
    else if (argv[i] === "--width") width = Number(argv[++i]);
    else if (argv[i] === "--theme") theme = argv[++i]!;
    else names.push(argv[i]!);
  }
  if (!["light", "dark", "both"].includes(theme)) throw new Error(`--theme ${theme}: light, dark or both`);
  const themes: Theme[] = theme === "both" ? ["light", "dark"] : [theme as Theme];
  return { out: resolve(out), scale, width, themes, names: names.length ? names : Object.keys(SHOTS) };
}

const { out, scale, width, themes, names } = parseArgs(process.argv.slice(2));
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
});
for (const name of names) {
  const shot = SHOTS[name];
  if (!shot) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SHOTS).join(", ")}`);
  const { comp, p } = await shot.run();
  const chrome = { ...shot.chrome, toast: shot.toast ? p.toasts.at(-1) : undefined, modal: shot.modal ? p.modals.at(-1) : undefined };
  for (const theme of themes) {
    const file = theme === "light" ? name : `${name}-dark`;
    const html = pageHtml(mpRoot, shot.page, comp.dom as unknown as DomElement, chrome, width, theme);
    writeFileSync(join(out, `${file}.html`), html);
    await screenshot(browser, join(out, `${file}.html`), join(out, `${file}.png`), { width, height: shot.height, scale, theme });
  }
  comp.detach(); // stops page timers (the pay countdown)
  console.log(
    `${name}: ${join(out, name)}.png  (calls: ${p.calls.map((c) => c.name).join(",") || "-"}; toasts: ${p.toasts.join(" | ") || "-"})`,
  );
}
await browser.close();
process.exit(0); // the fake platform may leave never-settling promises behind
