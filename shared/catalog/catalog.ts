// Turns the timetable into one train document per train and date (China time), for the days ahead.
import type { SeatClassCode, TrainSchedule, TrainView } from "../contracts/api";
import { ROUTES, SEAT_CLASS_NAMES, SEAT_CLASS_ORDER, type Route } from "./routes";

const CHINA_OFFSET_MS = 8 * 3600_000;

export interface SeatStock {
  name: string;
  price: number;
  total: number;
  remaining: number;
}
/** A held seat: taken by one ticket until its order closes or the ticket is refunded. */
export interface SeatHold {
  orderId: string;
  ticketId: string;
  seatClass: SeatClassCode;
  /** The key under `riders` this hold also took (one live ticket per ID number per train). */
  rider: string;
  at: number;
}
export interface TrainDoc extends TrainSchedule {
  _id: string;
  durationMinutes: number;
  /** Departure as epoch ms, so "already departed" is one comparison. */
  departAt: number;
  seats: Record<SeatClassCode, SeatStock>;
  /** Seat key ("05-12F", see seat-layout.ts) → its hold. Holding and releasing are single-document
   *  conditional updates keyed by seat, so a seat is never held twice. */
  seatMap: Record<string, SeatHold>;
  /** Rider key (a hash of the ID number) → the ticket that holds a seat for that passenger. */
  riders: Record<string, string>;
  /** When the sweeper last compared these holds with their orders. */
  holdsCheckedAt: number;
}

/** YYYY-MM-DD of an instant in China time. */
export function chinaDate(at: number): string {
  return new Date(at + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Epoch ms of a China-time date and HH:mm. */
export function chinaInstant(date: string, hhmm: string): number {
  return Date.parse(`${date}T${hhmm}:00+08:00`);
}

/** Departure of a train as an order records it (date and HH:mm, China time). */
export const departAtOf = (t: Pick<TrainSchedule, "date" | "departTime">): number => chinaInstant(t.date, t.departTime);

const addMinutes = (hhmm: string, minutes: number): string => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  const t = (h * 60 + m + minutes) % (24 * 60);
  return `${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
};

export const trainIdOf = (trainNo: string, date: string): string => `${trainNo}-${date}`;

export function trainDoc(route: Route, date: string): TrainDoc {
  const seats = {} as Record<SeatClassCode, SeatStock>;
  for (const code of SEAT_CLASS_ORDER) {
    const s = route.seats[code];
    seats[code] = { name: SEAT_CLASS_NAMES[code], price: s.price, total: s.total, remaining: s.total };
  }
  return {
    _id: trainIdOf(route.trainNo, date),
    trainNo: route.trainNo,
    from: route.from,
    to: route.to,
    date,
    departTime: route.departTime,
    arriveTime: addMinutes(route.departTime, route.durationMinutes),
    durationMinutes: route.durationMinutes,
    departAt: chinaInstant(date, route.departTime),
    seats,
    seatMap: {},
    riders: {},
    holdsCheckedAt: 0,
  };
}

/** Every train for `days` days starting today (China time). */
export function catalogFor(now: number, days: number): TrainDoc[] {
  const out: TrainDoc[] = [];
  for (let d = 0; d < days; d++) {
    const date = chinaDate(now + d * 86400_000);
    for (const r of ROUTES) out.push(trainDoc(r, date));
  }
  return out;
}

export function toTrainView(t: TrainDoc): TrainView {
  return {
    trainId: t._id,
    trainNo: t.trainNo,
    from: t.from,
    to: t.to,
    date: t.date,
    departTime: t.departTime,
    arriveTime: t.arriveTime,
    durationMinutes: t.durationMinutes,
    seats: SEAT_CLASS_ORDER.map((code) => ({
      code,
      name: t.seats[code].name,
      price: t.seats[code].price,
      remaining: t.seats[code].remaining,
    })),
  };
}
