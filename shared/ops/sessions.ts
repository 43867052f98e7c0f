// Console sessions: a random token goes to the browser (cookie); only its SHA-256 is stored, with an
// expiry. Anyone reading the database cannot log in with what is there.
import { createHash, randomBytes } from "node:crypto";
import { cmd } from "../store/db";
import type { OpsSessionDoc } from "./model";
import { opsSessions } from "./store";

/** A working day: staff log in again the next morning. */
export const SESSION_TTL_MS = 8 * 3600_000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const idOf = (token: string): string => createHash("sha256").update(token).digest("hex");

export async function openSession(username: string, now: number): Promise<{ token: string; session: OpsSessionDoc }> {
  const token = randomBytes(32).toString("base64url");
  const session: OpsSessionDoc = { _id: idOf(token), username, csrfToken: randomBytes(24).toString("base64url"), createdAt: now, expiresAt: now + SESSION_TTL_MS };
  await opsSessions.insert(session);
  // Expired sessions are swept here, a few at a time, rather than by a timer of their own.
  await opsSessions.remove({ expiresAt: cmd().lte(now) });
  return { token, session };
}

/** The live session for a cookie value, or undefined (unknown, malformed or expired). */
export async function sessionOf(token: string | undefined, now: number): Promise<OpsSessionDoc | undefined> {
  if (!token || !TOKEN.test(token)) return undefined;
  const s = await opsSessions.get(idOf(token));
  return s && s.expiresAt > now ? s : undefined;
}

export async function closeSession(token: string | undefined): Promise<void> {
  if (token && TOKEN.test(token)) await opsSessions.remove({ _id: idOf(token) });
}

/** Every session of an operator (disabled, password changed). */
export async function closeSessionsOf(username: string): Promise<void> {
  await opsSessions.remove({ username });
}
