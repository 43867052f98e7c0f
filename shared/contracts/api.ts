// The cloud functions' public contract: request and result types of every function, defined once.
// The mini-program imports these with `import type` only (DevTools cannot resolve files outside
// its root at run time), so this file must stay free of runtime code that pages would need.

/** Every function answers with this envelope. */
export type FunctionResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export interface ApiError {
  code: ErrorCode;
  /** Chinese, for users. Never a stack trace or a secret. */
  message: string;
  /** INVALID_ARGUMENT: the input field at fault as a path into the request, e.g. "passengers[1].name"
   *  or "passengerIds[0]" (the page marks that input). Absent when no single field is at fault. */
  field?: string;
  /** What the page needs for the next step, for the codes that have one. */
  data?: ApiErrorData;
}

/** Machine-readable details of an error (docs/api.md, 错误码). */
export interface ApiErrorData {
  /** ORDER_STATE from createOrder: the caller's unpaid order (the page offers 去支付 / 取消). */
  pendingOrderId?: string;
  /** ORDER_STATE from an order action: the order it was about (the page links to it). */
  orderId?: string;
  /** RATE_LIMITED: whole seconds until a new booking can succeed. */
  retryAfterSeconds?: number;
  /** PAYMENT_FAILED from createOrder: true when the order was kept (WeChat Pay did not answer) and
   *  the same clientToken resumes it; false when it was closed and a new attempt needs a new token. */
  resumable?: boolean;
}

/** The one documented list of error codes (docs/api.md). */
export type ErrorCode =
  | "INVALID_ARGUMENT" // the request is malformed; nothing was written
  | "UNAUTHENTICATED" // no OPENID in the caller's context
  | "NOT_FOUND" // no such train / order (or not the caller's)
  | "FORBIDDEN" // the caller may not do this (e.g. mockPay outside PAY_MODE=mock)
  | "SOLD_OUT" // not enough seats left in that class
  | "ORDER_STATE" // the order's status does not allow this action
  | "REFUND_EXCEEDED" // the refund would exceed what is left to refund
  | "PAYMENT_FAILED" // WeChat Pay refused or could not be reached; nothing is held
  | "CONFLICT" // the same token reused with different content, or a passenger already holding a live ticket on that train
  | "RATE_LIMITED" // too many bookings from this user in the last minute; data.retryAfterSeconds
  | "INTERNAL"; // anything else; logged with details, answered without them

/** Amounts are integer fen everywhere in this contract. */
export type Fen = number;
/** Times are epoch milliseconds. */
export type EpochMs = number;

export type OrderStatus = "PENDING" | "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" | "CLOSED";
export type RefundStatus = "PROCESSING" | "SUCCESS" | "CLOSED" | "ABNORMAL";
/** UNPAID (order PENDING), ISSUED (paid), REFUNDING (退票 in progress), REFUNDED, CANCELLED (order closed unpaid). */
export type TicketStatus = "UNPAID" | "ISSUED" | "REFUNDING" | "REFUNDED" | "CANCELLED";
export type SeatClassCode = "business" | "first" | "second";
export type SeatPreference = "window" | "aisle";

// ---- login ----
export type LoginRequest = Record<string, never>;
export interface LoginResult {
  openid: string;
  appid: string;
  unionid?: string;
}

// ---- trains ----
/** Without `action`: the trains of one date, optionally between two stations. */
export interface TrainSearchRequest {
  action?: undefined;
  from?: string;
  to?: string;
  /** YYYY-MM-DD (China time). */
  date?: string;
}
/** The stations the catalog serves, for the station page. */
export interface StationsRequest {
  action: "stations";
}
export type TrainsRequest = TrainSearchRequest | StationsRequest;
/** One station as the station page searches and groups it. */
export interface StationView {
  /** 汉字: "北京南". */
  name: string;
  /** "北京"; a station the server has no data for is its own city. */
  city: string;
  /** Full pinyin without tones or spaces: "beijingnan"; "" when the server has no data for it. */
  pinyin: string;
  /** First letter of each syllable: "bjn"; "" when the server has no data for it. */
  initials: string;
  /** On the server's short 热门 list. */
  hot: boolean;
}
export interface StationsResult {
  /** Pinyin order. */
  stations: StationView[];
  /** The server's clock when it answered (the pages' "today" is the server's, not the phone's). */
  serverNow: EpochMs;
}
export interface SeatClassView {
  code: SeatClassCode;
  /** 商务座 / 一等座 / 二等座 */
  name: string;
  price: Fen;
  remaining: number;
}
/** What identifies a train run for a traveller. */
export interface TrainSchedule {
  trainNo: string;
  from: string;
  to: string;
  /** YYYY-MM-DD, China time. */
  date: string;
  /** HH:mm, China time. */
  departTime: string;
  arriveTime: string;
}
export interface TrainView extends TrainSchedule {
  /** One train on one date, e.g. "G1-2026-11-28". */
  trainId: string;
  /** Minutes from departure to arrival. */
  durationMinutes: number;
  seats: SeatClassView[];
}
export interface TrainsResult {
  trains: TrainView[];
  /** The server's clock when it answered. */
  serverNow: EpochMs;
}
/** What each `trains` request answers. */
export interface TrainsResults {
  search: TrainsResult;
  stations: StationsResult;
}

