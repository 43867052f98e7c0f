// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries
// it), Secure everywhere but a loopback host (plain http://127.0.0.1 in development), scoped to /ops.
import { SESSION_TTL_MS } from "../sessions";

export const SESSION_COOKIE = "ops_session";

export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/ops; Max-Age=${SESSION_TTL_MS / 1000}; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
}

export function clearedCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/ops; Max-Age=0; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
}
