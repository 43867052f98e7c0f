// 选择车站 (pages/station): the list comes from the server (trains { action: "stations" }, the real
// catalog's answer here), search by 汉字 / 拼音 / 首字母, 最近 / 热门 / by city, the choice sent back
// through the opener's event channel.
import "./dom-globals";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stationsAnswer } from "../../shared/catalog/stations";
import { SERVER_NOW } from "./fixtures";
import {
  callsOf,
  fail,
  installPlatform,
  mpRequire,
  ok,
  openedBy,
  renderPage,
  settle,
  textOf,
  type Handler,
  type Rendered,
} from "./harness";

const { forgetStations } = mpRequire<{ forgetStations(): void }>("services/trains.ts");
const stationsOk: Handler = (d) => (d.action === "stations" ? ok(stationsAnswer(SERVER_NOW)) : fail("INVALID_ARGUMENT", "unexpected"));

let page: Rendered | undefined;
beforeEach(() => forgetStations());
afterEach(() => {
  page?.detach();
  page = undefined;
});

async function open(field: "from" | "to" = "from", events: Record<string, (data: unknown) => void> = {}): Promise<Rendered> {
  page = renderPage("pages/station/index");
  openedBy(page, events);
  await page.instance.onLoad({ field });
  await settle();
  return page;
}
const names = (p: Rendered, selector: string) => p.querySelectorAll(selector).map((x) => x.dom?.textContent?.trim());
async function type(p: Rendered, text: string) {
  p.querySelector(".search-input")!.dispatchEvent("input", { detail: { value: text } });
  await settle();
}

describe("选择车站 (pages/station)", () => {
  it("without a query: 热门 from the server, then every station by city (北京 → 北京南/北京西) in pinyin order", async () => {
    const p = installPlatform({ trains: stationsOk });
    const s = await open("to");
    expect(callsOf(p, "trains").map((c) => c.data)).toEqual([{ action: "stations" }]);
    expect(textOf(s, ".heading")).toBe("选择到达站");
    expect(s.querySelector(".recent")).toBeUndefined(); // nothing chosen yet
    expect(names(s, ".hot-item")).toEqual(["北京南", "成都东", "广州南", "杭州东", "上海虹桥", "深圳北"]);
    const cities = s.querySelectorAll(".city-name").map((x) => x.dom?.textContent);
    expect(cities).toEqual(["北京", "成都", "重庆", "广州", "杭州", "南京", "上海", "深圳"]);
    const groups = s.querySelectorAll(".city-group").map((g) => g.dom?.textContent?.replace(/\s+/g, ""));
    expect(groups[0]).toBe("北京北京南北京西");
    expect(groups[6]).toBe("上海上海虹桥");
    expect(names(s, ".item-name")).toHaveLength(9);
  });

  it("finds stations by full pinyin prefix, initials prefix and 汉字 anywhere in the name", async () => {
    installPlatform({ trains: stationsOk });
    const s = await open();
    await type(s, "beijing");
    expect(names(s, ".result-name")).toEqual(["北京南", "北京西"]);
    await type(s, "bjn");
    expect(names(s, ".result-name")).toEqual(["北京南"]);
    await type(s, " BJX ");
    expect(names(s, ".result-name")).toEqual(["北京西"]);
    await type(s, "北京");
    expect(names(s, ".result-name")).toEqual(["北京南", "北京西"]);
    await type(s, "虹桥");
    expect(names(s, ".result-name")).toEqual(["上海虹桥"]);
    await type(s, "shanghaih");
    expect(names(s, ".result-name")).toEqual(["上海虹桥"]);
    await type(s, "jingnan"); // pinyin matches from the start only
    expect(names(s, ".result-name")).toEqual([]);
    expect(textOf(s, ".no-match")).toBe("没有找到“jingnan”");
    expect(s.querySelector(".hot")).toBeUndefined(); // results replace the lists while a query is typed
    s.querySelector(".clear")!.dispatchEvent("tap");
    await settle();
    expect(s.querySelector(".hot")).toBeDefined();
  });

  it("a tap sends { field, name } to the opener and goes back; the choice is remembered under 最近, most recent first, once each, at most 8", async () => {
    const p = installPlatform({ trains: stationsOk });
    const picked: unknown[] = [];
    let s = await open("to", { station: (d) => picked.push(d) });
    await type(s, "bjx");
    s.querySelector(".result-item")!.dispatchEvent("tap");
    await settle();
    expect(picked).toEqual([{ field: "to", name: "北京西" }]);
    expect(p.backs).toBe(1);
    s.detach();

    s = await open("from", { station: (d) => picked.push(d) });
    expect(names(s, ".recent-item")).toEqual(["北京西"]);
    s.querySelectorAll(".hot-item")[1]!.dispatchEvent("tap"); // 成都东
    await settle();
    s.detach();
    s = await open("from", { station: (d) => picked.push(d) });
    s.querySelectorAll(".recent-item")[1]!.dispatchEvent("tap"); // 北京西 again: moves to the front, not twice
    await settle();
    s.detach();
    s = await open();
    expect(names(s, ".recent-item")).toEqual(["北京西", "成都东"]);
    expect(picked.at(-1)).toEqual({ field: "from", name: "北京西" });
    const recentItem = s.querySelectorAll(".recent-item")[0]!;
    expect(recentItem.dom).toBeDefined();

    // Many choices: the 8 latest are kept.
    const all = stationsAnswer(SERVER_NOW).stations.map((x) => x.name);
    for (const name of all) {
      s.detach();
      s = await open();
      await type(s, name);
      s.querySelector(".result-item")!.dispatchEvent("tap");
      await settle();
    }
    s.detach();
    s = await open();
    expect(names(s, ".recent-item")).toEqual(all.slice().reverse().slice(0, 8));
    // The station list was asked for once in this session.
    expect(callsOf(p, "trains")).toHaveLength(1);
  });

  it("a failed list shows the error and 重试, which asks again (a failure is not kept for the session)", async () => {
    const p = installPlatform({
      trains: () => {
        throw { errMsg: "cloud.callFunction:fail network" };
      },
    });
    const s = await open();
    expect(textOf(s, ".error-text")).toBe("车站列表加载失败：网络连接失败，请检查网络后重试");
    expect(s.querySelector(".station-item")).toBeUndefined();
    p.functions.trains = stationsOk;
    s.querySelector(".retry")!.dispatchEvent("tap");
    await settle();
    expect(s.querySelector(".error-text")).toBeUndefined();
    expect(s.querySelectorAll(".station-item").length).toBe(9);
    expect(callsOf(p, "trains")).toHaveLength(2);
  });

  it("a broken answer (no list) is an error too, not an empty page", async () => {
    installPlatform({ trains: () => ok({ trains: [] }) });
    const s = await open();
    expect(textOf(s, ".error-text")).toMatch(/^车站列表加载失败/);
    expect(s.querySelector(".retry")).toBeDefined();
  });
});
