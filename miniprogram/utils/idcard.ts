// Resident ID number check (GB 11643-1999): 17 digits, a valid birth date, and the ISO 7064 MOD 11-2
// check character. Checked on the client so a typo is caught before anything is sent.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = "10X98765432";

export type IdCardProblem = "EMPTY" | "FORMAT" | "BIRTH_DATE" | "CHECK_DIGIT";

/** The check character for the first 17 digits. */
export function idCardCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * WEIGHTS[i];
  return CHECK_CHARS.charAt(sum % 11);
}

function validBirthDate(yyyymmdd: string, today: Date): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return date.getTime() <= today.getTime();
}

/** null when valid, else what is wrong. Lower-case x is accepted as X. */
export function checkIdCard(raw: string, today: Date = new Date()): IdCardProblem | null {
  const id = raw.trim().toUpperCase();
  if (id === "") return "EMPTY";
  if (!/^\d{17}[\dX]$/.test(id)) return "FORMAT";
  if (!validBirthDate(id.slice(6, 14), today)) return "BIRTH_DATE";
  if (idCardCheckChar(id) !== id.charAt(17)) return "CHECK_DIGIT";
  return null;
}

export const ID_CARD_MESSAGES: Record<IdCardProblem, string> = {
  EMPTY: "请填写身份证号",
  FORMAT: "身份证号应为18位",
  BIRTH_DATE: "身份证号中的出生日期无效",
  CHECK_DIGIT: "身份证号校验位不正确，请核对",
};

/** Normalised form sent to the server (trimmed, X upper-case). */
export function normalizeIdCard(raw: string): string {
  return raw.trim().toUpperCase();
}
