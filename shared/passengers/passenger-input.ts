// A passenger as the functions take it (createOrder's `passengers[i]`, the passengers function's
// add/update), checked with the page's own rules (miniprogram/utils/passenger-rules.ts). Every
// refusal names the field ("passengers[1].name"); the number itself is never in a message.
import type { IdType, TicketType } from "../contracts/api";
import { invalidField } from "../errors";
import type { Obj } from "../validate";
import {
  checkIdNo,
  checkName,
  ID_TYPES,
  idNoMessage,
  NAME_MESSAGES,
  normalizeIdNo,
  normalizeName,
  TICKET_TYPES,
} from "../../miniprogram/utils/passenger-rules";

export interface CheckedPassenger {
  name: string;
  idType: IdType;
  /** Normalised (no spaces, upper-case). */
  idCardNo: string;
  ticketType: TicketType;
}

const at = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);

function choice<T extends string>(o: Obj, prefix: string, key: string, values: readonly T[], fallback: T | undefined): T {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
    throw invalidField(at(prefix, key), `参数 ${at(prefix, key)} 必须是 ${values.join(" / ")} 之一`);
  }
  return v as T;
}

/** The document type, or the fallback when absent (createOrder: ID_CARD). */
export function idTypeOf(o: Obj, prefix: string, fallback?: IdType): IdType {
  return choice(o, prefix, "idType", ID_TYPES, fallback);
}
export function ticketTypeOf(o: Obj, prefix: string, fallback?: TicketType): TicketType {
  return choice(o, prefix, "ticketType", TICKET_TYPES, fallback);
}

export function nameOf(o: Obj, prefix: string, idType: IdType): string {
  const field = at(prefix, "name");
  const raw = o.name;
  if (typeof raw !== "string") throw invalidField(field, `参数 ${field} 必须是字符串`);
  if (raw.length > 200) throw invalidField(field, NAME_MESSAGES.TOO_LONG);
  const problem = checkName(raw, idType);
  if (problem) throw invalidField(field, NAME_MESSAGES[problem]);
  return normalizeName(raw);
}

export function idNoOf(o: Obj, prefix: string, idType: IdType, today: Date): string {
  const field = at(prefix, "idCardNo");
  const raw = o.idCardNo;
  if (typeof raw !== "string") throw invalidField(field, `参数 ${field} 必须是字符串`);
  if (raw.length > 64) throw invalidField(field, idNoMessage(idType, "FORMAT"));
  const problem = checkIdNo(idType, raw, today);
  if (problem) throw invalidField(field, idNoMessage(idType, problem));
  return normalizeIdNo(raw);
}

/** A whole passenger; `prefix` is its path in the request ("passengers[1]", or "" at top level). */
export function checkedPassenger(
  o: Obj,
  prefix: string,
  today: Date,
  defaults: { idType?: IdType; ticketType?: TicketType } = {},
): CheckedPassenger {
  const idType = idTypeOf(o, prefix, defaults.idType);
  const ticketType = ticketTypeOf(o, prefix, defaults.ticketType);
  return { name: nameOf(o, prefix, idType), idType, idCardNo: idNoOf(o, prefix, idType, today), ticketType };
}

/** What identifies a person's document: the type and the normalised number (hashed, compared). */
export const documentKey = (idType: IdType, idCardNo: string): string => `${idType}|${normalizeIdNo(idCardNo)}`;
