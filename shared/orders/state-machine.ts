// The order, ticket and refund state machines as data. Every status change in the services is
// planned here: the transition must be in its table, and the plan is the conditional update that
// makes it a compare-and-set (the document must still be in the state it was read in), with its
// timeline entry. Tickets live inside their order, so a ticket transition is part of the order's
// update: paying issues every ticket in the same write, 退票 moves its tickets with the refund's
// reservation. Executing a plan (and re-reading when it matched nothing) is services/transition.ts.
import type { OrderStatus, TicketStatus, TimelineEntry } from "../contracts/api";
import type { Filter, Update } from "../store/database";
import type { OrderDoc, RefundDoc, StoredRefundStatus, TicketDoc } from "../store/model";

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
  cancel: { from: ["PENDING"], to: ["CLOSED"], on: "the traveller cancelled it (取消订单): closed at WeChat Pay first" },
  latePayment: { from: ["CLOSED"], to: ["CLOSED"], on: "a payment arrives for a closed order: recorded, then refunded automatically" },
  creditRefund: {
    from: ["PAID", "PARTIALLY_REFUNDED"],
    to: ["PARTIALLY_REFUNDED", "REFUNDED"],
    on: "a refund reaches SUCCESS: credited once, keyed by refund id",
  },
  creditAutoRefund: { from: ["CLOSED"], to: ["CLOSED"], on: "the automatic refund of a late payment reaches SUCCESS: credited once" },
  refundsSettled: {
    from: ["PARTIALLY_REFUNDED"],
    to: ["REFUNDED"],
    on: "no ticket is left and the last refund in flight (an operator's) ended without money",
  },
} as const satisfies Record<string, TransitionRule<OrderStatus>>;

/** Refund transitions. A refund is inserted CREATED (or FAILED when a crashed request is abandoned). */
export const REFUND_TRANSITIONS = {
  accept: {
    from: ["CREATED", "ABNORMAL"],
    to: ["PROCESSING"],
    on: "WeChat Pay accepted it and is paying it out (again, after an ABNORMAL one is re-routed)",
  },
  refuse: {
    from: ["CREATED"],
    to: ["FAILED"],
    on: "WeChat Pay refused it (4xx) or our configuration is unusable; never for automatic refunds, which are retried",
  },
  abnormal: {
    from: ["CREATED", "PROCESSING"],
    to: ["ABNORMAL"],
    on: "the money could not reach the payer (closed card): waits for the merchant",
  },
  succeed: { from: ["CREATED", "PROCESSING", "ABNORMAL"], to: ["SUCCESS"], on: "WeChat Pay reports SUCCESS" },
  close: { from: ["CREATED", "PROCESSING", "ABNORMAL"], to: ["CLOSED"], on: "WeChat Pay reports CLOSED" },
} as const satisfies Record<string, TransitionRule<StoredRefundStatus>>;

/** Ticket transitions. A ticket is created UNPAID with its order. */
export const TICKET_TRANSITIONS = {
  issue: { from: ["UNPAID"], to: ["ISSUED"], on: "its order is paid (same write)" },
  cancel: { from: ["UNPAID"], to: ["CANCELLED"], on: "its order is closed unpaid: cancelled, expired, prepay refused (same write)" },
  return: { from: ["ISSUED"], to: ["REFUNDING"], on: "退票: its refund is reserved on the order (same write)" },
  refund: { from: ["REFUNDING"], to: ["REFUNDED"], on: "its refund reaches SUCCESS and is credited (same write)" },
  restore: { from: ["REFUNDING"], to: ["ISSUED"], on: "its refund was refused or closed: the reservation goes back and the ticket stands" },
  refundWhole: { from: ["ISSUED"], to: ["REFUNDED"], on: "an operator's refund leaves nothing paid: the order becomes REFUNDED" },
} as const satisfies Record<string, TransitionRule<TicketStatus>>;

