// Errors a function call can end with, as values with codes. Pages show `message` (Chinese) and
// offer a retry when `retryable` is true.
import type { ApiErrorData, ErrorCode } from "../../shared/contracts/api";

/** The server's documented codes, plus NETWORK for a call that never got an answer. */
export type ClientErrorCode = ErrorCode | "NETWORK";

export class ApiCallError extends Error {
  readonly code: ClientErrorCode;
  /** True when the same request may simply be sent again (no answer, or the service was down). */
  readonly retryable: boolean;
  /** What the server added for the next step (pendingOrderId, retryAfterSeconds…). */
  readonly data: ApiErrorData;
  /** INVALID_ARGUMENT: the request field at fault ("passengers[1].name"), for the page to mark. */
  readonly field: string | undefined;

  constructor(code: ClientErrorCode, message: string, retryable: boolean, data: ApiErrorData = {}, field?: string) {
    super(message);
    this.name = "ApiCallError";
    this.code = code;
    this.retryable = retryable;
    this.data = data;
    this.field = field;
  }
}

export const NETWORK_MESSAGE = "网络连接失败，请检查网络后重试";
export const SERVICE_DOWN_MESSAGE = "服务暂时不可用，请稍后重试";
const UNKNOWN_MESSAGE = "出了点问题，请稍后重试";

export function networkError(): ApiCallError {
  return new ApiCallError("NETWORK", NETWORK_MESSAGE, true);
}

/** What to show the user for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiCallError) return err.message;
  return UNKNOWN_MESSAGE;
}

export function isRetryable(err: unknown): boolean {
  return err instanceof ApiCallError ? err.retryable : false;
}

/** The error's code, or undefined for anything that is not a function call's error. */
export function codeOf(err: unknown): ClientErrorCode | undefined {
  return err instanceof ApiCallError ? err.code : undefined;
}

/** The request field the server named as wrong, or undefined. */
export function fieldOf(err: unknown): string | undefined {
  return err instanceof ApiCallError ? err.field : undefined;
}

export function dataOf(err: unknown): ApiErrorData {
  return err instanceof ApiCallError ? err.data : {};
}
