// The database as deployed, declared once: every collection the code uses, who may touch it, and the
// indexes that serve every query the code makes. `npm run db:setup` creates it in a CloudBase
// environment, the local stack creates it at start, and under test the stack refuses any query on
// these collections that no index below serves (rule: docs/database.md).
import { COLLECTIONS } from "./model";

/** 1 ascending, -1 descending. */
export type IndexDirection = 1 | -1;

/** Keys in index order (object insertion order), e.g. `{ status: 1, checkedAt: 1 }`. */
export type IndexKeys = Readonly<Record<string, IndexDirection>>;

/** Only the functions (admin SDK) read and write: the mini-program never touches the database. */
export type CollectionPermission = "ADMINONLY";

export interface CollectionDeclaration {
  name: string;
  permission: CollectionPermission;
  /** Index name → keys. `_id_` (unique `_id`) exists in every collection and is not listed. */
  indexes: Readonly<Record<string, IndexKeys>>;
}

// Adding an index is one line in its collection. Names: letters, digits and underscores.
export const DATABASE: readonly CollectionDeclaration[] = [
  // Looked up by `_id` (the openid) only.
  { name: COLLECTIONS.users, permission: "ADMINONLY", indexes: {} },
  {
    name: COLLECTIONS.trains,
    permission: "ADMINONLY",
    indexes: {
      // searchTrains: { date, from?, to?, departAt > now } sorted by departAt; from and to are
      // optional, and every equality field must be in the index, so one index per combination.
      date_departAt: { date: 1, departAt: 1 },
      date_from_departAt: { date: 1, from: 1, departAt: 1 },
      date_to_departAt: { date: 1, to: 1, departAt: 1 },
      date_from_to_departAt: { date: 1, from: 1, to: 1, departAt: 1 },
      // Sweeper: trains not yet departed, least recently compared with their orders first (hold leaks).
      holdsCheckedAt_departAt: { holdsCheckedAt: 1, departAt: 1 },
    },
  },
  {
    name: COLLECTIONS.orders,
    permission: "ADMINONLY",
    indexes: {
      // My orders: { openid } newest first.
      openid_createdAt: { openid: 1, createdAt: -1 },
      // My orders by tab: { openid, status (or $in) } newest first; 待出行 also departAt > now.
      openid_status_createdAt_departAt: { openid: 1, status: 1, createdAt: -1, departAt: 1 },
      // Sweeper: PENDING past / before expiresAt (and createdAt), least recently checked first.
      status_checkedAt_expiresAt_createdAt: { status: 1, checkedAt: 1, expiresAt: 1, createdAt: 1 },
      // Sweeper: 出发提醒 due (accepted, paid, departing within two hours).
      reminderDue_status_departAt: { reminderDue: 1, status: 1, departAt: 1 },
      // Sweeper: CLOSED / REFUNDED orders whose seats are still held.
      status_seatsHeld: { status: 1, seatsHeld: 1 },
      // Reconciliation: paid on a given day. Console overview: paid in the last 14 days.
      paidAt: { paidAt: 1 },
      // Sweeper and reconciliation: CLOSED orders holding a payment not yet refunded (refundedAmount 0).
      status_refundedAmount: { status: 1, refundedAmount: 1 },
      // Console: search by WeChat Pay transaction_id (one order).
      transactionId: { transactionId: 1 },
      // Console: search by status (and a date range), newest first.
      status_createdAt: { status: 1, createdAt: -1 },
      // Console: search by date range only, newest first; overview: created in the last 14 days.
      createdAt: { createdAt: -1 },
    },
  },
  {
    name: COLLECTIONS.refunds,
    permission: "ADMINONLY",
    indexes: {
      // An order's refunds (detail page), its open ones (sync).
      orderId_status: { orderId: 1, status: 1 },
      // Sweeper: open / ABNORMAL refunds, least recently checked first.
      status_checkedAt_createdAt: { status: 1, checkedAt: 1, createdAt: 1 },
      // Sweeper: CLOSED / FAILED refunds whose amount is still reserved on the order.
      status_reservationHeld: { status: 1, reservationHeld: 1 },
      // Reconciliation: SUCCESS refunds requested on a given day. Console: ABNORMAL refunds, newest first.
      status_createdAt: { status: 1, createdAt: 1 },
      // Console: automatic refunds (payments on closed orders), newest first.
      automatic_createdAt: { automatic: 1, createdAt: -1 },
      // Console overview: refunds that succeeded in the last 14 days.
      status_succeededAt: { status: 1, succeededAt: 1 },
    },
  },
  {
    name: COLLECTIONS.paymentEvents,
    permission: "ADMINONLY",
    indexes: {
      // An order's deliveries and decisions, in order (support and review).
      orderId_at: { orderId: 1, at: 1 },
      // Console exception queue: refused notifications (mismatch, unknown order), newest first.
      decision_at: { decision: 1, at: -1 },
    },
  },
  {
    name: COLLECTIONS.reconciliations,
    permission: "ADMINONLY",
    indexes: {
      // One report per bill date, keyed by `_id`. Console: the latest reports.
      billDate: { billDate: -1 },
    },
  },
  // Unverified notifications counted per China-time day, keyed by `_id` (the date).
  { name: COLLECTIONS.notifyRejections, permission: "ADMINONLY", indexes: {} },
  {
    name: COLLECTIONS.passengers,
    permission: "ADMINONLY",
    indexes: {
      // A user's saved passengers, oldest first (the list, the limit and duplicates are one read);
      // createOrder's passengerIds are read by `_id` with the openid as a condition.
      openid_createdAt: { openid: 1, createdAt: 1 },
    },
  },
  // ---- the operations console (docs/ops-console.md) ----
  {
    name: COLLECTIONS.operators,
    permission: "ADMINONLY",
    indexes: {
      // `_id` is the username. The admin's list, oldest first; the bootstrap's "is there any".
      createdAt: { createdAt: 1 },
    },
  },
  {
    name: COLLECTIONS.opsSessions,
    permission: "ADMINONLY",
    indexes: {
      // `_id` is the token's hash. Expired sessions removed at login; an operator's sessions ended.
      expiresAt: { expiresAt: 1 },
      username: { username: 1 },
    },
  },
  {
    name: COLLECTIONS.opsAudit,
    permission: "ADMINONLY",
    indexes: {
      // An order's records (order page), newest first; the latest records (admin).
      orderId_at: { orderId: 1, at: -1 },
      at: { at: -1 },
    },
  },
  // What a person did about an exception, keyed by `_id` (the item's key).
  { name: COLLECTIONS.opsResolutions, permission: "ADMINONLY", indexes: {} },
];

export function declaredCollection(name: string): CollectionDeclaration | undefined {
  return DATABASE.find((c) => c.name === name);
}

export interface DeclaredIndex {
  name: string;
  keys: [field: string, direction: IndexDirection][];
}

/** A collection's declared indexes as ordered key lists. */
export function declaredIndexes(c: CollectionDeclaration): DeclaredIndex[] {
  return Object.entries(c.indexes).map(([name, keys]) => ({ name, keys: Object.entries(keys) }));
}
