// The seats of a train, derived from its seat counts: carriages numbered from the front (商务座, then
// 一等座, then 二等座), rows from 1, letters as on CRH/CR trains — 商务座 A C | F, 一等座 A C | D F,
// 二等座 A B C | D F. A and F are windows, C and D aisles, B the middle. Deterministic: the same
// counts always give the same seats, so the layout is never stored.
import type { SeatClassCode, SeatPreference } from "../contracts/api";
import { SEAT_CLASS_ORDER } from "./routes";

export type SeatKind = SeatPreference | "middle";

export interface Seat {
  /** "05-12F": carriage and seat, unique in a train; the key of its hold. */
  key: string;
  seatClass: SeatClassCode;
  /** "05" */
  carriage: string;
  row: number;
  letter: string;
  /** "12F" */
  seatNo: string;
  kind: SeatKind;
  /** 0 left of the aisle, 1 right. */
  side: 0 | 1;
}

interface ClassLayout {
  letters: readonly { letter: string; kind: SeatKind; side: 0 | 1 }[];
  rowsPerCarriage: number;
}

const LAYOUTS: Record<SeatClassCode, ClassLayout> = {
  business: {
    letters: [
      { letter: "A", kind: "window", side: 0 },
      { letter: "C", kind: "aisle", side: 0 },
      { letter: "F", kind: "window", side: 1 },
    ],
    rowsPerCarriage: 8,
  },
  first: {
    letters: [
      { letter: "A", kind: "window", side: 0 },
      { letter: "C", kind: "aisle", side: 0 },
      { letter: "D", kind: "aisle", side: 1 },
      { letter: "F", kind: "window", side: 1 },
    ],
    rowsPerCarriage: 14,
  },
  second: {
    letters: [
      { letter: "A", kind: "window", side: 0 },
      { letter: "B", kind: "middle", side: 0 },
      { letter: "C", kind: "aisle", side: 0 },
      { letter: "D", kind: "aisle", side: 1 },
      { letter: "F", kind: "window", side: 1 },
    ],
    rowsPerCarriage: 18,
  },
};

const pad2 = (n: number): string => String(n).padStart(2, "0");

const cache = new Map<string, Record<SeatClassCode, Seat[]>>();

/** Every seat of a train with these seat counts, by class, front to back. */
export function seatLayout(totals: Record<SeatClassCode, { total: number }>): Record<SeatClassCode, Seat[]> {
  const id = SEAT_CLASS_ORDER.map((c) => totals[c].total).join("/");
  const hit = cache.get(id);
  if (hit) return hit;
  const out = {} as Record<SeatClassCode, Seat[]>;
  let carriage = 0;
  for (const seatClass of SEAT_CLASS_ORDER) {
    const { letters, rowsPerCarriage } = LAYOUTS[seatClass];
    const seats: Seat[] = [];
    for (let i = 0; seats.length < totals[seatClass].total; i++) {
      const rowIndex = Math.floor(i / letters.length);
      if (rowIndex % rowsPerCarriage === 0 && i % letters.length === 0) carriage++;
      const row = (rowIndex % rowsPerCarriage) + 1;
      const l = letters[i % letters.length]!;
      const seatNo = `${row}${l.letter}`;
      seats.push({
        key: `${pad2(carriage)}-${seatNo}`,
        seatClass,
        carriage: pad2(carriage),
        row,
        letter: l.letter,
        seatNo,
        kind: l.kind,
        side: l.side,
      });
    }
    out[seatClass] = seats;
  }
  cache.set(id, out);
  return out;
}

/** "05-12F" → { carriage: "05", seatNo: "12F" } */
export function splitSeatKey(key: string): { carriage: string; seatNo: string } {
  const [carriage = "", seatNo = ""] = key.split("-");
  return { carriage, seatNo };
}
