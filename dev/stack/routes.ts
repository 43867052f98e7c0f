// HTTP access routes (cloudbaserc `path`): the request becomes the CloudBase integration event and
// the function's `{ statusCode, headers, body, isBase64Encoded }` becomes the HTTP answer.
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { FunctionConfig } from "./config";
import { isPlainObject } from "./http-body";

export interface IntegrationEvent {
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  queryStringParameters: Record<string, string>;
  requestContext: Record<string, unknown>;
  body: string;
  isBase64Encoded: boolean;
}

/** Route path → function name, longest path first so nested routes win. */
export function routeTable(configs: Map<string, FunctionConfig>): [string, string][] {
  const out: [string, string][] = [];
  for (const c of configs.values()) if (c.path) out.push([c.path.replace(/\/+$/, "") || "/", c.name]);
  return out.sort((a, b) => b[0].length - a[0].length);
}

/** The function serving a request path: an exact match or a sub-path of a route. */
export function matchRoute(table: [string, string][], pathname: string): string | undefined {
  for (const [path, fn] of table) {
    if (pathname === path || pathname.startsWith(path === "/" ? "/" : path + "/")) return fn;
  }
  return undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function isUtf8(body: Buffer): boolean {
  try {
    utf8.decode(body);
    return true;
  } catch {
    return false;
  }
}

export function integrationEvent(req: IncomingMessage, url: URL, body: Buffer, forceBase64: boolean): IntegrationEvent {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const base64 = forceBase64 || !isUtf8(body);
  return {
    path: url.pathname,
    httpMethod: req.method ?? "GET",
    headers,
    queryStringParameters: query,
    requestContext: {
      requestId: randomUUID(),
      envId: "local-env",
      httpMethod: req.method ?? "GET",
      path: url.pathname,
      sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
      stage: "release",
    },
    body: body.toString(base64 ? "base64" : "utf8"),
    isBase64Encoded: base64,
  };
}

/** Writes the function's integration response; a plain value is answered as JSON like CloudBase does. */
export function sendIntegrationResult(res: ServerResponse, result: unknown): void {
  if (!isPlainObject(result) || typeof result.statusCode !== "number") {
    const text = JSON.stringify(result ?? null);
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    res.end(text);
    return;
  }
  const headers: Record<string, string> = {};
  if (isPlainObject(result.headers)) {
    for (const [k, v] of Object.entries(result.headers)) if (v !== undefined && v !== null) headers[k] = String(v);
  }
  let body: Buffer;
  if (typeof result.body === "string") body = Buffer.from(result.body, result.isBase64Encoded === true ? "base64" : "utf8");
  else if (result.body === undefined || result.body === null) body = Buffer.alloc(0);
  else body = Buffer.from(JSON.stringify(result.body));
  res.writeHead(result.statusCode, headers);
  res.end(body);
}
