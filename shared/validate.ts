// Small typed validators for function input. Each failure is an INVALID_ARGUMENT naming the field.
import { invalidField, type AppError } from "./errors";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = Record<string, unknown>;

const bad = (field: string, why: string): AppError => invalidField(field, `参数 ${field} ${why}`);

export function asObject(v: unknown, field = "请求"): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(field, "必须是对象");
  return v as Obj;
}

export function str(o: Obj, field: string, opts: { min?: number; max: number; pattern?: RegExp }): string {
  const v = o[field];
  if (typeof v !== "string") throw bad(field, "必须是字符串");
  const t = v.trim();
  if (t.length < (opts.min ?? 1)) throw bad(field, "不能为空");
  if (t.length > opts.max) throw bad(field, `长度不能超过 ${opts.max}`);
  if (opts.pattern && !opts.pattern.test(t)) throw bad(field, "格式不正确");
  return t;
}

export function optStr(o: Obj, field: string, opts: { max: number; pattern?: RegExp }): string | undefined {
  if (o[field] === undefined || o[field] === null || o[field] === "") return undefined;
  return str(o, field, opts);
}

export function oneOf<T extends string>(o: Obj, field: string, values: readonly T[]): T {
  const v = o[field];
  if (typeof v !== "string" || !(values as readonly string[]).includes(v)) throw bad(field, `必须是 ${values.join(" / ")} 之一`);
  return v as T;
}

/** A positive integer amount of fen, or undefined. */
export function optFen(o: Obj, field: string): number | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) throw bad(field, "必须是正整数（单位：分）");
  return v;
}

export function arr(o: Obj, field: string, min: number, max: number): unknown[] {
  const v = o[field];
  if (!Array.isArray(v)) throw bad(field, "必须是数组");
  if (v.length < min || v.length > max) throw bad(field, `数量必须在 ${min} 到 ${max} 之间`);
  return v;
}

/** Tokens the client makes up (clientToken, refundToken): short, printable, no surprises. */
export const TOKEN = /^[A-Za-z0-9_-]{8,64}$/;
/** Our own ids (orderId): 24 lower-case hex characters. */
export const ORDER_ID = /^[0-9a-f]{24}$/;

/** 1–5 distinct ticket ids of the given shape. */
export function ticketIds(o: Obj, pattern: RegExp): string[] {
  const list = arr(o, "ticketIds", 1, 5).map((v, i) => {
    if (typeof v !== "string" || !pattern.test(v)) throw bad(`ticketIds[${i}]`, "格式不正确");
    return v;
  });
  if (new Set(list).size !== list.length) throw bad("ticketIds", "不能重复");
  return list;
}

/** Saved passengers' ids (passengers function, createOrder's passengerIds): 24 lower-case hex characters. */
export const PASSENGER_ID = /^[0-9a-f]{24}$/;
