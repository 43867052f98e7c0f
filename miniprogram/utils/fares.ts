// What each ticket type pays, in integer fen, from the seat class's full fare (docs/tickets.md, 票种与票价).
// The server prices every ticket with this; the page uses it for its estimate only.
import type { SeatClassCode, TicketType } from "../../shared/contracts/api";

/** Share of the full fare, as a fraction (num / den). */
const SHARE: Record<TicketType, [num: number, den: number]> = {
  ADULT: [1, 1],
  // 儿童优惠票: half the fare.
  CHILD: [1, 2],
  // 学生优惠票 on 动车组: 75 % of the fare.
  STUDENT: [3, 4],
};

/** 学生优惠票 is sold for 二等座 and 一等座 of 动车组 trains, not 商务座. */
export function ticketTypeAllowed(type: TicketType, seatClass: SeatClassCode): boolean {
  return type !== "STUDENT" || seatClass !== "business";
}

/** The price of one ticket: the fare's share, rounded to the nearest 0.5 yuan (50 fen), halves up
 *  (fares are quoted in 0.5 yuan: 553 → 儿童 276.5, 学生 414.75 → 415). Integer arithmetic only. */
export function ticketPrice(fare: number, type: TicketType): number {
  const [num, den] = SHARE[type];
  if (num === den) return fare;
  // round(fare * num / den / 50) * 50, halves up: floor((2 * fare * num + 50 * den) / (100 * den)).
  return Math.floor((2 * fare * num + 50 * den) / (100 * den)) * 50;
}

/** 儿童优惠票 is for children under 14 on the day of travel: false when a 居民身份证's birth date
 *  (digits 7–14) shows the passenger is 14 or older on `travelDate` ("YYYY-MM-DD"). Other
 *  documents carry no birth date here and are taken as declared. */
export function childTicketAge(idCardNo: string, travelDate: string): boolean {
  const birth = idCardNo.slice(6, 14);
  const fourteenth = `${Number(birth.slice(0, 4)) + 14}${birth.slice(4)}`;
  return travelDate.replace(/-/g, "") < fourteenth;
}
