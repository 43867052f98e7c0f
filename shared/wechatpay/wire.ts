// WeChat Pay's snake_case JSON → the core's camelCase types, checking the fields we rely on.
// Returns undefined when a required field is missing or of the wrong type.
import type { RefundRecord, TradeState, Transaction, WxRefundStatus } from "./types";

type Json = Record<string, unknown>;

const TRADE_STATES: readonly TradeState[] = ["SUCCESS", "REFUND", "NOTPAY", "CLOSED", "REVOKED", "USERPAYING", "PAYERROR"];
const REFUND_STATUSES: readonly WxRefundStatus[] = ["SUCCESS", "CLOSED", "PROCESSING", "ABNORMAL"];

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === "number" && Number.isSafeInteger(v) ? v : undefined);

/** Copies optional fields that are present, so absent stays absent (not `undefined` keys). */
function optional<T extends object>(entries: Record<string, unknown>): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}

export function toTransaction(raw: unknown): Transaction | undefined {
  if (!isObject(raw) || !isObject(raw.amount)) return undefined;
  const appid = str(raw.appid);
  const mchid = str(raw.mchid);
  const outTradeNo = str(raw.out_trade_no);
  const tradeState = str(raw.trade_state) as TradeState | undefined;
  const total = int(raw.amount.total);
  if (!appid || !mchid || !outTradeNo || !tradeState || !TRADE_STATES.includes(tradeState) || total === undefined) {
    return undefined;
  }
  const payer = isObject(raw.payer) ? raw.payer : {};
  return {
    appid,
    mchid,
    outTradeNo,
    tradeState,
    ...optional<Transaction>({
      transactionId: str(raw.transaction_id),
      tradeType: str(raw.trade_type),
      tradeStateDesc: str(raw.trade_state_desc),
      bankType: str(raw.bank_type),
      attach: str(raw.attach),
      successTime: str(raw.success_time),
      payerOpenid: str(payer.openid),
    }),
    amount: {
      total,
      currency: str(raw.amount.currency) ?? "CNY",
      ...optional<Transaction["amount"]>({
        payerTotal: int(raw.amount.payer_total),
        payerCurrency: str(raw.amount.payer_currency),
      }),
    },
  };
}

/** Refund answers carry `status`, refund notifications `refund_status`. */
export function toRefundRecord(raw: unknown): RefundRecord | undefined {
  if (!isObject(raw) || !isObject(raw.amount)) return undefined;
  const refundId = str(raw.refund_id);
  const outRefundNo = str(raw.out_refund_no);
  const outTradeNo = str(raw.out_trade_no);
  const transactionId = str(raw.transaction_id);
  const status = (str(raw.status) ?? str(raw.refund_status)) as WxRefundStatus | undefined;
  const total = int(raw.amount.total);
  const refund = int(raw.amount.refund);
  if (!refundId || !outRefundNo || !outTradeNo || !transactionId || !status || !REFUND_STATUSES.includes(status)) {
    return undefined;
  }
  if (total === undefined || refund === undefined) return undefined;
  return {
    refundId,
    outRefundNo,
    outTradeNo,
    transactionId,
    status,
    ...optional<RefundRecord>({
      successTime: str(raw.success_time),
      userReceivedAccount: str(raw.user_received_account),
    }),
    amount: {
      total,
      refund,
      ...optional<RefundRecord["amount"]>({
        payerTotal: int(raw.amount.payer_total),
        payerRefund: int(raw.amount.payer_refund),
        currency: str(raw.amount.currency),
      }),
    },
  };
}
