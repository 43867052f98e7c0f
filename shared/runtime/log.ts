// One structured line per decision. Callers pass ids and outcomes only: never keys, bodies,
// headers or ID-card numbers.
export interface LogFields {
  fn: string;
  decision: string;
  orderId?: string;
  outTradeNo?: string;
  outRefundNo?: string;
  requestId?: string;
  [k: string]: string | number | boolean | undefined;
}

/** Who is deciding, and the WeChat Pay Request-ID / notification that led to it, if any. */
export interface LogContext {
  fn: string;
  requestId?: string;
  notificationId?: string;
}

export function logDecision(fields: LogFields): void {
  console.log(JSON.stringify({ at: new Date().toISOString(), ...fields }));
}

/** For unexpected errors: the message and code only (stack traces can carry data). */
export function logError(fn: string, e: unknown, extra: Record<string, string | undefined> = {}): void {
  const err = e as { code?: unknown; message?: unknown; name?: unknown };
  console.error(
    JSON.stringify({
      at: new Date().toISOString(),
      fn,
      decision: "ERROR",
      error: String(err?.name ?? "Error"),
      code: err?.code !== undefined ? String(err.code) : undefined,
      message: String(err?.message ?? e).slice(0, 300),
      ...extra,
    }),
  );
}
