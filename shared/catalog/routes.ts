// The timetable the catalog is generated from: real high-speed lines, stations and train numbers,
// with fares close to the published ones (fen). Times are China time (UTC+8).
import type { SeatClassCode } from "../contracts/api";

export interface Route {
  trainNo: string;
  from: string;
  to: string;
  departTime: string; // HH:mm
  durationMinutes: number;
  /** Fare per seat class in fen, and how many seats the class has. */
  seats: Record<SeatClassCode, { price: number; total: number }>;
}

export const SEAT_CLASS_NAMES: Record<SeatClassCode, string> = {
  business: "商务座",
  first: "一等座",
  second: "二等座",
};
export const SEAT_CLASS_ORDER: readonly SeatClassCode[] = ["business", "first", "second"];

const fares = (business: number, first: number, second: number, sizes = { business: 10, first: 56, second: 300 }) => ({
  business: { price: business, total: sizes.business },
  first: { price: first, total: sizes.first },
  second: { price: second, total: sizes.second },
});

export const ROUTES: readonly Route[] = [
  { trainNo: "G1", from: "北京南", to: "上海虹桥", departTime: "07:00", durationMinutes: 268, seats: fares(174800, 93300, 55300) },
  { trainNo: "G3", from: "北京南", to: "上海虹桥", departTime: "08:00", durationMinutes: 278, seats: fares(174800, 93300, 55300) },
  {
    trainNo: "G5",
    from: "北京南",
    to: "上海虹桥",
    departTime: "09:00",
    durationMinutes: 282,
    seats: fares(174800, 93300, 55300, { business: 6, first: 28, second: 120 }),
  },
  { trainNo: "G2", from: "上海虹桥", to: "北京南", departTime: "07:00", durationMinutes: 268, seats: fares(174800, 93300, 55300) },
  { trainNo: "G4", from: "上海虹桥", to: "北京南", departTime: "08:00", durationMinutes: 280, seats: fares(174800, 93300, 55300) },
  { trainNo: "G79", from: "北京西", to: "广州南", departTime: "10:00", durationMinutes: 479, seats: fares(272400, 138000, 86250) },
  { trainNo: "G80", from: "广州南", to: "北京西", departTime: "10:00", durationMinutes: 484, seats: fares(272400, 138000, 86250) },
  { trainNo: "G6001", from: "广州南", to: "深圳北", departTime: "07:15", durationMinutes: 29, seats: fares(23100, 11950, 7450) },
  { trainNo: "G6002", from: "深圳北", to: "广州南", departTime: "08:05", durationMinutes: 30, seats: fares(23100, 11950, 7450) },
  { trainNo: "G7301", from: "上海虹桥", to: "杭州东", departTime: "07:38", durationMinutes: 59, seats: fares(21900, 11700, 7300) },
  { trainNo: "G7302", from: "杭州东", to: "上海虹桥", departTime: "09:12", durationMinutes: 58, seats: fares(21900, 11700, 7300) },
  { trainNo: "G7001", from: "上海虹桥", to: "南京南", departTime: "06:50", durationMinutes: 88, seats: fares(40800, 21900, 13450) },
  {
    trainNo: "G8501",
    from: "成都东",
    to: "重庆北",
    departTime: "08:00",
    durationMinutes: 102,
    seats: fares(46500, 24650, 15400, { business: 8, first: 28, second: 200 }),
  },
  {
    trainNo: "G8502",
    from: "重庆北",
    to: "成都东",
    departTime: "09:30",
    durationMinutes: 100,
    seats: fares(46500, 24650, 15400, { business: 8, first: 28, second: 200 }),
  },
  { trainNo: "G1911", from: "杭州东", to: "南京南", departTime: "12:20", durationMinutes: 74, seats: fares(31600, 17500, 11700) },
];
