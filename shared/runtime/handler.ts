// The envelope every callable function answers with: parse, call the core, answer.
import type { FunctionResult } from "../contracts/api";
import { AppError, DEFAULT_MESSAGES } from "../errors";
import { callerFromEnv, type Caller } from "./identity";
import { logError } from "./log";

export type Handler<T> = (event: Record<string, unknown>, caller: Caller) => Promise<T>;

/** Wraps a handler into a cloud function `main`: identity from the context, typed errors out. */
export function callable<T>(fn: string, handler: Handler<T>) {
  return async function main(event: unknown): Promise<FunctionResult<T>> {
    try {
      const caller = callerFromEnv();
      if (!caller) throw new AppError("UNAUTHENTICATED", DEFAULT_MESSAGES.UNAUTHENTICATED);
      const input = typeof event === "object" && event !== null && !Array.isArray(event) ? (event as Record<string, unknown>) : undefined;
      if (!input) throw new AppError("INVALID_ARGUMENT", "请求必须是对象");
      // The platform adds userInfo to callFunction events; it is not input.
      const { userInfo: _ignored, ...data } = input;
      return { ok: true, data: await handler(data, caller) };
    } catch (e) {
      if (e instanceof AppError) return { ok: false, error: e.toApiError() };
      logError(fn, e);
      return { ok: false, error: { code: "INTERNAL", message: DEFAULT_MESSAGES.INTERNAL } };
    }
  };
}
