import "./dom-globals";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stationsAnswer } from "../../shared/catalog/stations";
import {
  installPlatform,
  renderPage,
  textOf,
  settle,
  callsOf,
  ok,
  fail,
  mpRequire,
  openedBy,
  type FakePlatform,
  type Handler,
  type Rendered,
} from "./harness";
import { SERVER_NOW, trainG1, trainG7, trainOf } from "./fixtures";

const { forgetStations } = mpRequire<{ forgetStations(): void }>("services/trains.ts");

/** The `trains` function: the station list for { action: "stations" }, else what `search` answers. */
function trainsFn(search: Handler, now = SERVER_NOW): Handler {
  return (d) => (d.action === "stations" ? ok(stationsAnswer(now)) : search(d));
}
const searches = (p: FakePlatform) => callsOf(p, "trains").filter((c) => c.data.action === undefined);

let page: Rendered | undefined;
beforeEach(() => forgetStations());
afterEach(() => {
  page?.detach();
  page = undefined;
});

async function load(p: FakePlatform): Promise<Rendered> {
  void p;
  page = renderPage("pages/search/index");
  await page.instance.onLoad({});
  await settle();
  return page;
}

/** Taps 出发站 / 到达站 and picks `name` on the station page the tap opened (its event channel). */
async function pick(p: FakePlatform, s: Rendered, field: "from" | "to", name: string): Promise<void> {
  s.querySelector(field === "from" ? ".station-from" : ".station-to")!.dispatchEvent("tap");
  await settle();
  expect(p.navigations.at(-1)).toBe(`/pages/station/index?field=${field}`);
  const stationPage = renderPage("pages/station/index");
  openedBy(stationPage, p.openerEvents.at(-1)!);
  await stationPage.instance.onLoad({ field });
  await settle();
  stationPage.querySelector(".search-input")!.dispatchEvent("input", { detail: { value: name } });
  await settle();
  stationPage.querySelector(".result-item")!.dispatchEvent("tap");
  await settle();
  stationPage.detach();
}

async function route(p: FakePlatform, s: Rendered, from = "北京南", to = "上海虹桥") {
  await pick(p, s, "from", from);
  await pick(p, s, "to", to);
}

