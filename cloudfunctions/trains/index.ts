// trains: { from?, to?, date? } → { trains, serverNow }; { action: "stations" } → { stations, serverNow }.
import { stationsAnswer } from "../../shared/catalog/stations";
import { AppError } from "../../shared/errors";
import { callable } from "../../shared/runtime/handler";
import { storeDeps } from "../../shared/runtime/store";
import { searchTrains } from "../../shared/services/train-search";
import { optStr } from "../../shared/validate";

const STATION = { max: 20, pattern: /^[\u4e00-\u9fa5A-Za-z]+$/ };

export const main = callable("trains", async (event) => {
  const action = event.action;
  if (action === "stations") return stationsAnswer(Date.now());
  // Absent (or null / "", as other optional fields) means a search, as before actions existed.
  if (action !== undefined && action !== null && action !== "")
    throw new AppError("INVALID_ARGUMENT", "参数 action 必须是 stations 或不填");
  return searchTrains(storeDeps(), {
    from: optStr(event, "from", STATION),
    to: optStr(event, "to", STATION),
    date: optStr(event, "date", { max: 10, pattern: /^\d{4}-\d{2}-\d{2}$/ }),
  });
});
