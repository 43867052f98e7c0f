// Checks a request against WeChat Pay's documented field rules before anything is sent, so a bad
// amount or id is refused locally (PARAM_ERROR, local: true) instead of reaching the API.
import { fenProblem } from "../money";
import type { AbnormalRefundRequest, GatewayResult, PrepayRequest, RefundCreateRequest } from "./types";

export interface RuleViolation {
  field: string;
  message: string;
}

/** The answer WeChat Pay would give (400 PARAM_ERROR), marked local: nothing was sent. */
export function refusedLocally(v: RuleViolation): GatewayResult<never> {
  return { kind: "business_error", httpStatus: 400, code: "PARAM_ERROR", message: `${v.field} ${v.message}`, local: true };
}

export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
export const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const chars = (s: string) => [...s].length;

export function checkOutTradeNo(value: unknown): RuleViolation | undefined {
  return typeof value === "string" && OUT_TRADE_NO.test(value)
    ? undefined
    : { field: "outTradeNo", message: "must be 6-32 characters of [0-9A-Za-z_-|*]" };
}

export function checkPrepay(req: PrepayRequest, now: Date = new Date()): RuleViolation | undefined {
  const id = checkOutTradeNo(req.outTradeNo);
  if (id) return id;
  if (typeof req.description !== "string" || chars(req.description) < 1 || chars(req.description) > 127) {
    return { field: "description", message: "must be 1-127 characters" };
  }
  const amount = fenProblem(req.amount);
  if (amount) return { field: "amount", message: `must be integer fen > 0 (${amount})` };
  if (typeof req.payerOpenid !== "string" || req.payerOpenid.length < 1 || req.payerOpenid.length > 128) {
    return { field: "payerOpenid", message: "must be 1-128 characters" };
  }
  if (!(req.expiresAt instanceof Date) || Number.isNaN(req.expiresAt.getTime())) {
    return { field: "expiresAt", message: "must be a valid Date" };
  }
  if (req.expiresAt.getTime() < now.getTime() + 60_000) {
    return { field: "expiresAt", message: "must be at least 1 minute ahead" };
  }
  if (req.attach !== undefined && (typeof req.attach !== "string" || chars(req.attach) > 128)) {
    return { field: "attach", message: "must be at most 128 characters" };
  }
  return undefined;
}

export function checkRefund(req: RefundCreateRequest): RuleViolation | undefined {
  const id = checkOutTradeNo(req.outTradeNo);
  if (id) return id;
  if (typeof req.outRefundNo !== "string" || !OUT_REFUND_NO.test(req.outRefundNo)) {
    return { field: "outRefundNo", message: "must be 1-64 characters of [0-9A-Za-z_-|*@]" };
  }
  if (req.reason !== undefined && (typeof req.reason !== "string" || chars(req.reason) > 80)) {
    return { field: "reason", message: "must be at most 80 characters" };
  }
  const refund = fenProblem(req.refund);
  if (refund) return { field: "refund", message: `must be integer fen > 0 (${refund})` };
  const total = fenProblem(req.total);
  if (total) return { field: "total", message: `must be integer fen > 0 (${total})` };
  if (req.refund > req.total) return { field: "refund", message: "must not exceed total" };
  return undefined;
}

/** 发起异常退款's fields: refund_id string(32), out_refund_no, type; for USER_BANK_CARD bank_type
 *  string(16) and the account and name (encrypted by the gateway, so only presence is checked here). */
export function checkAbnormalRefund(req: AbnormalRefundRequest): RuleViolation | undefined {
  if (typeof req.refundId !== "string" || !/^[0-9A-Za-z]{1,32}$/.test(req.refundId))
    return { field: "refundId", message: "must be WeChat Pay's refund_id (1-32 letters or digits)" };
  if (typeof req.outRefundNo !== "string" || !OUT_REFUND_NO.test(req.outRefundNo))
    return { field: "outRefundNo", message: "must be 1-64 characters of [0-9A-Za-z_-|*@]" };
  if (req.type === "MERCHANT_BANK_CARD") return undefined;
  if (req.type !== "USER_BANK_CARD") return { field: "type", message: "must be USER_BANK_CARD or MERCHANT_BANK_CARD" };
  if (typeof req.bankType !== "string" || !/^[A-Za-z0-9_]{1,16}$/.test(req.bankType))
    return { field: "bankType", message: "must be a bank type code of 1-16 characters" };
  if (typeof req.bankAccount !== "string" || !/^\d{8,30}$/.test(req.bankAccount))
    return { field: "bankAccount", message: "must be 8-30 digits" };
  if (typeof req.realName !== "string" || chars(req.realName.trim()) < 1 || chars(req.realName) > 50)
    return { field: "realName", message: "must be 1-50 characters" };
  return undefined;
}

export function checkBillDate(value: unknown): RuleViolation | undefined {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const d = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().startsWith(value)) return undefined;
  }
  return { field: "billDate", message: "must be a date YYYY-MM-DD" };
}

/** RFC 3339 in China time, as time_expire wants: 2026-11-27T20:15:00+08:00. */
export function toChinaRfc3339(date: Date): string {
  const shifted = new Date(Math.floor(date.getTime() / 1000) * 1000 + 8 * 3600_000);
  return shifted.toISOString().replace(/\.\d{3}Z$/, "+08:00");
}
