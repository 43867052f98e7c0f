// trains { action: "stations" } in-process: every station the timetable serves, with pinyin and
// initials that agree with each other and with the characters, grouped by a real city, hot ones flagged.
import { describe, expect, it } from "vitest";
import { ROUTES } from "../../shared/catalog/routes";
import { HOT_STATIONS, STATION_NAMES } from "../../shared/catalog/station-names";
import { servedStations, stationsAnswer, stationViews } from "../../shared/catalog/stations";
import { T0 } from "./harness";

// A Mandarin syllable without tone: optional initial, then a final (ü written v, as typed).
const SYLLABLE =
  /^(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|ia|ie|iu|in|ua|uo|ui|un|ve|ue|a|o|e|i|u|v)$/;

describe("station names beside the timetable", () => {
  it("every station the routes serve has pinyin data: one plausible syllable per character, initials their first letters", () => {
    const names = new Map(STATION_NAMES.map((n) => [n.name, n]));
    const served = servedStations(ROUTES);
    expect(served.length).toBeGreaterThanOrEqual(9);
    for (const station of served) {
      const n = names.get(station);
      expect(n, station).toBeDefined();
      if (!n) continue;
      expect(n.syllables, station).toHaveLength([...station].length);
      for (const s of n.syllables) expect(s, `${station}: ${s}`).toMatch(SYLLABLE);
      expect(n.initials, station).toBe(n.syllables.map((s) => s[0]).join(""));
      // The city is the start of the station's name here, so its pinyin starts the station's.
      expect(station.startsWith(n.city), station).toBe(true);
    }
    expect(new Set(STATION_NAMES.map((n) => n.name)).size).toBe(STATION_NAMES.length);
  });

  it("the syllable check itself refuses what is not pinyin", () => {
    for (const s of ["bjn", "beij", "x", "nng", "Bei", "jīng"]) expect(s).not.toMatch(SYLLABLE);
    for (const s of ["bei", "jing", "xi", "zhuang", "lv", "er", "a"]) expect(s).toMatch(SYLLABLE);
  });

  it("hot stations are ones the timetable serves", () => {
    const served = new Set(servedStations(ROUTES));
    for (const h of HOT_STATIONS) expect(served.has(h), h).toBe(true);
  });
});

describe("trains { action: 'stations' }", () => {
  it("answers every served station once, in pinyin order, with city, pinyin, initials, hot, and the server's clock", () => {
    const r = stationsAnswer(T0);
    expect(r.serverNow).toBe(T0);
    expect(r.stations.map((s) => s.name).sort()).toEqual(servedStations(ROUTES).sort());
    const pinyins = r.stations.map((s) => s.pinyin);
    expect(pinyins).toEqual([...pinyins].sort());
    expect(r.stations.find((s) => s.name === "北京南")).toEqual({
      name: "北京南",
      city: "北京",
      pinyin: "beijingnan",
      initials: "bjn",
      hot: true,
    });
    expect(r.stations.find((s) => s.name === "北京西")).toMatchObject({ city: "北京", pinyin: "beijingxi", initials: "bjx", hot: false });
    expect(
      r.stations
        .filter((s) => s.hot)
        .map((s) => s.name)
        .sort(),
    ).toEqual([...HOT_STATIONS].sort());
    expect(r.stations.filter((s) => s.city === "北京").map((s) => s.name)).toEqual(["北京南", "北京西"]);
  });

  it("a station with no pinyin data is still listed (its own city, found by name), after the others; a hot name not served is left out", () => {
    const routes = [
      { from: "北京南", to: "上海虹桥" },
      { from: "雄安", to: "北京西" },
    ];
    const views = stationViews(routes, STATION_NAMES, ["雄安", "广州南"]);
    expect(views.map((s) => s.name)).toEqual(["北京南", "北京西", "上海虹桥", "雄安"]);
    expect(views.at(-1)).toEqual({ name: "雄安", city: "雄安", pinyin: "", initials: "", hot: true });
    expect(views.some((s) => s.name === "广州南")).toBe(false);
  });
});
