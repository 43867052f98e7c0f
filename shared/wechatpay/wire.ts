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

/** Sets a field only when present, so absent stays absent (no `undefined` keys). */
function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
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
  const payer = isObject(raw.payer) ? raw.payer : undefined;
  const amount: Transaction["amount"] = { total, currency: str(raw.amount.currency) ?? "CNY" };
  put(amount, "payerTotal", int(raw.amount.payer_total));
  put(amount, "payerCurrency", str(raw.amount.payer_currency));
  const tx: Transaction = { appid, mchid, outTradeNo, tradeState, amount };
  put(tx, "transactionId", str(raw.transaction_id));
  put(tx, "tradeType", str(raw.trade_type));
  put(tx, "tradeStateDesc", str(raw.trade_state_desc));
  put(tx, "bankType", str(raw.bank_type));
  put(tx, "attach", str(raw.attach));
  put(tx, "successTime", str(raw.success_time));
  put(tx, "payerOpenid", payer ? str(payer.openid) : undefined);
  return tx;
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
  const amount: RefundRecord["amount"] = { total, refund };
  put(amount, "payerTotal", int(raw.amount.payer_total));
  put(amount, "payerRefund", int(raw.amount.payer_refund));
  put(amount, "currency", str(raw.amount.currency));
  const record: RefundRecord = { refundId, outRefundNo, outTradeNo, transactionId, status, amount };
  put(record, "successTime", str(raw.success_time));
  put(record, "userReceivedAccount", str(raw.user_received_account));
  return record;
}
