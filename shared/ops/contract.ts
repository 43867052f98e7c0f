// The operations console's JSON API (/ops/api/…): what the page sends and receives. Types only (and
// a few constants), so the page can import it without pulling in server code. Amounts in fen, times
// in epoch ms.
import type { ErrorCode, OrderStatus, TimelineEntry, TrainRef } from "../contracts/api";

export type Role = "viewer" | "support" | "finance" | "admin";
/** Each role can do everything the roles before it can. */
export const ROLES: readonly Role[] = ["viewer", "support", "finance", "admin"];

/** The mini-program's codes plus the two only a console login has. */
export type OpsErrorCode = ErrorCode | "INVALID_CREDENTIALS" | "ACCOUNT_LOCKED";
/** Every non-2xx JSON answer. */
export interface OpsErrorBody {
  error: { code: OpsErrorCode; message: string };
}

/** The header every state-changing request carries (with the session's token once logged in). */
export const CSRF_HEADER = "x-csrf-token";

export interface SessionView {
  username: string;
  role: Role;
  csrfToken: string;
  expiresAt: number;
}

export interface LoginRequest {
  username: string;
  password: string;
}

// ---- 概览 ----
export interface DaySummary {
  /** YYYY-MM-DD, China time. */
  date: string;
  orders: number;
  paidCount: number;
  paidAmount: number;
  refundCount: number;
  refundAmount: number;
}
export interface OverviewView {
  today: DaySummary;
  /** The last 14 days, oldest first, today last. */
  days: DaySummary[];
  openExceptions: number;
  openByKind: Partial<Record<ExceptionKind, number>>;
  /** A query hit the database's 1000-document limit: the counts are lower bounds. */
  truncated: boolean;
}

// ---- 订单 ----
export interface OrderSearchQuery {
  orderId?: string;
  outTradeNo?: string;
  transactionId?: string;
  openid?: string;
  /** YYYY-MM-DD (China time), creation date, inclusive. */
  from?: string;
  to?: string;
  status?: OrderStatus;
}
export interface OrderRow {
  orderId: string;
  outTradeNo: string;
  transactionId?: string;
  openid: string;
  status: OrderStatus;
  amount: number;
  refundedAmount: number;
  /** Requested and not closed (includes refunds in progress). */
  refundReserved: number;
  train: TrainRef;
  passengerCount: number;
  createdAt: number;
  paidAt?: number;
}
export interface OrderSearchResult {
  orders: OrderRow[];
  /** "wechatpay": found by asking WeChat Pay which out_trade_no a transaction_id belongs to. */
  source: "local" | "wechatpay";
  truncated: boolean;
}

export type StoredRefundStatus = "CREATED" | "FAILED" | "PROCESSING" | "SUCCESS" | "CLOSED" | "ABNORMAL";
export interface OpsRefundView {
  refundId: string;
  outRefundNo: string;
  wxRefundId?: string;
  amount: number;
  status: StoredRefundStatus;
  reason: string;
  automatic: boolean;
  failure?: string;
  createdAt: number;
  succeededAt?: number;
}
export interface PaymentEventView {
  id: string;
  at: number;
  source: "notification" | "query" | "sweeper" | "mock";
  decision: string;
  detail?: string;
  eventType?: string;
  requestId?: string;
  notificationId?: string;
  httpStatus?: number;
  transactionId?: string;
  outRefundNo?: string;
}
export interface AuditView {
  id: string;
  at: number;
  operator: string;
  role: Role;
  action: string;
  outcome: "ok" | "refused" | "error";
  code?: string;
  orderId?: string;
  refundId?: string;
  billDate?: string;
  /** Anything else acted on: an operator's username, an exception key. */
  target?: string;
  note?: string;
  before?: unknown;
  after?: unknown;
}
export interface OpsOrderDetail {
  order: OrderRow & {
    expiresAt: number;
    closedAt?: number;
    /** What may still be refunded: amount − refundReserved. */
    refundable: number;
    passengers: Array<{ name: string; idCardNoMasked: string }>;
    timeline: TimelineEntry[];
  };
  refunds: OpsRefundView[];
  events: PaymentEventView[];
  audit: AuditView[];
}
export interface ManualRefundRequest {
  amount: number;
  reason: string;
  /** Made by the page once per refund form: a resubmission refunds once. */
  requestToken: string;
}

// ---- 异常 ----
export type ExceptionKind = "NOTIFY_REJECTED" | "CLOSED_ORDER_PAID" | "REFUND_ABNORMAL" | "RECONCILE" | "PENDING_EXPIRED";
export type ExceptionAction = "sync" | "reroute" | "closeExpired" | "rerunReconcile" | "resolve";
export interface ExceptionItem {
  key: string;
  kind: ExceptionKind;
  at: number;
  title: string;
  detail: string;
  orderId?: string;
  outTradeNo?: string;
  outRefundNo?: string;
  refundId?: string;
  billDate?: string;
  amount?: number;
  status: "open" | "resolved";
  resolution?: { note: string; by: string; at: number };
  /** A re-route asked of WeChat Pay for this ABNORMAL refund, waiting for its outcome. */
  rerouted?: { type: AbnormalRefundType; by: string; at: number };
  actions: ExceptionAction[];
}
export interface ExceptionList {
  items: ExceptionItem[];
  truncated: boolean;
}
export type AbnormalRefundType = "USER_BANK_CARD" | "MERCHANT_BANK_CARD";
export interface RerouteRequest {
  type: AbnormalRefundType;
  bankType?: string;
  bankAccount?: string;
  realName?: string;
}

// ---- 对账 ----
export interface ReconcileSummary {
  billDate: string;
  checkedAt: number;
  payments: number;
  refunds: number;
  discrepancies: number;
  error?: string;
  truncated?: boolean;
}
export interface ReconcileDetail extends ReconcileSummary {
  items: Array<{
    kind: string;
    outTradeNo?: string;
    outRefundNo?: string;
    detail?: string;
    orderId?: string;
    key: string;
    resolved?: { note: string; by: string; at: number };
  }>;
}

// ---- 操作员 ----
export interface OperatorView {
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  createdBy?: string;
  lastLoginAt?: number;
  lockedUntil?: number;
}
export interface NewOperatorRequest {
  username: string;
  role: Role;
  password: string;
}
export interface OperatorChange {
  role?: Role;
  disabled?: boolean;
  password?: string;
}
