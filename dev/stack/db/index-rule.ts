// Whether an index serves a query (filter + sort), the way MongoDB's planner would without a
// collection scan or an in-memory sort. The rule, in docs/database.md:
//   1. `_id` equality or `$in` is always served (the `_id_` index).
//   2. Walking an index's keys: first every equality field of the filter (value, `$eq`, `$in`; any
//      order), then the sort fields in order (directions all as declared or all reversed), then the
//      range fields (`$gt/$gte/$lt/$lte`). Without a sort the first range field must come right after
//      the equality fields (a tight bound); with a sort, ranges come after it (ESR). A range on a
//      sort field is bounded by the sort scan itself.
//   3. The index must bound the scan: it starts with a filtered or the first sort field.
//   4. Other operators (`$exists`, `$ne`, `$nin`, `$regex`, …) are applied to what the index yields.
//   5. `$or`, `$nor`, `$expr` at the top level are not served (no index union here).
import { isPlainObject } from "../http-body";

export type IndexKey = readonly [field: string, direction: 1 | -1];

export interface IndexSpec {
  name: string;
  keys: readonly IndexKey[];
}

export interface QueryShape {
  equality: string[];
  range: string[];
  other: string[];
  /** Top-level operators no index can serve ($or, $nor, $expr …). */
  unservable: string[];
  idPinned: boolean;
}

const RANGE = new Set(["$gt", "$gte", "$lt", "$lte"]);

type Kind = "equality" | "range" | "other";

function kindOf(value: unknown): Kind {
  if (value instanceof RegExp) return "other"; // a pattern match, not a value
  if (!isPlainObject(value) || value instanceof Date) return "equality";
  const ops = Object.keys(value).filter((k) => k.startsWith("$"));
  if (ops.length === 0) return "equality"; // a whole subdocument
  if (ops.includes("$eq") || ops.includes("$in")) return "equality";
  if (ops.some((op) => RANGE.has(op))) return "range";
  return "other";
}

/** The fields a filter constrains and how (values are never kept: they may be personal data). */
export function queryShape(filter: Record<string, unknown>): QueryShape {
  const shape: QueryShape = { equality: [], range: [], other: [], unservable: [], idPinned: false };
  const add = (list: string[], field: string) => {
    if (!list.includes(field)) list.push(field);
  };
  // The SDK sends `field: _.and(_.gte(a), _.lt(b))` as a top-level `$and` of single-field parts.
  const visit = (f: Record<string, unknown>) => {
    for (const [field, value] of Object.entries(f)) {
      if (field === "$and" && Array.isArray(value)) {
        for (const part of value) if (isPlainObject(part)) visit(part);
        continue;
      }
      if (field.startsWith("$")) {
        add(shape.unservable, field);
        continue;
      }
      const kind = kindOf(value);
      add(shape[kind], field);
      if (field === "_id" && kind === "equality") shape.idPinned = true;
    }
  };
  visit(filter);
  // A field both bounded by equality and something else is an equality field.
  shape.range = shape.range.filter((f) => !shape.equality.includes(f));
  shape.other = shape.other.filter((f) => !shape.equality.includes(f) && !shape.range.includes(f));
  return shape;
}

/** Whether one index serves the query; see the rule at the top. */
export function indexServes(index: IndexSpec, shape: QueryShape, sort: readonly IndexKey[]): boolean {
  const keys = index.keys;
  let i = 0;
  const equality = new Set(shape.equality);
  while (i < keys.length && equality.has(keys[i]![0])) i++;
  if (i !== equality.size) return false; // an equality field the index does not lead with
  // Sorting on a field fixed by equality is no sort at all.
  const order = sort.filter(([field]) => !equality.has(field));
  if (order.length > 0) {
    let flipped: boolean | undefined;
    for (const [field, dir] of order) {
      const key = keys[i];
      if (!key || key[0] !== field) return false;
      const same = key[1] === dir;
      if (flipped === undefined) flipped = !same;
      else if (flipped === same) return false;
      i++;
    }
  }
  const sorted = new Set(order.map(([f]) => f));
  const ranges = shape.range.filter((f) => !sorted.has(f));
  const rest = keys.slice(i).map(([f]) => f);
  if (ranges.some((f) => !rest.includes(f))) return false;
  if (order.length === 0 && ranges.length > 0 && !ranges.includes(rest[0] ?? "")) return false;
  // Bounded: something narrows the walk from the index's first key.
  return i > 0 || ranges.length > 0;
}

export type IndexVerdict = { served: true; index: string } | { served: false; reason: string };

export function servingIndex(indexes: readonly IndexSpec[], shape: QueryShape, sort: readonly IndexKey[]): IndexVerdict {
  if (shape.idPinned) return { served: true, index: "_id_" };
  if (shape.unservable.length > 0)
    return { served: false, reason: `${shape.unservable.join(", ")} at the top level is never index-served here` };
  const hit = indexes.find((ix) => indexServes(ix, shape, sort));
  if (hit) return { served: true, index: hit.name };
  return { served: false, reason: "no index leads with its equality fields, then its sort, then its ranges" };
}
