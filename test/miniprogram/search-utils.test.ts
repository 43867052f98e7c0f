// The pure pieces behind the station page and the results: station matching and grouping, the
// date strip, filters and sorting.
import { describe, expect, it } from "vitest";
import { addDays, dateStrip, weekdayOf } from "../../miniprogram/utils/date-strip";
import { groupByCity, matchStations, stationsNamed, withRecent } from "../../miniprogram/utils/station-search";
import {
  filterTrains,
  lowestAvailablePrice,
  NO_FILTERS,
  sortTrains,
  toggled,
  type TrainFilters,
} from "../../miniprogram/utils/train-filter";
import { stationsAnswer } from "../../shared/catalog/stations";
import type { StationView } from "../../shared/contracts/api";
import { trainOf } from "./fixtures";

const stations = stationsAnswer(0).stations;
const names = (list: StationView[]) => list.map((s) => s.name);

describe("station search", () => {
  it("matches 汉字 anywhere, pinyin and initials from the start, ignoring case and spaces", () => {
    expect(names(matchStations(stations, "beijing"))).toEqual(["北京南", "北京西"]);
    expect(names(matchStations(stations, "bjn"))).toEqual(["北京南"]);
    expect(names(matchStations(stations, "B J"))).toEqual(["北京南", "北京西"]);
    expect(names(matchStations(stations, "北京"))).toEqual(["北京南", "北京西"]);
    expect(names(matchStations(stations, "南"))).toEqual(["北京南", "广州南", "南京南"]);
    expect(names(matchStations(stations, "nanjing"))).toEqual(["南京南"]);
    expect(names(matchStations(stations, "jing"))).toEqual([]);
    expect(matchStations(stations, "  ")).toEqual([]);
  });

  it("a station without pinyin is found by 汉字 only (its empty pinyin matches nothing)", () => {
    const odd: StationView = { name: "雄安", city: "雄安", pinyin: "", initials: "", hot: false };
    expect(names(matchStations([...stations, odd], "x"))).toEqual([]);
    expect(names(matchStations([...stations, odd], "雄"))).toEqual(["雄安"]);
    expect(groupByCity([odd, ...stations]).at(-1)).toEqual({ city: "雄安", stations: [odd] });
  });

  it("groups by city in pinyin order whatever order the list came in", () => {
    const groups = groupByCity(stations.slice().reverse());
    expect(groups.map((g) => g.city)).toEqual(["北京", "成都", "重庆", "广州", "杭州", "南京", "上海", "深圳"]);
    expect(names(groups[0]!.stations)).toEqual(["北京南", "北京西"]);
  });

  it("recent: most recent first, once each, at most max; names the list lacks are skipped", () => {
    expect(withRecent(["A", "B", "C"], "B", 8)).toEqual(["B", "A", "C"]);
    expect(withRecent(["A", "B", "C"], "D", 3)).toEqual(["D", "A", "B"]);
    expect(names(stationsNamed(stations, ["深圳北", "旧站", "北京南"]))).toEqual(["深圳北", "北京南"]);
  });
});

describe("date strip", () => {
  it("labels 今天, 明天, then 周X, across month and year ends", () => {
    const strip = dateStrip("2026-12-30", 4);
    expect(strip.map((d) => [d.date, d.dayText, d.label])).toEqual([
      ["2026-12-30", "12-30", "今天"],
      ["2026-12-31", "12-31", "明天"],
      ["2027-01-01", "01-01", "周五"],
      ["2027-01-02", "01-02", "周六"],
    ]);
    expect(strip[0]!.ariaLabel).toBe("12月30日，今天，周三");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(weekdayOf("2026-11-30")).toBe("周一");
  });
});

describe("filters and sorting", () => {
  const list = [
    trainOf("G20", "08:00", 300, [[50000, 10]]),
    trainOf("G10", "06:00", 250, [[55000, 0]]),
    trainOf("D30", "12:00", 280, [
      [60000, 0],
      [70000, 5],
    ]),
    trainOf("K40", "18:00", 600, [[9000, 3]]),
    trainOf("D50", "23:59", 400, [
      [1000, 0],
      [98000, 1],
    ]),
  ];
  const nos = (l: { trainNo: string }[]) => l.map((t) => t.trainNo);
  const f = (x: Partial<TrainFilters>): TrainFilters => ({ ...NO_FILTERS, ...x });

  it("only 有票, by type letter (others only when no type is chosen), by period with its start included and end excluded", () => {
    expect(nos(filterTrains(list, NO_FILTERS))).toEqual(["G20", "G10", "D30", "K40", "D50"]);
    expect(nos(filterTrains(list, f({ onlyAvailable: true })))).toEqual(["G20", "D30", "K40", "D50"]);
    expect(nos(filterTrains(list, f({ types: ["G"] })))).toEqual(["G20", "G10"]);
    expect(nos(filterTrains(list, f({ types: ["G", "D"] })))).toEqual(["G20", "G10", "D30", "D50"]);
    expect(nos(filterTrains(list, f({ periods: ["00-06"] })))).toEqual([]);
    expect(nos(filterTrains(list, f({ periods: ["06-12"] })))).toEqual(["G20", "G10"]);
    expect(nos(filterTrains(list, f({ periods: ["12-18", "18-24"] })))).toEqual(["D30", "K40", "D50"]);
    expect(nos(filterTrains(list, f({ onlyAvailable: true, types: ["D"], periods: ["18-24"] })))).toEqual(["D50"]);
  });

  it("price is the lowest class with seats left; sold-out trains sort last; ties keep departure order", () => {
    expect(lowestAvailablePrice(list[4]!)).toBe(98000);
    expect(lowestAvailablePrice(list[1]!)).toBeUndefined();
    expect(nos(sortTrains(list, "price"))).toEqual(["K40", "G20", "D30", "D50", "G10"]);
    expect(nos(sortTrains(list, "duration"))).toEqual(["G10", "D30", "G20", "D50", "K40"]);
    expect(nos(sortTrains(list, "depart"))).toEqual(["G10", "G20", "D30", "K40", "D50"]);
    const same = [trainOf("G2", "09:00", 100, [[1, 1]]), trainOf("G1", "08:00", 100, [[1, 1]])];
    expect(nos(sortTrains(same, "duration"))).toEqual(["G1", "G2"]);
    expect(toggled(["G"], "D")).toEqual(["G", "D"]);
    expect(toggled(["G", "D"], "G")).toEqual(["D"]);
  });
});
