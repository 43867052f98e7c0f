import type { HttpEvent } from "./http-access";

// The caller as CloudBase states it: environment variables set per invocation (what
// cloud.getWXContext() reads). Fields of the event are client input and never identity.
export interface Caller {
  openid: string;
  appid: string;
  unionid?: string;
}

export function callerFromEnv(env: NodeJS.ProcessEnv = process.env): Caller | undefined {
  const keys = (env.WX_CONTEXT_KEYS ?? "").split(",").map((k) => k.trim());
  const read = (k: string): string | undefined => (keys.includes(k) && env[k] ? String(env[k]) : undefined);
  const openid = read("WX_OPENID");
  if (!openid) return undefined;
  const unionid = read("WX_UNIONID");
  return { openid, appid: read("WX_APPID") ?? "", ...(unionid ? { unionid } : {}) };
}

/** A mini-program user is behind this call: `wx.cloud.callFunction` from a mini-program always
 *  carries the caller's WX_OPENID (what cloud.getWXContext() reads). Documented and certain, unlike
 *  the Web SDK's TCB_UUID / TCB_ISANONYMOUS_USER …, whose presence on HTTP-access and timer calls is
 *  not documented — so those are never used to refuse a call. */
export function hasMiniProgramCaller(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.WX_OPENID);
}

/** The event CloudBase hands a function behind an HTTP access route: `httpMethod` and `headers`,
 *  the body as a string (absent or null without one). A callFunction event is the caller's own data. */
export function isHttpAccessEvent(event: unknown): event is HttpEvent {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return false;
  const e = event as Record<string, unknown>;
  const headers = e.headers;
  return (
    typeof e.httpMethod === "string" &&
    typeof headers === "object" &&
    headers !== null &&
    !Array.isArray(headers) &&
    (e.body === undefined || e.body === null || typeof e.body === "string") &&
    (e.isBase64Encoded === undefined || typeof e.isBase64Encoded === "boolean")
  );
}
