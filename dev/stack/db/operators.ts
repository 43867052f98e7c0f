// Which MongoDB operators the local database accepts. Anything else is refused with
// UNSUPPORTED_OPERATOR before mingo runs, so nothing half-applies and nothing silently matches.
import { StackError } from "../errors";
import { isPlainObject } from "../http-body";

const QUERY_OPERATORS = new Set([
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$and",
  "$or",
  "$nor",
  "$not",
  "$exists",
  "$type",
  "$regex",
  "$options",
  "$elemMatch",
  "$size",
  "$all",
  "$mod",
  "$expr",
]);

export const UPDATE_OPERATORS = new Set([
  "$set",
  "$unset",
  "$inc",
  "$mul",
  "$min",
  "$max",
  "$rename",
  "$currentDate",
  "$push",
  "$pull",
  "$pullAll",
  "$addToSet",
  "$pop",
  "$bit",
]);

const PUSH_MODIFIERS = new Set(["$each", "$position", "$slice", "$sort"]);

export const AGGREGATE_STAGES = new Set([
  "$match",
  "$project",
  "$group",
  "$sort",
  "$limit",
  "$skip",
  "$count",
  "$unwind",
  "$addFields",
  "$replaceRoot",
  "$sample",
  "$sortByCount",
  "$bucket",
  "$bucketAuto",
  "$lookup",
]);

/** Throws UNSUPPORTED_OPERATOR for any `$` key of a query that is not in the supported set. */
export function checkQuery(query: unknown): void {
  if (Array.isArray(query)) {
    for (const q of query) checkQuery(q);
    return;
  }
  if (!isPlainObject(query)) return;
  for (const [key, value] of Object.entries(query)) {
    if (key.startsWith("$") && !QUERY_OPERATORS.has(key)) {
      throw new StackError("UNSUPPORTED_OPERATOR", `query operator ${key} is not supported by the local stack`);
    }
    // $expr holds aggregation expressions, checked by mingo itself.
    if (key !== "$expr") checkQuery(value);
  }
}

/** Update documents must be operators only; `$push` may use its modifiers. */
export function checkUpdate(update: Record<string, unknown>): void {
  for (const [op, fields] of Object.entries(update)) {
    if (!UPDATE_OPERATORS.has(op)) {
      throw new StackError("UNSUPPORTED_OPERATOR", `update operator ${op} is not supported by the local stack`);
    }
    if (!isPlainObject(fields)) {
      throw new StackError("INVALID_PARAM", `${op} needs an object of fields`);
    }
    for (const value of Object.values(fields)) {
      if (op === "$push" && isPlainObject(value)) {
        for (const k of Object.keys(value)) {
          if (k.startsWith("$") && !PUSH_MODIFIERS.has(k)) {
            throw new StackError("UNSUPPORTED_OPERATOR", `$push modifier ${k} is not supported`);
          }
        }
      } else if (op === "$pull") {
        checkQuery(value);
      }
    }
  }
}
