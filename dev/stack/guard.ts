// What any web page the developer opens could otherwise do to a stack left running: a foreign Host
// (DNS rebinding: evil.example resolving to 127.0.0.1) is refused, a foreign Origin (a page's
// fetch or form) is refused, and stack endpoints take JSON only, so a browser "simple" text/plain
// POST is refused before anything runs. Callers that are not browsers (the SDKs, WeChat Pay, the
// simulator's notifier, curl) send no Origin.
import type { IncomingMessage } from "node:http";
import { StackError } from "./errors";

export interface GuardConfig {
  /** Host header values accepted: the bound address with its port. */
  hosts: ReadonlySet<string>;
  /** Origin header values accepted (the stack's own, plus STACK_ALLOWED_ORIGINS). */
  origins: ReadonlySet<string>;
}

export function guardConfig(host: string, port: number, extraOrigins: readonly string[] = []): GuardConfig {
  const name = host.includes(":") ? `[${host}]` : host;
  const hosts = new Set([`${name}:${port}`]);
  // The stack announces 127.0.0.1 when bound to "localhost"; accept both spellings then.
  if (host === "localhost") hosts.add(`127.0.0.1:${port}`);
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  for (const o of extraOrigins) origins.add(o);
  return { hosts, origins };
}

/** Parses STACK_ALLOWED_ORIGINS: comma-separated exact origins such as http://127.0.0.1:5173. */
export function parseAllowedOrigins(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function isJson(req: IncomingMessage): boolean {
  const type = req.headers["content-type"];
  return typeof type === "string" && type.split(";")[0]!.trim().toLowerCase() === "application/json";
}

export function isMultipart(req: IncomingMessage): boolean {
  const type = req.headers["content-type"];
  return typeof type === "string" && type.split(";")[0]!.trim().toLowerCase() === "multipart/form-data";
}

/**
 * The refusal for a request, or undefined to let it through. `jsonOnly`: the path is a stack
 * endpoint (everything except the cloudbaserc HTTP access routes, which like CloudBase accept any
 * body and leave trust to the function).
 */
export function refusal(req: IncomingMessage, config: GuardConfig, jsonOnly: boolean, multipartOk = false): StackError | undefined {
  const host = (req.headers.host ?? "").toLowerCase();
  if (!config.hosts.has(host)) {
    return new StackError("FORBIDDEN_HOST", `Host "${host.slice(0, 100)}" is not this stack's address`, 403);
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !config.origins.has(origin)) {
    return new StackError("FORBIDDEN_ORIGIN", `requests from web pages (Origin ${origin.slice(0, 100)}) are refused`, 403);
  }
  // multipartOk: POST /admin, where wx-server-sdk's 云调用 arrives as multipart/form-data; nothing
  // there runs before the request's TC3 signature (the per-start secret) is verified.
  if (jsonOnly && req.method === "POST" && !isJson(req) && !(multipartOk && isMultipart(req))) {
    return new StackError("UNSUPPORTED_MEDIA_TYPE", "POST bodies must be sent as Content-Type: application/json", 415);
  }
  return undefined;
}
