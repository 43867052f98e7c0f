// 最近: the stations this traveller chose last, most recent first, kept on the phone.
import { withRecent } from "../utils/station-search";

export const RECENT_STATIONS_KEY = "recentStations";
const MAX_RECENT = 8;

export function recentStations(): string[] {
  const v: unknown = wx.getStorageSync(RECENT_STATIONS_KEY);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").slice(0, MAX_RECENT) : [];
}

export function rememberStation(name: string): void {
  wx.setStorageSync(RECENT_STATIONS_KEY, withRecent(recentStations(), name, MAX_RECENT));
}
