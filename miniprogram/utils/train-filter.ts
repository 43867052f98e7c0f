// Filters and sorting of the trains the server answered (only 有票, 高铁/动车, departure time range;
// by departure, duration or lowest price). Pure: the page applies them to each answer it gets.
import type { TrainView } from "../../shared/contracts/api";

/** G 高铁, D 动车: the letter train numbers start with. */
export type TrainType = "G" | "D";
export type DepartPeriod = "00-06" | "06-12" | "12-18" | "18-24";
export type SortKey = "depart" | "duration" | "price";

export const TRAIN_TYPES: readonly { key: TrainType; text: string }[] = [
  { key: "G", text: "高铁" },
  { key: "D", text: "动车" },
];
export const DEPART_PERIODS: readonly { key: DepartPeriod; text: string; fromHour: number; toHour: number }[] = [
  { key: "00-06", text: "00:00–06:00", fromHour: 0, toHour: 6 },
  { key: "06-12", text: "06:00–12:00", fromHour: 6, toHour: 12 },
  { key: "12-18", text: "12:00–18:00", fromHour: 12, toHour: 18 },
  { key: "18-24", text: "18:00–24:00", fromHour: 18, toHour: 24 },
];
export const SORT_KEYS: readonly { key: SortKey; text: string }[] = [
  { key: "depart", text: "出发最早" },
  { key: "duration", text: "耗时最短" },
  { key: "price", text: "价格最低" },
];

export interface TrainFilters {
  onlyAvailable: boolean;
  /** Empty: every type. */
  types: TrainType[];
  /** Empty: any time. */
  periods: DepartPeriod[];
}

export const NO_FILTERS: TrainFilters = { onlyAvailable: false, types: [], periods: [] };

export function hasSeats(t: TrainView): boolean {
  return t.seats.some((s) => s.remaining > 0);
}

/** The lowest price among classes with seats left; undefined when none has. */
export function lowestAvailablePrice(t: TrainView): number | undefined {
  let low: number | undefined;
  for (const s of t.seats) if (s.remaining > 0 && (low === undefined || s.price < low)) low = s.price;
  return low;
}

function departMinutes(t: TrainView): number {
  const [h, m] = t.departTime.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function inPeriods(t: TrainView, periods: readonly DepartPeriod[]): boolean {
  const hour = departMinutes(t) / 60;
  return DEPART_PERIODS.some((p) => periods.indexOf(p.key) >= 0 && hour >= p.fromHour && hour < p.toHour);
}

export function filterTrains(trains: readonly TrainView[], f: TrainFilters): TrainView[] {
  return trains.filter(
    (t) =>
      (!f.onlyAvailable || hasSeats(t)) &&
      (f.types.length === 0 || (f.types as string[]).indexOf(t.trainNo.charAt(0)) >= 0) &&
      (f.periods.length === 0 || inPeriods(t, f.periods)),
  );
}

function keyOf(t: TrainView, key: SortKey): number {
  if (key === "duration") return t.durationMinutes;
  // Sold-out trains have no price to compare: they go last.
  if (key === "price") return lowestAvailablePrice(t) ?? Number.POSITIVE_INFINITY;
  return departMinutes(t);
}

/** Sorted copy; ties keep departure order. */
export function sortTrains(trains: readonly TrainView[], key: SortKey): TrainView[] {
  return trains.slice().sort((a, b) => keyOf(a, key) - keyOf(b, key) || departMinutes(a) - departMinutes(b));
}

/** A filter list with `key` added, or removed when it was there. */
export function toggled<T>(list: readonly T[], key: T): T[] {
  return list.indexOf(key) >= 0 ? list.filter((k) => k !== key) : [...list, key];
}
