// passengers (常用乘车人): { action: "list" | "add" | "update" | "delete", passengerId?, name?, idType?, idCardNo?, ticketType? }.
import type { PassengersResults } from "../../shared/contracts/api";
import { passengerKeys } from "../../shared/passengers/data-key";
import { checkedPassenger, idNoOf, idTypeOf, nameOf, ticketTypeOf } from "../../shared/passengers/passenger-input";
import { callable } from "../../shared/runtime/handler";
import { storeDeps } from "../../shared/runtime/store";
import { addSaved, deleteSaved, listSaved, MAX_SAVED_PASSENGERS, updateSaved } from "../../shared/services/saved-passengers";
import { oneOf, PASSENGER_ID, str } from "../../shared/validate";

const ACTIONS = ["list", "add", "update", "delete"] as const;

export const main = callable("passengers", async (event, caller): Promise<PassengersResults[keyof PassengersResults]> => {
  const action = oneOf(event, "action", ACTIONS);
  const deps = { ...storeDeps(), passengerKeys: () => passengerKeys() };
  const today = new Date(deps.now());
  if (action === "list") return { passengers: await listSaved(deps, caller), max: MAX_SAVED_PASSENGERS };
  if (action === "add") return addSaved(deps, caller, checkedPassenger(event, "", today));
  const passengerId = str(event, "passengerId", { max: 24, pattern: PASSENGER_ID });
  if (action === "delete") return deleteSaved(deps, caller, passengerId);
  // update: the number only when given (the page never has it); another document type needs one.
  const idType = idTypeOf(event, "");
  return updateSaved(deps, caller, passengerId, {
    name: nameOf(event, "", idType),
    idType,
    ticketType: ticketTypeOf(event, ""),
    ...(event.idCardNo !== undefined && event.idCardNo !== "" ? { idCardNo: idNoOf(event, "", idType, today) } : {}),
  });
});