// ---- createOrder ----
/** 居民身份证 / 护照 / 港澳居民来往内地通行证 / 台湾居民来往大陆通行证 (formats: docs/tickets.md). */
export type IdType = "ID_CARD" | "PASSPORT" | "HK_MACAO_PERMIT" | "TAIWAN_PERMIT";
/** 成人 / 儿童 / 学生: the price rule is the server's (docs/tickets.md). */
export type TicketType = "ADULT" | "CHILD" | "STUDENT";
export interface PassengerInput {
  name: string;
  /** The ID document's number: for ID_CARD 18 characters with a valid check digit. */
  idCardNo: string;
  /** Default ID_CARD. */
  idType?: IdType;
  /** Default ADULT. */
  ticketType?: TicketType;
}
/** Subscription messages (订阅消息) a traveller may accept on 提交订单: 出票成功 / 退款到账 / 出发提醒. */
export type SubscribeTemplate = "ticketIssued" | "refundSuccess" | "departureReminder";
export interface CreateOrderRequest {
  trainId: string;
  seatClass: SeatClassCode;
  /** Typed passengers; with passengerIds, the saved ones come first. 1–5 in all, no document twice. */
  passengers?: PassengerInput[];
  /** Saved passengers (常用乘车人) of the caller, by id; each with its saved ticket type. */
  passengerIds?: string[];
  /** One per booking attempt: the same token from the same user returns the same order. */
  clientToken: string;
  /** Window (A/F) or aisle (C/D) seats where possible. */
  seatPreference?: SeatPreference;
  /** The subscription messages the traveller accepted in wx.requestSubscribeMessage (each allows one message). */
  subscribe?: SubscribeTemplate[];
}
/** What `wx.requestPayment` takes (APIv3, signType RSA). */
export interface MiniProgramPayParams {
  /** Seconds, as a string. */
  timeStamp: string;
  nonceStr: string;
  /** "prepay_id=…" */
  package: string;
  signType: "RSA";
  paySign: string;
}
export type PaymentLaunch = { mode: "wechatpay"; params: MiniProgramPayParams } | { mode: "mock" };
export interface CreateOrderResult {
  orderId: string;
  outTradeNo: string;
  amount: Fen;
  expiresAt: EpochMs;
  /** The server's clock when it answered: countdowns run on server time (phone clocks drift). */
  serverNow: EpochMs;
  payment: PaymentLaunch;
}

// ---- refund ----
/** 退票 of some tickets of a paid order; the fee is the server's (12306's rule, docs/tickets.md). */
export interface RefundRequest {
  orderId: string;
  ticketIds: string[];
  reason?: string;
  /** One per refund attempt: the same token refunds once. */
  refundToken: string;
}
/** Operators only (`tcb fn invoke refund`, no user identity): an amount refunded as money, tickets untouched
 *  unless it refunds everything. Refused with FORBIDDEN when a mini-program user sends it. */
export interface OperatorRefundRequest {
  orderId: string;
  /** Defaults to all that is left to refund. */
  amount?: Fen;
  reason?: string;
  refundToken: string;
}
export interface RefundResult {
  refundId: string;
  outRefundNo: string;
  /** What goes back to the payer. */
  amount: Fen;
  /** What the merchant keeps (退票费); 0 for an operator's refund. */
  fee: Fen;
  status: RefundStatus;
  /** CLOSED: why nothing was refunded, in Chinese (WeChat Pay refused it, the ticket was being returned already…). */
  failureReason?: string;
}
export interface TicketQuote {
  ticketId: string;
  fee: Fen;
  refundAmount: Fen;
}
/** What a 退票 of these tickets would refund now (no side effects). */
export interface RefundQuote {
  amount: Fen;
  fee: Fen;
  /** The rule applied: 0, 5, 10 or 20 % of each ticket's price (before rounding and the 2-yuan minimum). */
  feePercent: number;
  tickets: TicketQuote[];
  serverNow: EpochMs;
}

// ---- orders ----
/** 我的订单's tabs (absent: 全部). Exactly how they map onto order and ticket states: docs/api.md. */
export type OrdersTab = "unpaid" | "upcoming" | "done";
export type OrdersRequest =
  /** One page, newest first: `limit` 1–50 (default 20), `cursor` the previous page's `nextCursor`. */
  | { action: "list"; status?: OrdersTab; cursor?: string; limit?: number }
  | { action: "get"; orderId: string }
  | { action: "sync"; orderId: string }
  | { action: "mockPay"; orderId: string }
  /** Signed pay params again for a PENDING order (继续支付 on any device). */
  | { action: "resume"; orderId: string }
  /** What 退票 of these tickets would refund now. */
  | { action: "refundQuote"; orderId: string; ticketIds: string[] }
  /** Closes an unpaid order (at WeChat Pay first) and gives its seats back; idempotent. */
  | { action: "cancel"; orderId: string };

