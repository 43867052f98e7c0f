// The envelope every callable function answers with: parse, call the core, answer.
import type { FunctionResult } from "../contracts/api";
import { AppError, DEFAULT_MESSAGES } from "../errors";
import { callerFromEnv, type Caller } from "./identity";
import { logError } from "./log";

export type Handler<T> = (event: Record<string, unknown>, caller: Caller) => Promise<T>;

/** Runs a function's work and answers the envelope: typed errors out, anything else INTERNAL. */
export async function envelope<T>(fn: string, run: () => Promise<T>): Promise<FunctionResult<T>> {
  try {
    return { ok: true, data: await run() };
  } catch (e) {
    if (e instanceof AppError) return { ok: false, error: e.toApiError() };
    logError(fn, e);
    return { ok: false, error: { code: "INTERNAL", message: DEFAULT_MESSAGES.INTERNAL } };
  }
}

/** The event as an object of input fields (the platform's userInfo removed: it is not input). */
export function eventData(event: unknown): Record<string, unknown> {
  const input = typeof event === "object" && event !== null && !Array.isArray(event) ? (event as Record<string, unknown>) : undefined;
  if (!input) throw new AppError("INVALID_ARGUMENT", "请求必须是对象");
  const { userInfo: _ignored, ...data } = input;
  return data;
}

/** Wraps a handler into a cloud function `main`: identity from the context, typed errors out. */
export function callable<T>(fn: string, handler: Handler<T>) {
  return function main(event: unknown): Promise<FunctionResult<T>> {
    return envelope(fn, async () => {
      const caller = callerFromEnv();
      if (!caller) throw new AppError("UNAUTHENTICATED", DEFAULT_MESSAGES.UNAUTHENTICATED);
      return handler(eventData(event), caller);
    });
  };
}
