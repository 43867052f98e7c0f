// The payment core's interfaces: what the cloud functions see of WeChat Pay.
// Free of any CloudBase or wx import. Amounts are integer fen.

import type { MiniProgramPayParams } from "../contracts/api";

/** Outcome of one call to WeChat Pay, told apart so the caller can decide safely. */
export type GatewayResult<T> =
  | { kind: "ok"; value: T; requestId?: string }
  /** WeChat Pay answered 4xx/5xx with { code, message }: the request was refused.
   *  `local: true` means our own check of WeChat Pay's field rules refused it as PARAM_ERROR (400)
   *  before sending (amount not integer fen > 0, out_trade_no pattern …): nothing was sent. */
  | { kind: "business_error"; httpStatus: number; code: string; message: string; requestId?: string; local?: true }
  /** Timeout, connection reset after sending, or a response that failed verification:
   *  the request may have taken effect. The caller must query before deciding. */
  | { kind: "unknown"; reason: string; requestId?: string }
  /** Our own configuration is unusable: refused before sending (bad key, missing variable), or
   *  refused by WeChat Pay for a setting (500 OPENID_MISMATCH, INVALID_TRANSACTIONID — see
   *  config-refusals.ts; then `code`, `httpStatus` and `requestId` are WeChat Pay's). Nothing was
   *  created; `variable` names the environment variable to check. */
  | { kind: "config_error"; message: string; variable?: string; code?: string; httpStatus?: number; requestId?: string };

export interface PrepayRequest {
  outTradeNo: string;
  description: string;
  /** Integer fen > 0. */
  amount: number;
  payerOpenid: string;
  /** Absolute time; sent as RFC 3339 with +08:00. */
  expiresAt: Date;
  attach?: string;
}

export type TradeState = "SUCCESS" | "REFUND" | "NOTPAY" | "CLOSED" | "REVOKED" | "USERPAYING" | "PAYERROR";

/** A transaction as query answers and TRANSACTION.SUCCESS notifications describe it. */
export interface Transaction {
  appid: string;
  mchid: string;
  outTradeNo: string;
  transactionId?: string;
  tradeType?: string;
  tradeState: TradeState;
  tradeStateDesc?: string;
  bankType?: string;
  attach?: string;
  successTime?: string;
  payerOpenid?: string;
  amount: { total: number; payerTotal?: number; currency: string; payerCurrency?: string };
}

export interface RefundCreateRequest {
  outTradeNo: string;
  outRefundNo: string;
  reason?: string;
  /** Integer fen > 0, at most `total`. */
  refund: number;
  /** The order's paid total, fen. */
  total: number;
}

/** 发起异常退款: re-routes a refund WeChat Pay reported ABNORMAL. Bank fields are plaintext here; the
 *  gateway encrypts them with the WeChat Pay public key (or platform certificate) before sending. */
export type AbnormalRefundRequest =
  | { refundId: string; outRefundNo: string; type: "MERCHANT_BANK_CARD" }
  | { refundId: string; outRefundNo: string; type: "USER_BANK_CARD"; bankType: string; bankAccount: string; realName: string };

export type WxRefundStatus = "SUCCESS" | "CLOSED" | "PROCESSING" | "ABNORMAL";

export interface RefundRecord {
  refundId: string;
  outRefundNo: string;
  outTradeNo: string;
  transactionId: string;
  status: WxRefundStatus;
  successTime?: string;
  userReceivedAccount?: string;
  amount: { total: number; refund: number; payerTotal?: number; payerRefund?: number; currency?: string };
}

export interface TradeBill {
  /** The file's text after the SHA1 check. */
  text: string;
  /** Parsed rows (header names from the bill as keys, back-quotes stripped). */
  rows: Array<Record<string, string>>;
  /** The summary block (总交易单数, 应结订单总金额 …) as name → value. */
  summary: Record<string, string>;
}

export interface PaymentGateway {
  readonly mode: "wechatpay" | "mock";
  jsapiPrepay(req: PrepayRequest): Promise<GatewayResult<{ prepayId: string }>>;
  /** Signs the mini-program's wx.requestPayment params for a prepay id (no network). */
  payParams(prepayId: string): MiniProgramPayParams;
  queryByOutTradeNo(outTradeNo: string): Promise<GatewayResult<Transaction>>;
  queryByTransactionId(transactionId: string): Promise<GatewayResult<Transaction>>;
  /** ok (204) or business_error ORDERPAID when the payer paid meanwhile. */
  close(outTradeNo: string): Promise<GatewayResult<void>>;
  refund(req: RefundCreateRequest): Promise<GatewayResult<RefundRecord>>;
  queryRefund(outRefundNo: string): Promise<GatewayResult<RefundRecord>>;
  /** POST /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund; answers the refund (PROCESSING). */
  applyAbnormalRefund(req: AbnormalRefundRequest): Promise<GatewayResult<RefundRecord>>;
  /** bill_date YYYY-MM-DD; downloads and checks SHA1. */
  tradeBill(billDate: string): Promise<GatewayResult<TradeBill>>;
}

// ---- notifications ----

export interface NotificationInput {
  /** As received; names are matched case-insensitively. */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body exactly as received (or base64 of it when isBase64Encoded). */
  body: string;
  isBase64Encoded?: boolean;
}

interface EventBase {
  id: string;
  createTime: string;
  summary: string;
  /** Wechatpay-Serial that signed it, and Request-ID if present: for the log. */
  serial: string;
  requestId?: string;
}
export type PaymentNotification =
  | (EventBase & { eventType: "TRANSACTION.SUCCESS"; transaction: Transaction })
  | (EventBase & { eventType: "REFUND.SUCCESS" | "REFUND.ABNORMAL" | "REFUND.CLOSED"; refund: RefundRecord })
  /** Verified, of a type we do not act on (its resource is not decrypted): acknowledged, never
   *  refused, or WeChat Pay would send it again for a day. */
  | (EventBase & { eventType: "UNHANDLED"; rawEventType: string });

export type NotificationRejectionCode =
  | "MISSING_HEADER"
  | "STALE_TIMESTAMP"
  | "UNKNOWN_SERIAL"
  | "BAD_SIGNATURE" // includes WECHATPAY/SIGNTEST/ probes
  | "BAD_BODY" // not JSON, or not the documented shape
  | "DECRYPT_FAILED";

export type NotificationResult = { ok: true; event: PaymentNotification } | { ok: false; code: NotificationRejectionCode; message: string };

export interface NotificationParser {
  /** Verifies the exact bytes, then decrypts and types. Never throws. */
  parse(input: NotificationInput, now?: Date): Promise<NotificationResult>;
}
