// WeChat Pay speaks China Standard Time (UTC+8, no daylight saving) in every timestamp it writes.
const CST_OFFSET_MS = 8 * 3600_000;

function cstIso(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString(); // the "Z" is wrong here; callers cut it off
}

/** `2026-11-27T20:15:00+08:00` */
export function rfc3339Cst(ms: number): string {
  return cstIso(ms).slice(0, 19) + "+08:00";
}

/** `2026-11-27` (the bill date of that moment) */
export function cstDate(ms: number): string {
  return cstIso(ms).slice(0, 10);
}

/** `2026-11-27 20:15:00` (bill rows) */
export function cstBillTime(ms: number): string {
  return cstIso(ms).slice(0, 19).replace("T", " ");
}

/** `20261127201500` (inside generated ids) */
export function cstCompact(ms: number): string {
  return cstIso(ms).slice(0, 19).replace(/[-T:]/g, "");
}

const RFC3339_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;

/** Parses `yyyy-MM-DDTHH:mm:ss+HH:MM` (WeChat's time_expire format) to epoch ms, or null. */
export function parseRfc3339WithOffset(text: string): number | null {
  const m = RFC3339_WITH_OFFSET.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s, sign, oh, om] = m.slice(1) as [string, string, string, string, string, string, string, string, string];
  const utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const check = new Date(utc);
  // Rejects 2026-02-30 and friends, which Date.UTC would roll over silently.
  if (check.getUTCFullYear() !== +y || check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59)
    return null;
  if (+oh > 14 || +om > 59) return null;
  const offset = (sign === "+" ? 1 : -1) * (+oh * 60 + +om) * 60_000;
  return utc - offset;
}

/** Start and end (exclusive) epoch ms of a China calendar day `YYYY-MM-DD`, or null. */
export function cstDayRange(date: string): { start: number; end: number } | null {
  const start = parseRfc3339WithOffset(`${date}T00:00:00+08:00`);
  return start === null ? null : { start, end: start + 86_400_000 };
}
