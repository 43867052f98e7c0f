// The one rule for a passenger's name, ID document and ticket type, used by the booking page and by
// the functions (both load this file: it is pure, ES2020, no platform API), so a name the page
// accepts is a name the server accepts. Rules and sources: docs/tickets.md (乘车人).
import type { IdType, TicketType } from "../../shared/contracts/api";
import { checkIdCard, ID_CARD_MESSAGES } from "./idcard";

export type { IdType, TicketType };

export const ID_TYPES: readonly IdType[] = ["ID_CARD", "PASSPORT", "HK_MACAO_PERMIT", "TAIWAN_PERMIT"];
export const TICKET_TYPES: readonly TicketType[] = ["ADULT", "CHILD", "STUDENT"];

export const ID_TYPE_NAMES: Record<IdType, string> = {
  ID_CARD: "居民身份证",
  PASSPORT: "护照",
  HK_MACAO_PERMIT: "港澳居民来往内地通行证",
  TAIWAN_PERMIT: "台湾居民来往大陆通行证",
};
export const TICKET_TYPE_NAMES: Record<TicketType, string> = { ADULT: "成人", CHILD: "儿童", STUDENT: "学生" };

/** Longest name, in characters (code points): 12306 caps names at 30. */
export const MAX_NAME_CHARS = 30;

/** The middle dot of minority and transliterated names (阿依古丽·买买提); look-alikes typed by IMEs
 *  (• U+2022, ・ U+30FB, ‧ U+2027, ･ U+FF65, ． U+FF0E) are read as it. */
const MIDDLE_DOT = "\u00b7";
const DOT_LOOKALIKES = /[\u2022\u30fb\u2027\uff65\uff0e]/g;

/** CJK unified ideographs: the basic block, Ext-A, the compatibility blocks and Ext-B…I (planes 2
 *  and 3, e.g. 𠮷 U+20BB7). Checked by code point, not a \p{} regex (older mini-program engines). */
const HAN_RANGES: readonly [number, number][] = [
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
  [0x20000, 0x2ebef],
  [0x2f800, 0x2fa1f],
  [0x30000, 0x323af],
];
const isHan = (cp: number): boolean => HAN_RANGES.some(([a, b]) => cp >= a && cp <= b);

export type NameProblem = "EMPTY" | "TOO_SHORT" | "TOO_LONG" | "CHARACTERS" | "DOT" | "LATIN_NOT_ALLOWED";

export const NAME_MESSAGES: Record<NameProblem, string> = {
  EMPTY: "请填写乘车人姓名",
  TOO_SHORT: "姓名至少 2 个字",
  TOO_LONG: `姓名不能超过 ${MAX_NAME_CHARS} 个字`,
  CHARACTERS: "姓名只能包含汉字、“·”，持护照的可填英文字母",
  DOT: "“·”只能出现在两个字之间",
  LATIN_NOT_ALLOWED: "该证件的姓名请填写汉字（英文姓名请选择护照）",
};

/** Trimmed, inner whitespace runs made one space, dot look-alikes made "·". */
export function normalizeName(raw: string): string {
  return raw.trim().replace(/\s+/g, " ").replace(DOT_LOOKALIKES, MIDDLE_DOT);
}

/** null when `raw` (normalised first) is a valid name for that ID document, else what is wrong.
 *  Chinese names: Han characters with single "·" between them. Latin names (passport only): letters
 *  with single spaces, "." "'" "-" between letters (e.g. "O'NEIL MARY-ANN"). */
export function checkName(raw: string, idType: IdType): NameProblem | null {
  const name = normalizeName(raw);
  if (name === "") return "EMPTY";
  const chars = Array.from(name); // code points: 𠮷 is one character
  if (chars.length > MAX_NAME_CHARS) return "TOO_LONG";
  if (chars.length < 2) return "TOO_SHORT";
  const han = chars.every((c) => c === MIDDLE_DOT || isHan(c.codePointAt(0) ?? 0));
  if (han) {
    if (chars[0] === MIDDLE_DOT || chars[chars.length - 1] === MIDDLE_DOT || name.indexOf(MIDDLE_DOT + MIDDLE_DOT) >= 0) return "DOT";
    return null;
  }
  if (!/^[A-Za-z]+(?:[ .'-][A-Za-z]+)*\.?$/.test(name)) return "CHARACTERS";
  return idType === "PASSPORT" ? null : "LATIN_NOT_ALLOWED";
}

export type IdNoProblem = "EMPTY" | "FORMAT" | "BIRTH_DATE" | "CHECK_DIGIT";

const FORMAT_MESSAGES: Record<Exclude<IdType, "ID_CARD">, string> = {
  PASSPORT: "护照号码应为 5–17 位字母或数字",
  HK_MACAO_PERMIT: "港澳通行证号码应为 H 或 M 加 8 位或 10 位数字",
  TAIWAN_PERMIT: "台湾通行证号码应为 8 位数字",
};

/** What the user is told about an ID number problem. */
export function idNoMessage(idType: IdType, problem: IdNoProblem): string {
  if (problem === "EMPTY") return `请填写${ID_TYPE_NAMES[idType]}号码`;
  if (idType === "ID_CARD") return ID_CARD_MESSAGES[problem];
  return FORMAT_MESSAGES[idType];
}

/** Upper-case, without spaces (what is stored, hashed and compared). */
export function normalizeIdNo(raw: string): string {
  return raw.replace(/\s+/g, "").toUpperCase();
}

const FORMATS: Record<Exclude<IdType, "ID_CARD">, RegExp> = {
  // Passport numbers vary by issuing state: letters and digits, 5 to 17 of them (12306 takes the
  // number as printed; ours is a sanity check, not a per-country rule).
  PASSPORT: /^[A-Z0-9]{5,17}$/,
  // 回乡证: H (Hong Kong) or M (Macao), then the 8-digit life-long number, and on the pre-2013
  // booklet-era cards 2 more digits counting renewals (11 characters in all).
  HK_MACAO_PERMIT: /^[HM](\d{8}|\d{10})$/,
  // 台胞证 (card since 2015): 8 digits.
  TAIWAN_PERMIT: /^\d{8}$/,
};

/** null when `raw` (normalised first) is a valid number of that document, else what is wrong. */
export function checkIdNo(idType: IdType, raw: string, today: Date = new Date()): IdNoProblem | null {
  const id = normalizeIdNo(raw);
  if (id === "") return "EMPTY";
  if (idType === "ID_CARD") return checkIdCard(id, today);
  return FORMATS[idType].test(id) ? null : "FORMAT";
}

/** "110105199003071234" → "110***********1234"; short numbers keep their first and last 2. */
export function maskIdNo(id: string): string {
  if (id.length >= 10) return id.slice(0, 3) + "*".repeat(id.length - 7) + id.slice(-4);
  return id.slice(0, 2) + "*".repeat(Math.max(1, id.length - 4)) + id.slice(-2);
}
