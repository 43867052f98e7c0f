// Typed calls to the cloud functions. Every function answers { ok, data } or { ok: false, error };
// this module turns that envelope into a value or an ApiCallError, and a call that got no answer
// into a retryable NETWORK error.
import type { CallableFunctionName, ErrorCode, FunctionContract, FunctionResult } from "../../shared/contracts/api";
import { config } from "../config";
import { ApiCallError, SERVICE_DOWN_MESSAGE, networkError } from "./errors";
import { postJson } from "./http";
import { isLocalDev, localBaseUrl } from "./local-dev";

export type Req<N extends CallableFunctionName> = FunctionContract[N]["req"];
export type Res<N extends CallableFunctionName> = FunctionContract[N]["res"];

const KNOWN_CODES: readonly ErrorCode[] = [
  "INVALID_ARGUMENT",
  "UNAUTHENTICATED",
  "NOT_FOUND",
  "FORBIDDEN",
  "SOLD_OUT",
  "ORDER_STATE",
  "REFUND_EXCEEDED",
  "PAYMENT_FAILED",
  "CONFLICT",
  "RATE_LIMITED",
  "INTERNAL",
];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** Reads the function's envelope; anything else is treated as a broken answer. */
function unwrap<T>(result: unknown): T {
  if (isObject(result) && result.ok === true && "data" in result) {
    return (result as { ok: true; data: T }).data;
  }
  if (isObject(result) && result.ok === false && isObject(result.error)) {
    const { code, message, data, field } = (result as FunctionResult<T> & { ok: false }).error;
    const known = KNOWN_CODES.indexOf(code) >= 0 ? code : "INTERNAL";
    const text = typeof message === "string" && message !== "" ? message : SERVICE_DOWN_MESSAGE;
    // INTERNAL may be a passing fault; the request is idempotent by its tokens, so a retry is safe.
    throw new ApiCallError(known, text, known === "INTERNAL", isObject(data) ? data : {}, typeof field === "string" ? field : undefined);
  }
  throw new ApiCallError("INTERNAL", SERVICE_DOWN_MESSAGE, true);
}

async function viaCloud(name: string, data: object): Promise<unknown> {
  let answer: { result?: unknown };
  try {
    answer = await wx.cloud.callFunction({ name, data });
  } catch {
    // The platform could not deliver the call or the function crashed: no usable answer either way.
    throw networkError();
  }
  return answer.result;
}

async function viaLocalStack(name: string, data: object): Promise<unknown> {
  let answer: Awaited<ReturnType<typeof postJson>>;
  try {
    answer = await postJson(`${localBaseUrl()}/functions/${name}`, data, {
      "x-wx-openid": config.localDev.openid,
    });
  } catch {
    throw networkError();
  }
  if (answer.statusCode === 200 && isObject(answer.data) && "result" in answer.data) {
    return answer.data.result;
  }
  // 500 { errCode, errMsg }: the function threw or timed out, as callFunction would fail in the cloud.
  throw new ApiCallError("INTERNAL", SERVICE_DOWN_MESSAGE, answer.statusCode >= 500);
}

/** Calls a cloud function with its typed request and resolves with its typed data. */
export async function call<N extends CallableFunctionName>(name: N, data: Req<N>): Promise<Res<N>> {
  const raw = isLocalDev() ? await viaLocalStack(name, data) : await viaCloud(name, data);
  return unwrap<Res<N>>(raw);
}
