// 我的订单: one tab of the caller's orders, newest first, a page at a time (keyset pagination).
// Tabs, by the order and ticket states of orders/state-machine.ts and the SERVER's clock:
//   unpaid   (待支付) status PENDING (a row whose expiresAt has passed waits for the sweeper's close)
//   upcoming (待出行) status PAID or PARTIALLY_REFUNDED, departAt > now, at least one live ticket
//                    (ISSUED or REFUNDING)
//   done     (已完成) every other order that is not PENDING: CLOSED, REFUNDED, and paid ones whose
//                    train has left or that hold no live ticket
//   absent   (全部)   all of them
// So every order is in exactly one tab. The cursor is the (createdAt, _id) of the last order the
// page looked at, so an order created between pages never shifts the next one.
import type { OrderSummary, OrdersListResult, OrdersTab } from "../contracts/api";
import { AppError } from "../errors";
import { LIVE_TICKET_STATES } from "../orders/state-machine";
import type { Caller } from "../runtime/identity";
import { type Filter, MAX_FIND_LIMIT } from "../store/database";
import type { OrderDoc } from "../store/model";
import type { StoreDeps } from "./deps";
import { orderSummary } from "./views";

export const ORDERS_TABS: readonly OrdersTab[] = ["unpaid", "upcoming", "done"];
export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 50;

const PAID_STATES = ["PAID", "PARTIALLY_REFUNDED"] as const;

export interface ListQuery {
  status?: OrdersTab | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

interface Position {
  createdAt: number;
  id: string;
}

/** Whether a stored order is 待出行 at `now` (departAt absent: an order stored before it was kept, done). */
export function isUpcoming(o: OrderDoc, now: number): boolean {
  return (
    (PAID_STATES as readonly string[]).includes(o.status) &&
    (o.departAt ?? 0) > now &&
    (o.tickets ?? []).some((t) => LIVE_TICKET_STATES.includes(t.status))
  );
}

/** The database filter of a tab (what an index serves); `keep` is what the index cannot say. */
function tabQuery(tab: OrdersTab | undefined, openid: string, now: number): { where: Filter; keep: (o: OrderDoc) => boolean } {
  if (tab === "unpaid") return { where: { openid, status: "PENDING" }, keep: () => true };
  if (tab === "upcoming")
    return { where: { openid, status: { $in: PAID_STATES }, departAt: { $gt: now } }, keep: (o) => isUpcoming(o, now) };
  if (tab === "done")
    return {
      where: { openid, status: { $in: [...PAID_STATES, "REFUNDED", "CLOSED"] } },
      // The few paid orders whose train has not left are scanned and left out.
      keep: (o) => !isUpcoming(o, now),
    };
  return { where: { openid }, keep: () => true };
}

const newestFirst = (a: OrderDoc, b: OrderDoc) => b.createdAt - a.createdAt || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);
const after = (o: OrderDoc, p: Position) => o.createdAt < p.createdAt || (o.createdAt === p.createdAt && o._id < p.id);

export async function listOrderPage(deps: StoreDeps, caller: Caller, query: ListQuery = {}): Promise<OrdersListResult> {
  const now = deps.now();
  const limit = query.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new AppError("INVALID_ARGUMENT", `limit 须为 1–${MAX_PAGE} 的整数`);
  const from = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.status);
  const { where, keep } = tabQuery(query.status, caller.openid, now);
  const find = (w: Filter, n: number) => deps.db.orders.find(w, { orderBy: ["createdAt", "desc"], limit: n });
  const sameTime = (t: number) => deps.db.orders.find({ ...where, createdAt: t }, { limit: MAX_FIND_LIMIT });

  // One more than a page, from the cursor's time on (its own time again: orders created in the same
  // millisecond are told apart by _id, which one sorted query cannot do).
  let rows = await find(from ? { ...where, createdAt: { $lte: from.createdAt } } : where, limit + 1);
  let full = rows.length === limit + 1;
  if (from && full && rows.every((o) => o.createdAt === from.createdAt)) {
    // Every row shares the cursor's time: read all of that millisecond, then what is older.
    const older = await find({ ...where, createdAt: { $lt: from.createdAt } }, limit + 1);
    rows = [...(await sameTime(from.createdAt)), ...older];
    full = older.length === limit + 1;
  }
  // Where a full read stops, the limit may have cut a millisecond in an order the database chose.
  const cutAt = full ? Math.min(...rows.map((o) => o.createdAt)) : undefined;
  const page = () => rows.sort(newestFirst).filter((o) => !from || after(o, from));
  let sorted = page();
  if (cutAt !== undefined && sorted.slice(0, limit).some((o) => o.createdAt === cutAt)) {
    rows = [...rows.filter((o) => o.createdAt !== cutAt), ...(await sameTime(cutAt))];
    sorted = page();
  }
  const scanned = sorted.slice(0, limit);
  // A full read means more may follow (the next page can then be empty: the end).
  const more = sorted.length > limit || full;
  const last = scanned.at(-1);
  const orders: OrderSummary[] = scanned.filter(keep).map(orderSummary);
  return {
    orders,
    ...(more && last ? { nextCursor: encodeCursor(query.status, { createdAt: last.createdAt, id: last._id }) } : {}),
    serverNow: now,
  };
}

// ---- the cursor: opaque to the page, base64url of a small JSON naming its tab ----

function encodeCursor(tab: OrdersTab | undefined, p: Position): string {
  return Buffer.from(JSON.stringify({ s: tab ?? "all", t: p.createdAt, i: p.id }), "utf8").toString("base64url");
}

const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;
const ID = /^[0-9a-f]{24}$/;

function decodeCursor(cursor: string, tab: OrdersTab | undefined): Position {
  const bad = () => new AppError("INVALID_ARGUMENT", "cursor 无效，请从第一页重新加载");
  if (!CURSOR.test(cursor)) throw bad();
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (typeof v !== "object" || v === null) throw bad();
  const { s, t, i } = v as Record<string, unknown>;
  // Another tab's cursor would skip or repeat orders of this one.
  if (s !== (tab ?? "all") || typeof t !== "number" || !Number.isSafeInteger(t) || t < 0 || typeof i !== "string" || !ID.test(i))
    throw bad();
  return { createdAt: t, id: i };
}
