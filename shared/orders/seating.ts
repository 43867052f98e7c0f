// Which free seats a booking takes: a group together where possible (one side of one row, then one
// row, then two neighbouring rows, then one carriage), the passenger's preference (window / aisle)
// where possible, and — among the equally good choices — one at random. The random pick is what
// keeps a rush on one train cheap: concurrent bookings read the same free seats, and choosing the
// first free ones would make them all ask for the same seats and all but one retry.
import type { SeatPreference } from "../contracts/api";
import type { Seat } from "../catalog/seat-layout";

interface Group {
  seats: Seat[];
}

/** The n seats a booking asks for, or undefined when fewer than n are free. */
export function chooseSeats(
  layout: readonly Seat[],
  isTaken: (key: string) => boolean,
  n: number,
  preference?: SeatPreference,
  random: () => number = Math.random,
): Seat[] | undefined {
  const free = layout.filter((s) => !isTaken(s.key));
  if (free.length < n || n <= 0) return undefined;

  const rows = groupBy(free, (s) => `${s.carriage}|${s.row}`);
  const levels: (() => Group[])[] = [
    // one side of one row
    () => rows.flatMap((r) => groupBy(r.seats, (s) => String(s.side))).filter((g) => g.seats.length >= n),
    // one row
    () => rows.filter((r) => r.seats.length >= n),
    // two neighbouring rows of one carriage
    () =>
      rows.flatMap((r, i) => {
        const next = rows[i + 1];
        return next &&
          next.seats[0]!.carriage === r.seats[0]!.carriage &&
          next.seats[0]!.row === r.seats[0]!.row + 1 &&
          r.seats.length + next.seats.length >= n
          ? [{ seats: [...r.seats, ...next.seats] }]
          : [];
      }),
    // one carriage
    () => groupBy(free, (s) => s.carriage).filter((c) => c.seats.length >= n),
    // anywhere
    () => [{ seats: free }],
  ];
  for (const level of levels) {
    let groups = level();
    if (groups.length === 0) continue;
    if (preference) {
      const liked = groups.filter((g) => g.seats.some((s) => s.kind === preference));
      if (liked.length > 0) groups = liked;
    }
    const g = groups[Math.floor(random() * groups.length)]!;
    return pickInGroup(g.seats, n, preference, random);
  }
  return undefined;
}

/** n seats of a group: contiguous in its order, including a preferred one when there is one. */
function pickInGroup(seats: Seat[], n: number, preference: SeatPreference | undefined, random: () => number): Seat[] {
  const windows: Seat[][] = [];
  for (let i = 0; i + n <= seats.length; i++) windows.push(seats.slice(i, i + n));
  const liked = preference ? windows.filter((w) => w.some((s) => s.kind === preference)) : [];
  const pool = liked.length > 0 ? liked : windows;
  return pool[Math.floor(random() * pool.length)]!;
}

function groupBy(seats: readonly Seat[], key: (s: Seat) => string): Group[] {
  const map = new Map<string, Seat[]>();
  for (const s of seats) {
    const k = key(s);
    const list = map.get(k);
    if (list) list.push(s);
    else map.set(k, [s]);
  }
  return [...map.values()].map((list) => ({ seats: list }));
}
