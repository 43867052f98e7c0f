// The passengers of a booking, from createOrder's input: typed ones (`passengers`, checked here
// with the page's rules) and saved ones (`passengerIds`, the caller's own, opened server-side).
// Saved first, then typed; 1–5 in all; no document twice; each ticket type allowed for the seat
// class and the passenger. Every refusal names the field ("passengers[1].name", "passengerIds[0]").
import type { PassengerInput, SeatClassCode } from "../contracts/api";
import { invalidField } from "../errors";
import { resolveSaved, type SavedPassengerDeps } from "../services/saved-passengers";
import type { Caller } from "../runtime/identity";
import { arr, asObject, PASSENGER_ID, type Obj } from "../validate";
import { childTicketAge, ticketTypeAllowed } from "../../miniprogram/utils/fares";
import { checkedPassenger, documentKey, type CheckedPassenger } from "./passenger-input";

const MAX = 5;

/** The typed passengers and the saved ids, checked in shape (no database). */
export function parseOrderPassengers(event: Obj, today: Date): { typed: CheckedPassenger[]; ids: string[] } {
  const typedRaw = event.passengers === undefined && event.passengerIds !== undefined ? [] : arr(event, "passengers", 0, MAX);
  const idsRaw = event.passengerIds === undefined ? [] : arr(event, "passengerIds", 0, MAX);
  if (typedRaw.length + idsRaw.length < 1 || typedRaw.length + idsRaw.length > MAX) {
    throw invalidField("passengers", `乘车人数量必须在 1 到 ${MAX} 之间`);
  }
  const ids = idsRaw.map((v, i) => {
    if (typeof v !== "string" || !PASSENGER_ID.test(v)) throw invalidField(`passengerIds[${i}]`, `参数 passengerIds[${i}] 格式不正确`);
    return v;
  });
  const typed = typedRaw.map((p, i) =>
    checkedPassenger(asObject(p, `passengers[${i}]`), `passengers[${i}]`, today, { idType: "ID_CARD", ticketType: "ADULT" }),
  );
  return { typed, ids };
}

/** All of the booking's passengers, checked together against the train's date and seat class. */
export async function orderPassengers(
  deps: SavedPassengerDeps,
  caller: Caller,
  input: { typed: CheckedPassenger[]; ids: string[]; seatClass: SeatClassCode; travelDate: string },
): Promise<PassengerInput[]> {
  const saved = input.ids.length > 0 ? await resolveSaved(deps, caller, input.ids) : [];
  const all = [
    ...saved.map((p, i) => ({ p, field: (_: string) => `passengerIds[${i}]` })),
    ...input.typed.map((p, i) => ({ p, field: (k: string) => `passengers[${i}].${k}` })),
  ];
  const seen = new Set<string>();
  for (const { p, field } of all) {
    const key = documentKey(p.idType, p.idCardNo);
    if (seen.has(key)) throw invalidField(field("idCardNo"), "同一订单中乘客不能重复");
    seen.add(key);
    if (!ticketTypeAllowed(p.ticketType, input.seatClass)) throw invalidField(field("ticketType"), "学生票只能购买二等座或一等座");
    if (p.ticketType === "CHILD" && p.idType === "ID_CARD" && !childTicketAge(p.idCardNo, input.travelDate)) {
      throw invalidField(field("ticketType"), `${p.name} 乘车日已满 14 周岁，请购买成人票`);
    }
  }
  return all.map(({ p }) => p);
}
