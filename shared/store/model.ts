// What is stored, per collection. Amounts in fen, times in epoch ms.
import type {
  IdType,
  OrderStatus,
  RefundStatus,
  SeatPreference,
  SubscribeTemplate,
  TicketStatus,
  TicketType,
  TimelineEntry,
  TrainRef,
} from "../contracts/api";
import type { SealedIdNo } from "../passengers/data-key";

export const COLLECTIONS = {
  users: "users",
  trains: "trains",
  orders: "orders",
  refunds: "refunds",
  paymentEvents: "payment_events",
  reconciliations: "reconciliations",
  notifyRejections: "notify_rejections",
  passengers: "passengers",
  // The operations console's own (documents: shared/ops/model.ts).
  operators: "operators",
  opsSessions: "ops_sessions",
  opsAudit: "ops_audit",
  opsResolutions: "ops_resolutions",
} as const;

export interface UserDoc {
  _id: string; // openid
  appid: string;
  unionid?: string;
  createdAt: number;
  lastLoginAt?: number;
  // ---- fair use (services/fair-use.ts): one unpaid order, a few bookings a minute ----
  /** The user's unpaid order while `pendingUntil` is ahead (its expiry); 0 / absent: none. */
  pendingOrderId?: string;
  pendingUntil?: number;
  /** When the slot was taken. The take goes out beside the order's insert, so for a moment the slot
   *  names an order not yet written: a missing order this recent is a booking in flight. Absent on
   *  slots taken before it was kept (such a slot naming a missing order is free). */
  pendingSince?: number;
  /** Bookings started in minute `rateWindow` (epoch ms / 60 000). */
  rateWindow?: number;
  rateCount?: number;
}

export interface StoredPassenger {
  name: string;
  /** The document number as every answer shows it (first and last characters). The number itself is
   *  not kept on the order: nothing after booking needs it (data minimisation). */
  idNoMasked: string;
  /** The passenger's key in the train's \`riders\` (a hash, seats.ts riderKey): one live ticket per
   *  document per train, and each ticket's hold. */
  rider: string;
  /** Orders stored before the number was dropped: read for their mask and rider key, never written. */
  idCardNo?: string;
  /** Absent: ID_CARD (orders made before other documents were taken). */
  idType?: IdType;
  /** Absent: ADULT. */
  ticketType?: TicketType;
}

/** A saved passenger (常用乘车人) of one user. The ID number is only sealed, hashed and masked here:
 *  no field holds it in the clear (shared/passengers/data-key.ts). */
export interface SavedPassengerDoc {
  _id: string;
  openid: string;
  name: string;
  idType: IdType;
  ticketType: TicketType;
  /** AES-256-GCM of the normalised number, bound to (openid, idType). */
  idNoSealed: SealedIdNo;
  /** HMAC-SHA256 of "idType|number" under the key that sealed it: duplicates found without the number. */
  idNoHash: string;
  idNoMasked: string;
  createdAt: number;
  updatedAt: number;
}

/** One passenger's ticket, inside its order (tickets[i] is passengers[i]'s). */
export interface TicketDoc {
  /** `${orderId}-${i + 1}` */
  ticketId: string;
  /** The seat this ticket holds in the train document (its key there): "05-12F". */
  seatKey: string;
  carriage: string;
  seatNo: string;
  price: number;
  status: TicketStatus;
  /** Set with REFUNDING (the refund that returns it), kept when REFUNDED. */
  refundId?: string;
  refundFee?: number;
  refundAmount?: number;
}

export interface OrderDoc {
  _id: string;
  outTradeNo: string;
  openid: string;
  /** sha256 of what was asked (train, class, passengers): a reused clientToken must ask the same. */
  fingerprint: string;
  status: OrderStatus;
  train: TrainRef;
  passengers: StoredPassenger[];
  /** One per passenger, same order. Absent on orders made before tickets existed. */
  tickets: TicketDoc[];
  seatPreference?: SeatPreference;
  unitPrice: number;
  amount: number;
  /** Sum of refunds requested and not closed: what may still be refunded is amount - refundReserved. */
  refundReserved: number;
  /** refundId → amount reserved by that refund (keyed: reserved once, given back once). */
  refundReservations: Record<string, number>;
  /** refundId → amount credited to refundedAmount (keyed, so a repeated SUCCESS credits once). */
  refundCredits: Record<string, number>;
  /** Sum of refunds WeChat Pay reported successful. */
  refundedAmount: number;
  /** Its tickets' seats are held in the train document until the order closes or is refunded and
   *  they are released (a single ticket's seat goes back when that ticket is refunded). */
  seatsHeld: boolean;
  prepayId?: string;
  transactionId?: string;
  createdAt: number;
  expiresAt: number;
  /** The train's departure (epoch ms), for 我的订单's 待出行 tab. Absent on orders stored before it was kept. */
  departAt?: number;
  paidAt?: number;
  closedAt?: number;
  /** Last time the sweeper or sync asked WeChat Pay about it. */
  checkedAt?: number;
  timeline: TimelineEntry[];
  /** Subscription messages the traveller accepted at 提交订单 (one message each). */
  subscribe?: SubscribeTemplate[];
  /** True while the 出发提醒 is still to be sent (the sweeper's query); removed when it is claimed. */
  reminderDue?: boolean;
  /** What became of the 出发提醒 (services/notices.ts). 出票成功's outcome is in the payment's event. */
  reminder?: NoticeRecord;
  /** The refund whose success claimed the order's one 退款到账 (services/refunds.ts). */
  refundNoticeBy?: string;
}

