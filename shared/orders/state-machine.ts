// The order and refund state machines as data. Every status change in the services is planned here:
// the transition must be in its table, and the plan is the conditional update that makes it a
// compare-and-set (the document must still be in the state it was read in), with its timeline entry.
// Executing a plan (and re-reading when it matched nothing) is services/transition.ts.
import type { OrderStatus, TimelineEntry } from "../contracts/api";
import type { Filter, Update } from "../store/database";
import type { OrderDoc, RefundDoc, StoredRefundStatus } from "../store/model";

export interface TransitionRule<S extends string> {
  from: readonly S[];
  to: readonly S[];
  /** What causes it (for docs/api.md and the timeline). */
  on: string;
}

/** Order transitions, by event. A self-transition records something on a finished order. */
export const ORDER_TRANSITIONS = {
  pay: { from: ["PENDING"], to: ["PAID"], on: "WeChat Pay reports SUCCESS (notification, query, close answered ORDERPAID, mock)" },
  close: { from: ["PENDING"], to: ["CLOSED"], on: "expired and closed at WeChat Pay, prepay refused, or WeChat Pay reports CLOSED" },
  latePayment: { from: ["CLOSED"], to: ["CLOSED"], on: "a payment arrives for a closed order: recorded, then refunded automatically" },
  creditRefund: { from: ["PAID", "PARTIALLY_REFUNDED"], to: ["PARTIALLY_REFUNDED", "REFUNDED"], on: "a refund reaches SUCCESS: credited once, keyed by refund id" },
  creditAutoRefund: { from: ["CLOSED"], to: ["CLOSED"], on: "the automatic refund of a late payment reaches SUCCESS: credited once" },
} as const satisfies Record<string, TransitionRule<OrderStatus>>;

/** Refund transitions. A refund is inserted CREATED (or FAILED when a crashed request is abandoned). */
export const REFUND_TRANSITIONS = {
  accept: { from: ["CREATED", "ABNORMAL"], to: ["PROCESSING"], on: "WeChat Pay accepted it and is paying it out (again, after an ABNORMAL one is re-routed)" },
  refuse: { from: ["CREATED"], to: ["FAILED"], on: "WeChat Pay refused it (4xx) or our configuration is unusable; never for automatic refunds, which are retried" },
  abnormal: { from: ["CREATED", "PROCESSING"], to: ["ABNORMAL"], on: "the money could not reach the payer (closed card): waits for the merchant" },
  succeed: { from: ["CREATED", "PROCESSING", "ABNORMAL"], to: ["SUCCESS"], on: "WeChat Pay reports SUCCESS" },
  close: { from: ["CREATED", "PROCESSING", "ABNORMAL"], to: ["CLOSED"], on: "WeChat Pay reports CLOSED" },
} as const satisfies Record<string, TransitionRule<StoredRefundStatus>>;

export type OrderEvent = keyof typeof ORDER_TRANSITIONS;
export type RefundEvent = keyof typeof REFUND_TRANSITIONS;

export const ORDER_STATES: readonly OrderStatus[] = ["PENDING", "PAID", "PARTIALLY_REFUNDED", "REFUNDED", "CLOSED"];
export const REFUND_STATES: readonly StoredRefundStatus[] = ["CREATED", "PROCESSING", "ABNORMAL", "SUCCESS", "CLOSED", "FAILED"];
/** Refund states that can still change. ABNORMAL is not final: the merchant re-routes the money. */
export const OPEN_REFUND_STATES: readonly StoredRefundStatus[] = ["CREATED", "PROCESSING", "ABNORMAL"];
/** Orders whose seats are (or should be) held. */
export const SEAT_HOLDING_STATES: readonly OrderStatus[] = ["PENDING", "PAID", "PARTIALLY_REFUNDED"];

/** A transition asked for that its table does not allow: a bug, never a race (races are re-read). */
export class IllegalTransition extends Error {
  constructor(kind: string, event: string, from: string, to: string) {
    super(`${kind} ${event}: ${from} → ${to} is not in the transition table`);
    this.name = "IllegalTransition";
  }
}

/** The conditional update of one transition. */
export interface Plan<S extends string> {
  kind: "order" | "refund";
  event: string;
  id: string;
  from: S;
  to: S;
  where: Filter;
  update: Update;
  /** Whether a document read back after the update matched nothing already shows this transition. */
  done(doc: { status: string } & Record<string, unknown>): boolean;
}

export interface PlanOptions<S extends string> {
  /** The target when the rule allows several (creditRefund). */
  to?: S;
  /** Fields set with the status. */
  set?: Record<string, unknown>;
  inc?: Record<string, number>;
  unset?: readonly string[];
  /** Further conditions the document must meet (keyed reservations, absent fields…). */
  guard?: Filter;
}

function plan<S extends string>(
  kind: "order" | "refund",
  rules: Record<string, TransitionRule<S>>,
  event: string,
  doc: { _id: string; status: S },
  opts: PlanOptions<S>,
  push?: Record<string, unknown>,
): Plan<S> {
  const rule = rules[event];
  const to = opts.to ?? rule?.to[0];
  if (!rule || to === undefined || !rule.from.includes(doc.status) || !rule.to.includes(to)) {
    throw new IllegalTransition(kind, event, doc.status, String(to));
  }
  const update: Update = { $set: { status: to, ...opts.set } };
  if (opts.inc) update.$inc = opts.inc;
  if (opts.unset?.length) update.$unset = Object.fromEntries(opts.unset.map((k) => [k, true as const]));
  if (push) update.$push = push;
  const setFields = Object.entries(opts.set ?? {});
  return {
    kind,
    event,
    id: doc._id,
    from: doc.status,
    to,
    where: { _id: doc._id, status: doc.status, ...opts.guard },
    update,
    // Already applied: in the target state with every field this transition sets.
    done: (d) => d.status === to && setFields.every(([k, v]) => JSON.stringify(pathOf(d, k)) === JSON.stringify(v)),
  };
}

function pathOf(doc: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), doc);
}

export const timelineEntry = (at: number, status: OrderStatus, note: string): TimelineEntry => ({ at, status, note });

export function planOrder(order: Pick<OrderDoc, "_id" | "status">, event: OrderEvent, at: number, note: string, opts: PlanOptions<OrderStatus> = {}): Plan<OrderStatus> {
  const to = opts.to ?? ORDER_TRANSITIONS[event].to[0];
  return plan("order", ORDER_TRANSITIONS, event, order, opts, { timeline: timelineEntry(at, to, note) });
}

export function planRefund(refund: Pick<RefundDoc, "_id" | "status">, event: RefundEvent, opts: PlanOptions<StoredRefundStatus> = {}): Plan<StoredRefundStatus> {
  return plan("refund", REFUND_TRANSITIONS, event, refund, opts);
}

/** Every (from, event, to) of a table, for docs and their test. */
export function transitionRows<S extends string>(table: Record<string, TransitionRule<S>>): { from: S; event: string; to: S }[] {
  return Object.entries(table).flatMap(([event, r]) => r.from.flatMap((from) => r.to.map((to) => ({ from, event, to }))));
}
