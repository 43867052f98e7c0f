// The HTTP access event → what the console's routes read. Header names lower-cased; the path
// relative to /ops whether or not the platform kept the route prefix.
import type { HttpEvent } from "../../runtime/http-access";

export const BASE = "/ops";
/** Larger bodies are refused: the console sends a few small JSON objects. */
const MAX_BODY = 64 * 1024;

export interface OpsRequest {
  method: string;
  /** "/", "/api/orders", "/assets/app-X.js" … */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  body: string;
}

export function parseRequest(event: HttpEvent): OpsRequest | { tooLarge: true } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (typeof v === "string") headers[k.toLowerCase()] = v;
  const raw = event.body ?? "";
  const body = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  if (Buffer.byteLength(body) > MAX_BODY) return { tooLarge: true };
  let path = event.path || "/";
  if (path === BASE || path.startsWith(BASE + "/")) path = path.slice(BASE.length) || "";
  return {
    method: (event.httpMethod || "GET").toUpperCase(),
    path,
    query: { ...(event.queryStringParameters ?? {}) },
    headers,
    cookies: parseCookies(headers.cookie),
    body,
  };
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    // The first of a duplicated name wins (browsers send the most specific path first).
    if (!(name in out)) out[name] = part.slice(i + 1).trim();
  }
  return out;
}

/** The request's own origin as the browser names it, and whether it is a loopback (dev) host. */
export function hostOf(req: OpsRequest): { host: string; loopback: boolean } {
  const host = (req.headers.host ?? "").toLowerCase();
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0]!;
  return { host, loopback: name === "localhost" || name === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(name) };
}