/** The outcome of one subscription message. */
export interface NoticeRecord {
  at: number;
  result: "sent" | "failed";
  /** WeChat's errcode when it refused (43101: the user did not subscribe, 47003: a field broke a rule). */
  errcode?: number;
  /** Short reason when it failed without an errcode (timeout, not configured). */
  reason?: string;
}

/** CREATED: reserved on the order, not yet accepted by WeChat Pay (or outcome unknown).
 *  FAILED: WeChat Pay refused it; nothing was refunded. */
export type StoredRefundStatus = "CREATED" | "FAILED" | RefundStatus;

export interface RefundDoc {
  _id: string;
  outRefundNo: string;
  orderId: string;
  outTradeNo: string;
  openid: string;
  amount: number;
  /** 退票: the tickets it returns, each with its fee and refund (amount is the sum of the refunds),
   *  and the fees' sum. Absent: a refund of money only (an operator's, or the automatic refund of a
   *  late payment). */
  tickets?: { ticketId: string; fee: number; refundAmount: number }[];
  fee?: number;
  reason: string;
  status: StoredRefundStatus;
  /** True for the refund of a payment that arrived after the order closed. */
  automatic: boolean;
  /** Its amount is still reserved on the order (false once a CLOSED or FAILED refund gave it back). */
  reservationHeld: boolean;
  /** Why WeChat Pay refused it (FAILED), or the last refusal of an automatic refund being retried. */
  failure?: string;
  /** How many times WeChat Pay refused it (automatic refunds are retried until accepted). */
  refusals?: number;
  wxRefundId?: string;
  createdAt: number;
  succeededAt?: number;
  /** What became of its 退款到账 message (sent by whoever moved it to SUCCESS). */
  notice?: NoticeRecord;
  checkedAt?: number;
}

export type EventDecision =
  | "APPLIED"
  | "ALREADY_APPLIED"
  | "REFUNDED_CLOSED_ORDER"
  | "REJECTED_MISMATCH"
  | "UNKNOWN_ORDER"
  /** Verified, of an event type we do not act on: acknowledged so WeChat Pay stops sending it. */
  | "IGNORED"
  | "STORAGE_ERROR";

/** Where what we learnt from WeChat Pay came from. */
export type EventSource = "notification" | "query" | "sweeper" | "mock";

export interface PaymentEventDoc {
  _id: string;
  source: EventSource;
  decision: EventDecision;
  /** Rejection code or mismatch description; never a secret, never a body. */
  detail?: string;
  notificationId?: string;
  eventType?: string;
  outTradeNo?: string;
  outRefundNo?: string;
  transactionId?: string;
  orderId?: string;
  requestId?: string;
  serial?: string;
  httpStatus?: number;
  /** The 出票成功 message sent by the call that applied this payment: "sent" or "failed <errcode|reason>". */
  notice?: string;
  at: number;
}

/** Unverified notifications are counted per China-time day, never stored one by one (anyone on the
 *  internet can post to the notify URL). */
export interface NotifyRejectionsDoc {
  _id: string; // YYYY-MM-DD
  total: number;
  /** rejection code → count */
  codes: Record<string, number>;
  lastAt: number;
}

// ---- reconciliation (one report per bill date) ----

export type DiscrepancyKind =
  | "UNKNOWN_ORDER" // a payment in the bill for an out_trade_no we do not have
  | "PAID_NOT_RECORDED" // paid at WeChat Pay, not PAID (or another transaction) here
  | "AMOUNT_MISMATCH" // bill amount differs from the order's
  | "UNKNOWN_REFUND" // a refund in the bill we did not ask for
  | "REFUND_AMOUNT_MISMATCH"
  | "NOT_IN_BILL" // recorded as paid / refunded that day, absent from the bill
  | "CLOSED_ORDER_NOT_REFUNDED"; // a closed order holds a payment and no successful refund of it

export interface Discrepancy {
  kind: DiscrepancyKind;
  outTradeNo?: string;
  outRefundNo?: string;
  detail?: string;
}

export interface ReconcileReport {
  _id: string; // the bill date
  billDate: string;
  checkedAt: number;
  payments: number;
  refunds: number;
  discrepancies: Discrepancy[];
  /** Set when the bill could not be had; retried later. */
  error?: string;
  /** More than 1000 payments or refunds recorded that day: the "not in bill" direction is partial. */
  truncated?: boolean;
}
