// Money is integer fen (1 yuan = 100 fen) everywhere; yuan strings exist only at the display edge.

export type MoneyErrorCode = "NOT_INTEGER" | "NOT_POSITIVE" | "NOT_SAFE" | "BAD_YUAN_STRING";

/** Thrown only by assertFen: an amount that is not integer fen is a programming error upstream. */
export class MoneyError extends Error {
  constructor(
    readonly code: MoneyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "MoneyError";
  }
}

/** Why `value` is not a valid amount in fen (integer, > 0, safe), or undefined when it is. */
export function fenProblem(value: unknown): MoneyErrorCode | undefined {
  if (typeof value !== "number" || !Number.isFinite(value) || !Number.isInteger(value)) return "NOT_INTEGER";
  if (value <= 0) return "NOT_POSITIVE";
  if (!Number.isSafeInteger(value)) return "NOT_SAFE";
  return undefined;
}

export function isFen(value: unknown): value is number {
  return fenProblem(value) === undefined;
}

/** Returns `value` as fen when it is integer > 0 and safe; throws MoneyError (code tells why) otherwise. */
export function assertFen(value: unknown, what = "amount"): number {
  const problem = fenProblem(value);
  if (problem) throw new MoneyError(problem, `${what} must be an integer number of fen > 0 (${problem})`);
  return value as number;
}

/** 1250 → "12.50"; 5 → "0.05"; -5 → "-0.05". Integer fen only (display edge). */
export function fenToYuanString(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new MoneyError("NOT_INTEGER", "fenToYuanString needs an integer number of fen");
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${yuan}.${cents < 10 ? "0" : ""}${cents}`;
}

const YUAN_PATTERN = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/**
 * Parses a yuan string typed or shown at the edge ("12", "12.5", "12.50") into fen without floating
 * point. Returns undefined for anything else (negative, more than 2 decimals, exponent, spaces).
 */
export function yuanToFen(text: string): number | undefined {
  const m = YUAN_PATTERN.exec(text);
  if (!m) return undefined;
  const yuan = Number(m[1]);
  const cents = Number((m[2] ?? "").padEnd(2, "0"));
  const fen = yuan * 100 + cents;
  return Number.isSafeInteger(fen) ? fen : undefined;
}
