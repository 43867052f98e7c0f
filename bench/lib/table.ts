// Fixed-width text tables for bench output: a header row, a rule, then rows; numbers right-aligned.

export type Cell = string | number;

/** Integers print as they are, other numbers with `digits` decimals, strings unchanged. */
const show = (c: Cell, digits: number): string =>
  typeof c === "number" ? (Number.isInteger(c) ? String(c) : Number.isFinite(c) ? c.toFixed(digits) : "n/a") : c;

/** Prints `rows` under `header`; number columns use `digits` decimals (default 1). */
export function printTable(header: readonly string[], rows: readonly (readonly Cell[])[], digits = 1): void {
  const text = rows.map((r) => r.map((c) => show(c, digits)));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? "").length)));
  // The first column is a label (left-aligned); the rest are figures or verdicts (right-aligned).
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of text) console.log(line(r));
}
