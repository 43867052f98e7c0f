// Station search as 12306 does it: 汉字 anywhere in the name, full pinyin or initials from the start.
// Pure functions over the list the server answered (trains { action: "stations" }).
import type { StationView } from "../../shared/contracts/api";

export interface CityGroup {
  city: string;
  stations: StationView[];
}

/** The query as typed, made comparable: trimmed, lower case, spaces inside dropped ("bei jing"). */
function normalise(query: string): string {
  return query.trim().toLowerCase().replace(/\s+/g, "");
}

function matches(s: StationView, q: string): boolean {
  if (s.name.indexOf(q) >= 0 || s.city.indexOf(q) >= 0) return true;
  // A station without pinyin data has "" here, which every string starts with: skip it.
  return (s.pinyin !== "" && s.pinyin.indexOf(q) === 0) || (s.initials !== "" && s.initials.indexOf(q) === 0);
}

/** Stations matching the query, in the list's order; [] for an empty query. */
export function matchStations(list: readonly StationView[], query: string): StationView[] {
  const q = normalise(query);
  if (q === "") return [];
  return list.filter((s) => matches(s, q));
}

/** Pinyin order, stations without pinyin last by 汉字 (the server's order, made certain here). */
function sortKey(s: StationView): string {
  return s.pinyin !== "" ? `0${s.pinyin}` : `1${s.name}`;
}

/** Stations grouped by city: cities in pinyin order, each city's stations in pinyin order. */
export function groupByCity(list: readonly StationView[]): CityGroup[] {
  const sorted = list.slice().sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const groups: CityGroup[] = [];
  const index: Record<string, CityGroup> = {};
  for (const s of sorted) {
    let g = index[s.city];
    if (!g) {
      g = { city: s.city, stations: [] };
      index[s.city] = g;
      groups.push(g);
    }
    g.stations.push(s);
  }
  return groups;
}

/** Recent choices after choosing `name`: it first, no repeats, at most `max`. */
export function withRecent(recent: readonly string[], name: string, max: number): string[] {
  return [name, ...recent.filter((r) => r !== name)].slice(0, max);
}

/** The stations named, in that order, skipping names the list no longer has. */
export function stationsNamed(list: readonly StationView[], names: readonly string[]): StationView[] {
  const out: StationView[] = [];
  for (const n of names) {
    const s = list.find((x) => x.name === n);
    if (s) out.push(s);
  }
  return out;
}

/** The event the station page sends its opener through wx.navigateTo's event channel: `{ field, name }`. */
export const STATION_PICKED_EVENT = "station";
