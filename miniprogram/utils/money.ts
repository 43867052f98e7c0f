// Money is integer fen everywhere; yuan exists only at the display edge.

/** 1234 → "12.34". Negative amounts keep their sign. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(Math.round(fen));
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${yuan}.${cents < 10 ? "0" : ""}${cents}`;
}

/** 1234 → "¥12.34" */
export function formatPrice(fen: number): string {
  return `¥${formatYuan(fen)}`;
}

/**
 * Parses what a user typed as yuan ("12", "12.5", "12.34") into fen, exactly (no float arithmetic).
 * Returns null for anything else, including more than two decimals and zero.
 */
export function parseYuanToFen(text: string): number | null {
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const cents = (m[2] ?? "").padEnd(2, "0");
  const fen = Number(m[1]) * 100 + Number(cents);
  return fen > 0 ? fen : null;
}
