// EJSON in and out of the wire protocol, plus the CloudBase-only `$tcb_server_date` placeholder.
import { EJSON, BSONRegExp } from "bson";
import { StackError } from "../errors";

export type Doc = Record<string, unknown>;

/** Parses one EJSON string field of a request (query, data, order, projection, stage). */
export function parseEjson(text: unknown, field: string): unknown {
  if (typeof text !== "string") {
    throw new StackError("INVALID_PARAM", `${field} must be an EJSON string`);
  }
  let value: unknown;
  try {
    value = EJSON.parse(text, { relaxed: true });
  } catch (e) {
    throw new StackError("INVALID_PARAM", `${field} is not valid EJSON: ${(e as Error).message}`);
  }
  return normalize(value, Date.now());
}

/** Document text as stored on disk: canonical EJSON keeps dates and number kinds exact. */
export function storeText(doc: Doc): string {
  return EJSON.stringify(doc, { relaxed: false });
}

export function loadText(text: string): Doc {
  return normalize(EJSON.parse(text, { relaxed: true }), Date.now()) as Doc;
}

/** Document text as answered to the SDK (it parses list items with EJSON.parse). */
export function wireText(doc: Doc): string {
  return EJSON.stringify(doc, { relaxed: true });
}

/**
 * Replaces `{ $tcb_server_date: { offset } }` with the server's time and BSON regular expressions
 * with JS RegExp (what mingo matches with). One `now` per request so all placeholders agree.
 */
function normalize(value: unknown, now: number): unknown {
  if (value instanceof BSONRegExp) return new RegExp(value.pattern, toJsFlags(value.options));
  if (Array.isArray(value)) return value.map((v) => normalize(v, now));
  if (value === null || typeof value !== "object") return value;
  if (Object.getPrototypeOf(value) !== Object.prototype) return value; // Date, ObjectId, RegExp …
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === "$tcb_server_date") {
    const spec = obj.$tcb_server_date as { offset?: unknown } | null;
    const offset = typeof spec?.offset === "number" ? spec.offset : 0;
    return new Date(now + offset);
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = normalize(obj[k], now);
  return out;
}

function toJsFlags(options: string): string {
  // BSON allows flags JS does not know (x, l); keep the ones JS understands.
  return [...options].filter((f) => "imsu".includes(f)).join("");
}