describe("车次查询 (pages/search)", () => {
  it("from and to are required: nothing is searched and 查询 is disabled until both are chosen", async () => {
    const p = installPlatform({ trains: trainsFn(() => ok({ trains: [trainG1] })) });
    const s = await load(p);
    expect(callsOf(p, "trains").map((c) => c.data)).toEqual([{ action: "stations" }]); // the server's clock and list
    expect(s.data.trains).toEqual([]);
    expect(s.querySelector(".search-btn")!.dom).toBeDefined();
    expect(s.data.from).toBe("");
    expect(textOf(s, ".need-both")).toBe("请选择出发站和到达站后查询");
    await s.instance.onSearch();
    await settle();
    expect(textOf(s, ".hint")).toBe("请先选择出发站和到达站");
    await pick(p, s, "from", "bjn");
    expect(textOf(s, ".from-name")).toBe("北京南");
    expect(searches(p)).toHaveLength(0);
    await pick(p, s, "to", "shhq");
    expect(textOf(s, ".to-name")).toBe("上海虹桥");
    expect(searches(p).map((c) => c.data)).toEqual([{ from: "北京南", to: "上海虹桥", date: "2026-11-30" }]);
    expect(s.querySelector(".need-both")).toBeUndefined();
    expect(s.querySelector(".hint")).toBeUndefined();
  });

  it("the same station for both ends is refused with a message; 交换 swaps them and searches again", async () => {
    const p = installPlatform({ trains: trainsFn(() => ok({ trains: [trainG1] })) });
    const s = await load(p);
    await pick(p, s, "from", "北京南");
    await pick(p, s, "to", "北京南");
    expect(p.toasts).toEqual(["出发站和到达站不能相同"]);
    expect(s.data.to).toBe("");
    expect(searches(p)).toHaveLength(0);
    await pick(p, s, "to", "广州南");
    s.querySelector(".swap")!.dispatchEvent("tap");
    await settle();
    expect(textOf(s, ".from-name")).toBe("广州南");
    expect(textOf(s, ".to-name")).toBe("北京南");
    expect(searches(p).map((c) => [c.data.from, c.data.to])).toEqual([
      ["北京南", "广州南"],
      ["广州南", "北京南"],
    ]);
  });

  it("fills the list with trains, times, duration, yuan prices and seats left", async () => {
    const p = installPlatform({ trains: trainsFn(() => ok({ trains: [trainG1, trainG7], serverNow: SERVER_NOW })) });
    const s = await load(p);
    await route(p, s);
    expect(s.querySelectorAll(".train")).toHaveLength(2);
    expect(textOf(s, ".train-no")).toBe("G1");
    expect(textOf(s, ".duration")).toBe("4小时28分");
    expect(s.querySelectorAll(".seat-price").map((x) => x.dom?.textContent)).toEqual(["¥1748.00", "¥933.00", "¥553.00", "¥443.50"]);
    expect(s.querySelectorAll(".seat-left").map((x) => x.dom?.textContent)).toEqual(["无票", "剩8张", "有票", "剩3张"]);
    expect(textOf(s, ".result-count")).toBe("共 2 趟，显示 2 趟");
  });

  it("a sold-out class cannot be chosen; an available one opens 填写订单", async () => {
    const p = installPlatform({ trains: trainsFn(() => ok({ trains: [trainG1] })) });
    const s = await load(p);
    await route(p, s);
    const seats = s.querySelectorAll(".seat");
    expect(seats[0]!.dom?.textContent).toContain("商务座");
    const before = p.navigations.length;
    seats[0]!.dispatchEvent("tap");
    await settle();
    expect(p.navigations).toHaveLength(before);
    expect(p.toasts).toEqual(["商务座已售罄"]);
    seats[2]!.dispatchEvent("tap");
    await settle();
    const q = new URLSearchParams(p.navigations.at(-1)!.split("?")[1]);
    expect(p.navigations.at(-1)!.startsWith("/pages/book/index?")).toBe(true);
    expect(q.get("trainId")).toBe(trainG1.trainId);
    expect(q.get("seatClass")).toBe("second");
    expect(q.get("from")).toBe("北京南");
  });

  it("a function error shows its message; the network being down offers 重试", async () => {
    const p = installPlatform({ trains: trainsFn(() => fail("INVALID_ARGUMENT", "出发日期不在预售期内")) });
    const s = await load(p);
    await route(p, s);
    expect(textOf(s, ".error-text")).toBe("出发日期不在预售期内");
    expect(s.querySelector(".retry")).toBeUndefined();
    p.functions.trains = trainsFn(() => {
      throw { errMsg: "cloud.callFunction:fail network" };
    });
    await s.instance.onRetry();
    await settle();
    expect(textOf(s, ".error-text")).toBe("网络连接失败，请检查网络后重试");
    p.functions.trains = trainsFn(() => ok({ trains: [trainG7] }));
    s.querySelector(".retry")!.dispatchEvent("tap");
    await settle();
    expect(s.querySelector(".error-text")).toBeUndefined();
    expect(s.querySelectorAll(".train")).toHaveLength(1);
  });
});

