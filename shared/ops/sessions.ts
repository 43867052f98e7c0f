// Console sessions: a random token goes to the browser (cookie); only its SHA-256 is stored, with an
// expiry. Anyone reading the database cannot log in with what is there.
import { createHash, randomBytes } from "node:crypto";
import type { OpsStoreDeps } from "./deps";
import type { OpsSessionDoc } from "./model";

/** A working day: staff log in again the next morning. */
export const SESSION_TTL_MS = 8 * 3600_000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const idOf = (token: string): string => createHash("sha256").update(token).digest("hex");

export async function openSession(deps: OpsStoreDeps, username: string): Promise<{ token: string; session: OpsSessionDoc }> {
  const now = deps.now();
  const token = randomBytes(32).toString("base64url");
  const session: OpsSessionDoc = {
    _id: idOf(token),
    username,
    csrfToken: randomBytes(24).toString("base64url"),
    createdAt: now,
    expiresAt: now + SESSION_TTL_MS,
  };
  await deps.ops.sessions.insert(session);
  // Expired sessions are swept here rather than by a timer of their own.
  await deps.ops.sessions.remove({ expiresAt: { $lte: now } });
  return { token, session };
}

/** The live session for a cookie value, or undefined (unknown, malformed or expired). */
export async function sessionOf(deps: OpsStoreDeps, token: string | undefined): Promise<OpsSessionDoc | undefined> {
  if (!token || !TOKEN.test(token)) return undefined;
  const s = await deps.ops.sessions.get(idOf(token));
  return s && s.expiresAt > deps.now() ? s : undefined;
}

export async function closeSession(deps: OpsStoreDeps, token: string | undefined): Promise<void> {
  if (token && TOKEN.test(token)) await deps.ops.sessions.remove({ _id: idOf(token) });
}

/** Every session of an operator (disabled, password changed). */
export async function closeSessionsOf(deps: OpsStoreDeps, username: string): Promise<void> {
  await deps.ops.sessions.remove({ username });
}
