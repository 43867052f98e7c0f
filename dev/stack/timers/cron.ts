// CloudBase timer triggers: 7-field cron "second minute hour day month week year".
// Each field: *, ?, a number or name, a-b ranges, a list a,b,c, and /step on * or a range.
import { StackError } from "../errors";

interface Field {
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: Field[] = [
  { min: 0, max: 59 }, // second
  { min: 0, max: 59 }, // minute
  { min: 0, max: 23 }, // hour
  { min: 1, max: 31 }, // day of month
  { min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] }, // week
  { min: 1970, max: 2099 }, // year
];

export interface CronSchedule {
  source: string;
  /** Allowed values per field; null means any (`*` or `?`). */
  fields: (Set<number> | null)[];
}

function value(text: string, f: Field, expr: string): number {
  const upper = text.toUpperCase();
  const byName = f.names ? f.names.indexOf(upper) : -1;
  const n = byName >= 0 ? byName + (f.min === 1 ? 1 : 0) : Number(text);
  if (!Number.isInteger(n) || n < f.min || n > f.max) {
    throw new StackError("INVALID_PARAM", `cron "${expr}": ${text} is out of range ${f.min}-${f.max}`);
  }
  return n;
}

function parseField(text: string, f: Field, expr: string): Set<number> | null {
  if (text === "*" || text === "?") return null;
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || range === undefined || range === "") {
      throw new StackError("INVALID_PARAM", `cron "${expr}": bad part ${part}`);
    }
    let lo: number;
    let hi: number;
    if (range === "*") {
      lo = f.min;
      hi = f.max;
    } else if (range.includes("-")) {
      const [a, b] = range.split("-");
      lo = value(a ?? "", f, expr);
      hi = value(b ?? "", f, expr);
    } else {
      lo = value(range, f, expr);
      hi = stepText === undefined ? lo : f.max;
    }
    if (lo > hi) throw new StackError("INVALID_PARAM", `cron "${expr}": empty range ${range}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseCron(expr: string): CronSchedule {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 7) {
    throw new StackError("INVALID_PARAM", `cron "${expr}" must have 7 fields (second minute hour day month week year)`);
  }
  return { source: expr, fields: parts.map((p, i) => parseField(p, FIELDS[i] as Field, expr)) };
}

/** Whether the schedule fires at this second (local time, like the trigger's region clock). */
export function cronMatches(s: CronSchedule, d: Date): boolean {
  const values = [d.getSeconds(), d.getMinutes(), d.getHours(), d.getDate(), d.getMonth() + 1, d.getDay(), d.getFullYear()];
  return s.fields.every((allowed, i) => allowed === null || allowed.has(values[i] as number));
}
