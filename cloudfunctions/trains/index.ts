// trains: { from?, to?, date? } → { trains }.
import { callable } from "../../shared/runtime/handler";
import { storeDeps } from "../../shared/runtime/store";
import { searchTrains } from "../../shared/services/train-search";
import { optStr } from "../../shared/validate";

const STATION = { max: 20, pattern: /^[\u4e00-\u9fa5A-Za-z]+$/ };

export const main = callable("trains", (event) =>
  searchTrains(storeDeps(), {
    from: optStr(event, "from", STATION),
    to: optStr(event, "to", STATION),
    date: optStr(event, "date", { max: 10, pattern: /^\d{4}-\d{2}-\d{2}$/ }),
  }),
);
