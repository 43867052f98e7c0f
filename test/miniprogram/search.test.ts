import "./dom-globals";
import { describe, it, expect } from "vitest";
import { installPlatform, renderPage, textOf, settle, callsOf, ok, fail } from "./harness";
import { trainG1, trainG7 } from "./fixtures";

describe("车次查询 (pages/search)", () => {
  it("fills the list with trains, times, duration, yuan prices and seats left", async () => {
    const p = installPlatform({ trains: () => ok({ trains: [trainG1, trainG7] }) });
    const page = renderPage("pages/search/index");
    await page.instance.onLoad({});
    await settle();

    expect(callsOf(p, "trains")).toHaveLength(1);
    expect(callsOf(p, "trains")[0].data.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const trains = page.querySelectorAll(".train");
    expect(trains).toHaveLength(2);
    expect(textOf(page, ".train-no")).toBe("G1");
    expect(textOf(page, ".duration")).toBe("4小时28分");
    const prices = page.querySelectorAll(".seat-price").map((s) => s.dom?.textContent);
    expect(prices).toEqual(["¥1748.00", "¥933.00", "¥553.00", "¥443.50"]);
    const left = page.querySelectorAll(".seat-left").map((s) => s.dom?.textContent);
    expect(left).toEqual(["无票", "剩8张", "有票", "剩3张"]);
    // the station pickers offer the stations the catalog answered with
    expect(page.data.stations).toEqual(["全部", "上海虹桥", "北京南", "南京南"]);
  });

  it("a sold-out class cannot be chosen; an available one opens 填写订单", async () => {
    const p = installPlatform({ trains: () => ok({ trains: [trainG1] }) });
    const page = renderPage("pages/search/index");
    await page.instance.onLoad({});
    await settle();
    const seats = page.querySelectorAll(".seat");
    expect(seats[0].dom?.textContent).toContain("商务座");

    seats[0].dispatchEvent("tap");
    await settle();
    expect(p.navigations).toEqual([]);
    expect(p.toasts).toEqual(["商务座已售罄"]);

    seats[2].dispatchEvent("tap");
    await settle();
    expect(p.navigations).toHaveLength(1);
    const url = p.navigations[0];
    expect(url.startsWith("/pages/book/index?")).toBe(true);
    const q = new URLSearchParams(url.split("?")[1]);
    expect(q.get("trainId")).toBe(trainG1.trainId);
    expect(q.get("seatClass")).toBe("second");
    expect(q.get("from")).toBe("北京南");
  });

  it("choosing stations sends them as the filter", async () => {
    const p = installPlatform({ trains: () => ok({ trains: [trainG1, trainG7] }) });
    const page = renderPage("pages/search/index");
    await page.instance.onLoad({});
    await settle();
    await page.instance.onFromChange({ detail: { value: 2 } });
    await page.instance.onToChange({ detail: { value: 3 } });
    const last = callsOf(p, "trains").at(-1)!;
    expect(last.data).toMatchObject({ from: "北京南", to: "南京南" });
  });

  it("a function error shows its message; the network being down offers 重试", async () => {
    const p = installPlatform({ trains: () => fail("INVALID_ARGUMENT", "出发日期不在预售期内") });
    const page = renderPage("pages/search/index");
    await page.instance.onLoad({});
    await settle();
    expect(textOf(page, ".error-text")).toBe("出发日期不在预售期内");
    expect(page.querySelector(".retry")).toBeUndefined();

    p.functions.trains = () => {
      throw { errMsg: "cloud.callFunction:fail network" };
    };
    await page.instance.onRetry();
    await settle();
    expect(textOf(page, ".error-text")).toBe("网络连接失败，请检查网络后重试");
    expect(page.querySelector(".retry")).toBeDefined();

    p.functions.trains = () => ok({ trains: [trainG7] });
    page.querySelector(".retry")!.dispatchEvent("tap");
    await settle();
    expect(page.querySelector(".error-text")).toBeUndefined();
    expect(page.querySelectorAll(".train")).toHaveLength(1);
  });
});
