// The date strip on the results: days from "today" (the server's date, China time) with 今天 / 明天
// or 周X, and moving one day back or forward within it. Dates are YYYY-MM-DD strings.

const WEEKDAYS = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

export interface DateItem {
  date: string;
  /** "12-01" */
  dayText: string;
  /** 今天 / 明天 / 周X */
  label: string;
  /** What a screen reader says: "12月1日，今天，周二". */
  ariaLabel: string;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Noon UTC of the date, so adding days never crosses a daylight-saving edge. */
function parse(date: string): Date {
  return new Date(`${date}T12:00:00Z`);
}

function format(d: Date): string {
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

export function addDays(date: string, days: number): string {
  const d = parse(date);
  d.setUTCDate(d.getUTCDate() + days);
  return format(d);
}

export function weekdayOf(date: string): string {
  return WEEKDAYS[parse(date).getUTCDay()]!;
}

/** `days` dates from `today`, labelled. */
export function dateStrip(today: string, days: number): DateItem[] {
  const out: DateItem[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(today, i);
    const d = parse(date);
    const weekday = weekdayOf(date);
    const label = i === 0 ? "今天" : i === 1 ? "明天" : weekday;
    const spoken = `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
    out.push({
      date,
      dayText: `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`,
      label,
      ariaLabel: i < 2 ? `${spoken}，${label}，${weekday}` : `${spoken}，${weekday}`,
    });
  }
  return out;
}
