// PASSENGER_DATA_KEY (and PASSENGER_DATA_KEY_PREVIOUS): what createOrder and passengers read at their
// first saved-passenger call. Checked with the functions' own parser; a finding names the variable only.
import { PASSENGER_KEY_VARIABLE, PassengerKeyError, passengerKeysFrom } from "../../shared/passengers/data-key";
import type { Values } from "../deploy/tcb-config";
import { error, ok, type Finding } from "./findings";

export function checkPassengerKey(values: Values): Finding[] {
  try {
    passengerKeysFrom(values);
    return [ok(PASSENGER_KEY_VARIABLE, "32 字节 base64，常用乘车人的证件号可以加密保存")];
  } catch (e) {
    if (!(e instanceof PassengerKeyError)) throw e;
    return [error(e.variable, `常用乘车人无法使用：${e.message}`, "openssl rand -base64 32 生成，写进 .env.local（见 docs/deploy.md）")];
  }
}