describe("date strip (today by the server's clock)", () => {
  it("labels 今天 / 明天 / 周X from serverNow across a month's end; 前一天 is off on today; 后一天 and a tapped day search that date", async () => {
    // The server says 2026-11-30 20:00 China time, whatever the phone's clock says.
    const p = installPlatform({ trains: trainsFn(() => ok({ trains: [trainG1], serverNow: SERVER_NOW })) });
    const s = await load(p);
    const items = s.querySelectorAll(".date-item");
    expect(items).toHaveLength(14);
    const text = items.map((x) => x.dom?.textContent?.replace(/\s+/g, ""));
    expect(text.slice(0, 4)).toEqual(["11-30今天", "12-01明天", "12-02周三", "12-03周四"]);
    expect(text.at(-1)).toBe("12-13周日");
    expect(s.data.dates[1].ariaLabel).toBe("12月1日，明天，周二");
    expect(s.data.date).toBe("2026-11-30");
    expect(s.querySelector(".date-on")!.dom?.textContent?.replace(/\s+/g, "")).toBe("11-30今天");

    await route(p, s);
    expect(searches(p).at(-1)!.data.date).toBe("2026-11-30");
    expect(s.querySelector(".prev-day.day-btn-off")).toBeDefined();
    s.querySelector(".prev-day")!.dispatchEvent("tap"); // today: no day before
    await settle();
    expect(searches(p)).toHaveLength(1);
    expect(s.data.date).toBe("2026-11-30");

    s.querySelector(".next-day")!.dispatchEvent("tap");
    await settle();
    expect(searches(p).at(-1)!.data.date).toBe("2026-12-01");
    expect(s.querySelector(".date-on")!.dom?.textContent?.replace(/\s+/g, "")).toBe("12-01明天");
    expect(s.querySelector(".prev-day.day-btn-off")).toBeUndefined();
    s.querySelector(".prev-day")!.dispatchEvent("tap");
    await settle();
    expect(searches(p).at(-1)!.data.date).toBe("2026-11-30");

    items[13]!.dispatchEvent("tap");
    await settle();
    expect(searches(p).at(-1)!.data.date).toBe("2026-12-13");
    expect(s.querySelector(".next-day.day-btn-off")).toBeDefined();
    const n = searches(p).length;
    s.querySelector(".next-day")!.dispatchEvent("tap"); // the last day on sale
    await settle();
    expect(searches(p)).toHaveLength(n);
  });

  it("a later serverNow moves today: the strip starts at the server's new date", async () => {
    const later = SERVER_NOW + 5 * 3600_000; // 2026-12-01 01:00 China time
    const p = installPlatform({ trains: trainsFn(() => ok({ trains: [trainG1], serverNow: later })) });
    const s = await load(p);
    expect(s.data.date).toBe("2026-11-30");
    await route(p, s); // searched 11-30; its answer says the server is on 12-01 now: searched again
    expect(searches(p).map((c) => c.data.date)).toEqual(["2026-11-30", "2026-12-01"]);
    expect(s.data.today).toBe("2026-12-01");
    expect(s.data.date).toBe("2026-12-01");
    expect(s.querySelectorAll(".date-item")[0]!.dom?.textContent?.replace(/\s+/g, "")).toBe("12-01今天");
  });
});

