// Errors are values with codes. An AppError's message is Chinese and safe to show a user;
// anything else is INTERNAL and its details stay in the log.
import type { ApiError, ApiErrorData, ErrorCode } from "./contracts/api";

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly data: ApiErrorData | undefined;
  /** The input field at fault, as a path into the request ("passengers[1].name"). */
  readonly field: string | undefined;
  constructor(code: ErrorCode, message: string, data?: ApiErrorData, field?: string) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.data = data;
    this.field = field;
  }
  toApiError(): ApiError {
    return {
      code: this.code,
      message: this.message,
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.data ? { data: this.data } : {}),
    };
  }
}

/** INVALID_ARGUMENT about one input field (the page marks that field). */
export function invalidField(field: string, message: string): AppError {
  return new AppError("INVALID_ARGUMENT", message, undefined, field);
}

/** Default user-facing messages, one per code. */
export const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  INVALID_ARGUMENT: "请求参数有误",
  UNAUTHENTICATED: "请先登录微信",
  NOT_FOUND: "未找到相关记录",
  FORBIDDEN: "无权执行此操作",
  SOLD_OUT: "余票不足",
  ORDER_STATE: "订单当前状态不允许此操作",
  REFUND_EXCEEDED: "退款金额超过可退金额",
  PAYMENT_FAILED: "支付服务暂时不可用，请稍后重试",
  CONFLICT: "请求与之前的提交不一致",
  RATE_LIMITED: "操作过于频繁，请稍后再试",
  INTERNAL: "系统繁忙，请稍后重试",
};
