// Time display. Train dates and times are China time (UTC+8) whatever the phone's zone is.

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Remaining milliseconds → "14:05" (mm:ss), "1:02:03" past an hour; "00:00" when over. */
export function formatCountdown(remainingMs: number): string {
  const total = Math.max(0, Math.ceil(remainingMs / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s)}` : `${pad2(m)}:${pad2(s)}`;
}

/** 268 → "4小时28分", 45 → "45分". */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}分`;
  return m === 0 ? `${h}小时` : `${h}小时${m}分`;
}

/** Epoch ms → "2026-11-27 14:05" in China time. */
export function formatDateTime(epochMs: number): string {
  const d = new Date(epochMs + CHINA_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` + `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`
  );
}

/** The China-time calendar date `daysAhead` days from `now`, as YYYY-MM-DD. */
export function chinaDate(now: number, daysAhead = 0): string {
  const d = new Date(now + CHINA_OFFSET_MS + daysAhead * 86_400_000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}