export type OrderEvent = keyof typeof ORDER_TRANSITIONS;
export type RefundEvent = keyof typeof REFUND_TRANSITIONS;
export type TicketEvent = keyof typeof TICKET_TRANSITIONS;

export const ORDER_STATES: readonly OrderStatus[] = ["PENDING", "PAID", "PARTIALLY_REFUNDED", "REFUNDED", "CLOSED"];
export const REFUND_STATES: readonly StoredRefundStatus[] = ["CREATED", "PROCESSING", "ABNORMAL", "SUCCESS", "CLOSED", "FAILED"];
/** Refund states that can still change. ABNORMAL is not final: the merchant re-routes the money. */
export const OPEN_REFUND_STATES: readonly StoredRefundStatus[] = ["CREATED", "PROCESSING", "ABNORMAL"];
/** Orders whose seats are (or should be) held. */
export const SEAT_HOLDING_STATES: readonly OrderStatus[] = ["PENDING", "PAID", "PARTIALLY_REFUNDED"];
export const TICKET_STATES: readonly TicketStatus[] = ["UNPAID", "ISSUED", "REFUNDING", "REFUNDED", "CANCELLED"];
/** Tickets that hold their seat (a REFUNDING one may still be restored). */
export const LIVE_TICKET_STATES: readonly TicketStatus[] = ["UNPAID", "ISSUED", "REFUNDING"];

/** A transition asked for that its table does not allow: a bug, never a race (races are re-read). */
export class IllegalTransition extends Error {
  constructor(kind: string, event: string, from: string, to: string) {
    super(`${kind} ${event}: ${from} → ${to} is not in the transition table`);
    this.name = "IllegalTransition";
  }
}

/** The conditional update of one transition. */
export interface Plan<S extends string> {
  kind: "order" | "refund" | "tickets";
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

/** Ticket transitions made in the same write as an order's. */
export interface TicketMove {
  event: TicketEvent;
  /** Which tickets; default: every ticket the event applies to (its `from` states). */
  ticketIds?: readonly string[];
  /** Fields set on each of them (by ticket id). */
  set?: (ticketId: string) => Record<string, unknown>;
  /** Fields removed from each of them. */
  unset?: readonly string[];
}

/** The conditions and changes that move tickets of an order; throws for a move the table forbids. */
export function ticketChanges(
  tickets: readonly TicketDoc[],
  move: TicketMove,
): { guard: Filter; set: Record<string, unknown>; unset: string[] } {
  const rule: TransitionRule<TicketStatus> = TICKET_TRANSITIONS[move.event];
  const chosen = move.ticketIds
    ? move.ticketIds.map((id) => tickets.findIndex((t) => t.ticketId === id))
    : tickets.flatMap((t, i) => (rule.from.includes(t.status) ? [i] : []));
  return changesAt(
    chosen.map((i) => {
      const t = tickets[i];
      if (!t || !rule.from.includes(t.status)) throw new IllegalTransition("ticket", move.event, t?.status ?? "missing", rule.to[0]!);
      return { index: i, ticketId: t.ticketId, from: t.status };
    }),
    move,
  );
}

/** The same, for tickets known by position only (no read of the order): the event's single `from`
 *  state becomes the condition. */
export function ticketChangesAt(
  tickets: readonly { index: number; ticketId: string }[],
  move: TicketMove,
): { guard: Filter; set: Record<string, unknown>; unset: string[] } {
  const rule: TransitionRule<TicketStatus> = TICKET_TRANSITIONS[move.event];
  if (rule.from.length !== 1) throw new Error(`ticket ${move.event} has several source states: read the order`);
  return changesAt(
    tickets.map((t) => ({ ...t, from: rule.from[0]! })),
    move,
  );
}

function changesAt(tickets: readonly { index: number; ticketId: string; from: TicketStatus }[], move: TicketMove) {
  const to = TICKET_TRANSITIONS[move.event].to[0];
  const guard: Filter = {};
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  for (const { index: i, ticketId, from } of tickets) {
    guard[`tickets.${i}.status`] = from;
    set[`tickets.${i}.status`] = to;
    for (const [k, v] of Object.entries(move.set?.(ticketId) ?? {})) set[`tickets.${i}.${k}`] = v;
    for (const k of move.unset ?? []) unset.push(`tickets.${i}.${k}`);
  }
  return { guard, set, unset };
}

function plan<S extends string>(
  kind: "order" | "refund" | "tickets",
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
  return path
    .split(".")
    .reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), doc);
}

