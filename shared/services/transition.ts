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
    const set = plan.update.$set ?? {};
    const doc = { ...before } as Record<string, unknown>;
    for (const [k, v] of Object.entries(set)) if (!k.includes(".")) doc[k] = v;
    for (const [k, v] of Object.entries(plan.update.$inc ?? {})) if (!k.includes(".")) doc[k] = Number(doc[k] ?? 0) + v;
    return { outcome: "applied", doc: doc as T };
  }
  const fresh = await coll.get(plan.id);
  if (fresh && plan.done(fresh as unknown as { status: string } & Record<string, unknown>)) return { outcome: "already", doc: fresh };
  return { outcome: "conflict", doc: fresh };
}

export const applyOrder = (deps: StoreDeps, order: OrderDoc, plan: Plan<string>): Promise<Applied<OrderDoc>> => run(deps.db.orders, order, plan);
export const applyRefund = (deps: StoreDeps, refund: RefundDoc, plan: Plan<string>): Promise<Applied<RefundDoc>> => run(deps.db.refunds, refund, plan);
