// Checks every query on a declared collection against the indexes the stack holds for it. A query no
// index serves is recorded (GET /dev/stats → admin.unindexed) and, in strict mode (test stacks),
// refused with DATABASE_QUERY_NOT_INDEXED so the test that made it fails; otherwise it runs and the
// stack warns once per query shape on stderr.
import { StackError } from "../errors";
import type { CollectionCatalog } from "./catalog";
import { queryShape, servingIndex, type IndexKey } from "./index-rule";

/** A query no index served: field names and operators only, never values (they may be personal). */
export interface UnindexedQuery {
  collection: string;
  action: string;
  equality: string[];
  range: string[];
  other: string[];
  sort: IndexKey[];
  reason: string;
}

export interface IndexGuardOptions {
  /** Collections whose queries are checked (the declaration's). */
  checked: ReadonlySet<string>;
  strict: boolean;
}

/** Kept bounded: a stack left running must not grow without limit. */
const MAX_RECORDED = 200;

export class IndexGuard {
  readonly unindexed: UnindexedQuery[] = [];
  private readonly warned = new Set<string>();

  constructor(
    private readonly catalog: CollectionCatalog,
    private readonly opts: IndexGuardOptions,
  ) {}

  check(action: string, collection: string, filter: Record<string, unknown>, order: Record<string, 1 | -1> = {}): void {
    if (!this.opts.checked.has(collection)) return;
    const shape = queryShape(filter);
    const sort = Object.entries(order) as IndexKey[];
    const verdict = servingIndex(this.catalog.indexes(collection), shape, sort);
    if (verdict.served) return;
    const miss: UnindexedQuery = {
      collection,
      action,
      equality: shape.equality,
      range: shape.range,
      other: [...shape.other, ...shape.unservable],
      sort,
      reason: verdict.reason,
    };
    const text = describe(miss);
    if (this.unindexed.length < MAX_RECORDED) this.unindexed.push(miss);
    if (this.opts.strict) throw new StackError("DATABASE_QUERY_NOT_INDEXED", `${text} (declare an index in shared/store/schema.ts)`);
    if (!this.warned.has(text)) {
      this.warned.add(text);
      console.error(`[stack] warning: ${text}`);
    }
  }
}

export function describe(q: UnindexedQuery): string {
  const parts = [
    q.equality.length ? `equality ${q.equality.join(",")}` : "",
    q.range.length ? `range ${q.range.join(",")}` : "",
    q.other.length ? `other ${q.other.join(",")}` : "",
    q.sort.length ? `sort ${q.sort.map(([f, d]) => `${f}:${d}`).join(",")}` : "",
  ].filter(Boolean);
  return `unindexed query on ${q.collection} (${q.action}: ${parts.join("; ") || "no filter"}): ${q.reason}`;
}
