// WeChat Pay trade bill files: SHA1 check, then the format — a header line, rows of back-quoted
// fields, a summary header line and one summary row.
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { TradeBill } from "./types";

export type BillResult = { ok: true; bill: TradeBill } | { ok: false; reason: string };

/** Verifies SHA1 of the (un-gzipped) file bytes against hash_value, then parses. */
export function readTradeBill(bytes: Buffer, hashType: string, hashValue: string): BillResult {
  if (hashType.toUpperCase() !== "SHA1") return { ok: false, reason: `unsupported hash_type ${hashType}` };
  let plain = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      plain = gunzipSync(bytes);
    } catch {
      return { ok: false, reason: "gzip bill does not decompress" };
    }
  }
  const digest = createHash("sha1").update(plain).digest("hex");
  if (digest !== hashValue.toLowerCase()) return { ok: false, reason: "bill SHA1 does not match hash_value" };
  return parseTradeBill(plain.toString("utf8"));
}

const cell = (s: string) => (s.startsWith("`") ? s.slice(1) : s).trim();

export function parseTradeBill(text: string): BillResult {
  const clean = text.replace(/^\uFEFF/, "");
  const lines = clean.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) return { ok: true, bill: { text: clean, rows: [], summary: {} } };
  const header = lines[0]!.split(",").map(cell);
  // The summary header is the first line after the header that is not a back-quoted data row.
  const summaryAt = lines.findIndex((l, i) => i > 0 && !l.startsWith("`"));
  if (summaryAt < 0 || summaryAt + 1 >= lines.length) return { ok: false, reason: "bill has no summary block" };
  const rows = lines.slice(1, summaryAt).map((line) => zip(header, line.split(",`")));
  const summaryHeader = lines[summaryAt]!.split(",").map(cell);
  const summary = zip(summaryHeader, lines[summaryAt + 1]!.split(",`"));
  for (const row of rows)
    if (Object.keys(row).length !== header.length) return { ok: false, reason: "bill row has the wrong number of fields" };
  return { ok: true, bill: { text: clean, rows, summary } };
}

function zip(names: string[], values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    if (i < values.length) out[name] = cell(values[i]!);
  });
  return out;
}

/** Builds a bill file in WeChat's format (mock gateway, tests). Values are written back-quoted. */
export function formatTradeBill(header: string[], rows: string[][], summaryHeader: string[], summary: string[]): string {
  const quote = (vals: string[]) => vals.map((v) => "`" + v).join(",");
  return [header.join(","), ...rows.map(quote), summaryHeader.join(","), quote(summary)].join("\r\n") + "\r\n";
}
