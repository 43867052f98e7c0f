// Runs a planned transition as one compare-and-set. When it changes nothing, the document is read
// again before anyone decides: "0 updated" may mean someone else won, or that it was already done.
import type { Plan } from "../orders/state-machine";
import type { OrderDoc, RefundDoc } from "../store/model";
import type { StoreDeps } from "./deps";

export type Applied<T> =
  /** This call made the transition; `doc` is the document as it now is. */
  | { outcome: "applied"; doc: T }
  /** The document already shows this transition (a repeat, or a twin call won). */
  | { outcome: "already"; doc: T }
  /** The document moved elsewhere (or is gone): the caller decides from `doc`. */
  | { outcome: "conflict"; doc: T | undefined };

async function run<T extends { _id: string; status: string }>(
  coll: { update: (w: Plan<string>["where"], u: Plan<string>["update"]) => Promise<number>; get: (id: string) => Promise<T | undefined> },
  before: T,
  plan: Plan<string>,
): Promise<Applied<T>> {
  if ((await coll.update(plan.where, plan.update)) === 1) {
    // What was written, without another read (timeline pushes are not mirrored: read again to see them).
    const doc = structuredClone(before) as Record<string, unknown>;
    for (const [k, v] of Object.entries(plan.update.$set ?? {})) setPath(doc, k, v);
    for (const [k, v] of Object.entries(plan.update.$inc ?? {})) setPath(doc, k, Number(getPath(doc, k) ?? 0) + v);
    for (const k of Object.keys(plan.update.$unset ?? {})) setPath(doc, k, undefined);
    return { outcome: "applied", doc: doc as T };
  }
  const fresh = await coll.get(plan.id);
  if (fresh && plan.done(fresh as unknown as { status: string } & Record<string, unknown>)) return { outcome: "already", doc: fresh };
  return { outcome: "conflict", doc: fresh };
}

export const applyOrder = (deps: StoreDeps, order: OrderDoc, plan: Plan<string>): Promise<Applied<OrderDoc>> =>
  run(deps.db.orders, order, plan);
export const applyRefund = (deps: StoreDeps, refund: RefundDoc, plan: Plan<string>): Promise<Applied<RefundDoc>> =>
  run(deps.db.refunds, refund, plan);

type Tree = Record<string, unknown>;

function getPath(doc: Tree, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Tree)[k] : undefined), doc);
}

/** Sets (or, with undefined, removes) a dotted path such as "tickets.0.status" in a copy being built. */
function setPath(doc: Tree, path: string, value: unknown): void {
  const keys = path.split(".");
  let node: Tree = doc;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (typeof next !== "object" || next === null) node[k] = {};
    node = node[k] as Tree;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}
