// trains { action: "stations" }: every station the timetable serves, with what the station page
// searches by (pinyin, initials) and groups by (city), in pinyin order.
import type { StationView, StationsResult } from "../contracts/api";
import { ROUTES, type Route } from "./routes";
import { HOT_STATIONS, STATION_NAMES, type StationName } from "./station-names";

/** Station names served by these routes, each once. */
export function servedStations(routes: readonly Pick<Route, "from" | "to">[]): string[] {
  const seen = new Set<string>();
  for (const r of routes) {
    seen.add(r.from);
    seen.add(r.to);
  }
  return [...seen];
}

/** A station without pinyin data is still listed (found by 汉字, grouped under its own name) rather
 *  than dropped: a new route must not make its station unreachable before the data catches up. */
function viewOf(name: string, known: StationName | undefined, hot: ReadonlySet<string>): StationView {
  if (!known) return { name, city: name, pinyin: "", initials: "", hot: hot.has(name) };
  return { name, city: known.city, pinyin: known.syllables.join(""), initials: known.initials, hot: hot.has(name) };
}

/** Pinyin order; stations without pinyin last, by 汉字. */
function byPinyin(a: StationView, b: StationView): number {
  if (a.pinyin && b.pinyin) return a.pinyin < b.pinyin ? -1 : a.pinyin > b.pinyin ? 1 : 0;
  if (a.pinyin || b.pinyin) return a.pinyin ? -1 : 1;
  return a.name.localeCompare(b.name, "zh");
}

export function stationViews(
  routes: readonly Pick<Route, "from" | "to">[],
  names: readonly StationName[] = STATION_NAMES,
  hotList: readonly string[] = HOT_STATIONS,
): StationView[] {
  const byName = new Map(names.map((n) => [n.name, n]));
  const hot = new Set(hotList);
  return servedStations(routes)
    .map((name) => viewOf(name, byName.get(name), hot))
    .sort(byPinyin);
}

/** The `stations` answer at `now` (the server's clock). */
export function stationsAnswer(now: number, routes: readonly Pick<Route, "from" | "to">[] = ROUTES): StationsResult {
  return { stations: stationViews(routes), serverNow: now };
}
