// A WeChat Pay error answer: HTTP status + { code, message }.
export interface ApiError {
  status: number;
  code: string;
  message: string;
}

export function apiError(status: number, code: string, message: string): ApiError {
  return { status, code, message };
}

export const paramError = (message: string): ApiError => apiError(400, "PARAM_ERROR", message);

export type Checked<T> = { ok: true; value: T } | { ok: false; error: ApiError };