/** What each `orders` action answers. */
export interface OrdersResults {
  list: OrdersListResult;
  get: OrderDetail;
  sync: OrderDetail;
  mockPay: OrderDetail;
  resume: CreateOrderResult;
  refundQuote: RefundQuote;
  cancel: OrderDetail;
}

export interface PassengerView {
  name: string;
  /** Masked: first 3 and last 4 digits visible, e.g. "110***********1234". */
  idCardNoMasked: string;
  /** Absent: ID_CARD. */
  idType?: IdType;
  /** Absent: ADULT. */
  ticketType?: TicketType;
}

// ---- passengers (常用乘车人) ----
/** A saved passenger as answered: never the whole ID number. */
export interface SavedPassenger {
  passengerId: string;
  name: string;
  idType: IdType;
  /** Masked like PassengerView's: "110***********1234"; short numbers "E1*****78". */
  idCardNoMasked: string;
  ticketType: TicketType;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}
export interface SavedPassengerInput {
  name: string;
  idType: IdType;
  idCardNo: string;
  ticketType: TicketType;
}
export type PassengersRequest =
  | { action: "list" }
  | ({ action: "add" } & SavedPassengerInput)
  /** idCardNo may be left out to keep the saved number (the page never has it), unless idType changes. */
  | ({ action: "update"; passengerId: string } & Omit<SavedPassengerInput, "idCardNo"> & { idCardNo?: string })
  | { action: "delete"; passengerId: string };
export interface PassengersListResult {
  passengers: SavedPassenger[];
  /** At most this many per user. */
  max: number;
}
export interface PassengersResults {
  list: PassengersListResult;
  add: SavedPassenger;
  update: SavedPassenger;
  delete: { passengerId: string };
}
export interface TrainRef extends TrainSchedule {
  trainId: string;
  seatClass: SeatClassCode;
  seatClassName: string;
}
/** One passenger's ticket: seat, price and where it stands. */
export interface TicketView {
  ticketId: string;
  passengerName: string;
  idCardNoMasked: string;
  /** "05" */
  carriage: string;
  /** "12F" */
  seatNo: string;
  seatClass: SeatClassCode;
  seatClassName: string;
  price: Fen;
  status: TicketStatus;
  /** Set once 退票 was asked for (REFUNDING, REFUNDED). */
  refundFee?: Fen;
  refundAmount?: Fen;
}
export interface RefundView {
  refundId: string;
  outRefundNo: string;
  amount: Fen;
  /** 退票费 kept (0 for an operator's refund). */
  fee: Fen;
  ticketIds: string[];
  status: RefundStatus;
  /** CLOSED: why nothing was refunded. */
  failureReason?: string;
  reason?: string;
  createdAt: EpochMs;
  succeededAt?: EpochMs;
}
export interface TimelineEntry {
  at: EpochMs;
  status: OrderStatus;
  /** Short Chinese note: 下单 / 支付成功 / 退款 12.00 元 / 超时关闭 … */
  note: string;
}
export interface OrderSummary {
  orderId: string;
  outTradeNo: string;
  status: OrderStatus;
  amount: Fen;
  refundedAmount: Fen;
  train: TrainRef;
  passengerCount: number;
  createdAt: EpochMs;
  expiresAt: EpochMs;
}
export interface OrderDetail {
  orderId: string;
  outTradeNo: string;
  status: OrderStatus;
  amount: Fen;
  refundedAmount: Fen;
  refunds: RefundView[];
  passengers: PassengerView[];
  tickets: TicketView[];
  train: TrainRef;
  /** Departure as epoch ms: 退票 is possible until then. */
  departAt: EpochMs;
  createdAt: EpochMs;
  paidAt?: EpochMs;
  expiresAt: EpochMs;
  /** The server's clock when it answered. */
  serverNow: EpochMs;
  timeline: TimelineEntry[];
}
export interface OrdersListResult {
  orders: OrderSummary[];
  /** Present when more may follow: pass it as `cursor` (opaque; only for the same tab). */
  nextCursor?: string;
  /** The server's clock when it answered: unpaid rows count down from it. */
  serverNow: EpochMs;
}

/** Function name → request and result, for typed callers (pages, tests, demo). */
export interface FunctionContract {
  login: { req: LoginRequest; res: LoginResult };
  trains: { req: TrainsRequest; res: TrainsResults[keyof TrainsResults] };
  createOrder: { req: CreateOrderRequest; res: CreateOrderResult };
  refund: { req: RefundRequest; res: RefundResult };
  orders: { req: OrdersRequest; res: OrdersResults[keyof OrdersResults] };
  passengers: { req: PassengersRequest; res: PassengersResults[keyof PassengersResults] };
}
export type CallableFunctionName = keyof FunctionContract;