export const timelineEntry = (at: number, status: OrderStatus, note: string): TimelineEntry => ({ at, status, note });

/** What an order event does to its tickets: paying issues them, closing cancels the unpaid ones. */
const TICKETS_ON: Partial<Record<OrderEvent, TicketEvent>> = { pay: "issue", close: "cancel", cancel: "cancel" };

export function planOrder(
  order: Pick<OrderDoc, "_id" | "status"> & { tickets?: readonly TicketDoc[] },
  event: OrderEvent,
  at: number,
  note: string,
  opts: PlanOptions<OrderStatus> & { tickets?: readonly TicketMove[] } = {},
): Plan<OrderStatus> {
  const to = opts.to ?? ORDER_TRANSITIONS[event].to[0];
  const moves = [...(TICKETS_ON[event] ? [{ event: TICKETS_ON[event] }] : []), ...(opts.tickets ?? [])];
  return plan("order", ORDER_TRANSITIONS, event, order, withTickets(order.tickets ?? [], moves, opts), {
    timeline: timelineEntry(at, to, note),
  });
}

/** Tickets moved on an order whose own status stays (退票 reserved, a refund given back). The order
 *  must still be in the status it was read in. */
export function planTickets(
  order: Pick<OrderDoc, "_id" | "status" | "tickets">,
  moves: readonly TicketMove[],
  opts: Omit<PlanOptions<OrderStatus>, "to"> = {},
): Plan<OrderStatus> {
  const o = withTickets(order.tickets ?? [], moves, opts);
  const update: Update = { $set: { ...o.set } };
  if (o.inc) update.$inc = o.inc;
  if (o.unset?.length) update.$unset = Object.fromEntries(o.unset.map((k) => [k, true as const]));
  const setFields = Object.entries(o.set ?? {});
  return {
    kind: "tickets",
    event: moves.map((m) => m.event).join("+"),
    id: order._id,
    from: order.status,
    to: order.status,
    where: { _id: order._id, status: order.status, ...o.guard },
    update,
    done: (d) => setFields.every(([k, v]) => JSON.stringify(pathOf(d, k)) === JSON.stringify(v)),
  };
}

function withTickets<S extends string>(tickets: readonly TicketDoc[], moves: readonly TicketMove[], opts: PlanOptions<S>): PlanOptions<S> {
  if (moves.length === 0) return opts;
  const guard: Filter = { ...opts.guard };
  const set: Record<string, unknown> = { ...opts.set };
  const unset: string[] = [...(opts.unset ?? [])];
  for (const m of moves) {
    const c = ticketChanges(tickets, m);
    Object.assign(guard, c.guard);
    Object.assign(set, c.set);
    unset.push(...c.unset);
  }
  return { ...opts, guard, set, unset };
}

export function planRefund(
  refund: Pick<RefundDoc, "_id" | "status">,
  event: RefundEvent,
  opts: PlanOptions<StoredRefundStatus> = {},
): Plan<StoredRefundStatus> {
  return plan("refund", REFUND_TRANSITIONS, event, refund, opts);
}

/** Every (from, event, to) of a table, for docs and their test. */
export function transitionRows<S extends string>(table: Record<string, TransitionRule<S>>): { from: S; event: string; to: S }[] {
  return Object.entries(table).flatMap(([event, r]) => r.from.flatMap((from) => r.to.map((to) => ({ from, event, to }))));
}