describe("filters and sorting", () => {
  // G10 06:30 fast, sold out; G20 08:00 slow, cheap; D30 13:00, mid; G40 19:30 fastest with seats; D50 05:40 dearest.
  const list = [
    trainOf("G20", "08:00", 300, [
      [180000, 0],
      [90000, 0],
      [50000, 10],
    ]),
    trainOf("G10", "06:30", 250, [
      [170000, 0],
      [93000, 0],
      [55000, 0],
    ]),
    trainOf("D30", "13:00", 280, [
      [0, 0],
      [70000, 5],
      [60000, 0],
    ]),
    trainOf("G40", "19:30", 260, [
      [175000, 2],
      [95000, 0],
      [57000, 3],
    ]),
    trainOf("D50", "05:40", 400, [
      [0, 0],
      [98000, 1],
      [88000, 0],
    ]),
  ];
  const shown = (s: Rendered) => s.querySelectorAll(".train-no").map((x) => x.dom?.textContent);
  const chip = (s: Rendered, selector: string, i = 0) => s.querySelectorAll(selector)[i]!;
  async function tap(x: Rendered) {
    x.dispatchEvent("tap");
    await settle();
  }
  async function ready(): Promise<{ p: FakePlatform; s: Rendered }> {
    const p = installPlatform({ trains: trainsFn(() => ok({ trains: list, serverNow: SERVER_NOW })) });
    const s = await load(p);
    await route(p, s);
    return { p, s };
  }

  it("sorts by departure (default), duration and lowest price with seats (sold-out trains last)", async () => {
    const { p, s } = await ready();
    const calls = callsOf(p, "trains").length;
    expect(shown(s)).toEqual(["D50", "G10", "G20", "D30", "G40"]);
    await tap(chip(s, ".sort-chip", 1));
    expect(shown(s)).toEqual(["G10", "G40", "D30", "G20", "D50"]);
    await tap(chip(s, ".sort-chip", 2));
    expect(shown(s)).toEqual(["G20", "G40", "D30", "D50", "G10"]);
    expect(s.querySelector(".sort-on")!.dom?.textContent).toBe("价格最低");
    await tap(chip(s, ".sort-chip", 0));
    expect(shown(s)).toEqual(["D50", "G10", "G20", "D30", "G40"]);
    expect(callsOf(p, "trains")).toHaveLength(calls); // sorting is the page's, on the list it has
  });

  it("只看有票, 高铁 / 动车 and departure time ranges filter the list; filters combine; none matching says so", async () => {
    const { s } = await ready();
    await tap(s.querySelector(".only-available")!);
    expect(shown(s)).toEqual(["D50", "G20", "D30", "G40"]);
    expect(textOf(s, ".result-count")).toBe("共 5 趟，显示 4 趟");
    await tap(s.querySelector(".only-available")!);
    await tap(chip(s, ".type-chip", 0)); // 高铁
    expect(shown(s)).toEqual(["G10", "G20", "G40"]);
    await tap(chip(s, ".type-chip", 1)); // and 动车: both
    expect(shown(s)).toEqual(["D50", "G10", "G20", "D30", "G40"]);
    await tap(chip(s, ".type-chip", 0)); // 动车 only
    expect(shown(s)).toEqual(["D50", "D30"]);
    await tap(chip(s, ".type-chip", 1));
    await tap(chip(s, ".period-chip", 1)); // 06–12
    expect(shown(s)).toEqual(["G10", "G20"]);
    await tap(chip(s, ".period-chip", 3)); // and 18–24
    expect(shown(s)).toEqual(["G10", "G20", "G40"]);
    await tap(chip(s, ".period-chip", 0)); // and 00–06
    expect(shown(s)).toEqual(["D50", "G10", "G20", "G40"]);
    await tap(chip(s, ".period-chip", 2)); // and 12–18: all four
    expect(shown(s)).toHaveLength(5);
    await tap(s.querySelector(".only-available")!);
    await tap(chip(s, ".type-chip", 1)); // 动车 with seats, any time
    expect(shown(s)).toEqual(["D50", "D30"]);
    await tap(chip(s, ".period-chip", 3)); // 18–24 off: no 动车 then
    await tap(chip(s, ".period-chip", 0));
    await tap(chip(s, ".period-chip", 2));
    expect(shown(s)).toEqual([]);
    expect(textOf(s, ".none-filtered")).toBe("共 5 趟车次，没有符合筛选条件的");
    expect(s.data.typeChips.map((c: { on: boolean }) => c.on)).toEqual([false, true]);
  });

  it("filters and the order stay as chosen when the date changes", async () => {
    const { p, s } = await ready();
    await tap(s.querySelector(".only-available")!);
    await tap(chip(s, ".type-chip", 0)); // 高铁
    await tap(chip(s, ".sort-chip", 2)); // 价格最低
    expect(shown(s)).toEqual(["G20", "G40"]);
    await tap(s.querySelector(".next-day")!);
    expect(searches(p).at(-1)!.data.date).toBe("2026-12-01");
    expect(shown(s)).toEqual(["G20", "G40"]);
    expect(s.querySelector(".only-available.chip-on")).toBeDefined();
    expect(s.querySelector(".sort-on")!.dom?.textContent).toBe("价格最低");
    await tap(s.querySelectorAll(".date-item")[5]!);
    expect(shown(s)).toEqual(["G20", "G40"]);
  });
});
