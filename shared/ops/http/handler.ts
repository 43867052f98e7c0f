// The ops function's edge: the page and its JSON API from one origin. Parses the request, applies
// the same-origin and CSRF checks to anything that changes state, finds the operator behind the
// session cookie, checks the route's role, calls the core and answers. Logs one line per request:
// route, status, operator — never a cookie, token, password or body.
import { timingSafeEqual } from "node:crypto";
import { DEFAULT_MESSAGES } from "../../errors";
import type { HttpAnswer, HttpEvent } from "../../runtime/http-access";
import { logDecision, logError } from "../../runtime/log";
import { atLeast, type Actor } from "../authz";
import { CSRF_HEADER, type SessionView } from "../contract";
import type { OpsDeps } from "../deps";
import { asTyped, OpsError } from "../errors";
import { activeOperator, login } from "../operators";
import { closeSession, openSession, sessionOf } from "../sessions";
import { serveAsset, type AssetStore } from "./assets";
import { clearedCookie, SESSION_COOKIE, sessionCookie } from "./cookies";
import { jsonBody, loginInput } from "./input";
import { BASE, hostOf, parseRequest, type OpsRequest } from "./request";
import { error, json, redirect } from "./reply";
import { matchApi } from "./routes";

export interface OpsEnv {
  assets: AssetStore;
  deps: OpsDeps;
  /** The console's public origin (https://…) in production; unset locally (loopback only). */
  origin?: string;
}

export async function handleOps(event: HttpEvent, env: OpsEnv): Promise<HttpAnswer> {
  const started = Date.now();
  const parsed = parseRequest(event);
  if ("tooLarge" in parsed) return error("INVALID_ARGUMENT", "请求体过大");
  const req = parsed;
  let operator: string | undefined;
  let answer: HttpAnswer;
  try {
    const r = await route(req, env, (a) => (operator = a));
    answer = r;
  } catch (e) {
    const typed = asTyped(e);
    if (!typed) logError("ops", e, { path: req.path });
    answer = typed ? error(typed.code, typed.message) : error("INTERNAL", DEFAULT_MESSAGES.INTERNAL);
  }
  if (req.path.startsWith("/api/"))
    logDecision({
      fn: "ops",
      decision: "HTTP",
      method: req.method,
      path: routeName(req.path),
      status: answer.statusCode,
      operator,
      ms: Date.now() - started,
    });
  return answer;
}

/** Ids in paths are not secrets, but the log groups by route: digits and ids become ":". */
const routeName = (path: string) =>
  path
    .replace(/\/[0-9a-f]{24}(?=\/|$)/g, "/:id")
    .replace(/\/\d{4}-\d{2}-\d{2}(?=\/|$)/g, "/:date")
    .replace(/\/exceptions\/[^/]+/, "/exceptions/:key");

async function route(req: OpsRequest, env: OpsEnv, who: (name: string) => void): Promise<HttpAnswer> {
  if (!allowedHost(req, env)) return error("FORBIDDEN", "Host 不被允许");
  if (req.path === "") return redirect(`${BASE}/`);
  if (!req.path.startsWith("/api/")) {
    if (req.method !== "GET" && req.method !== "HEAD") return error("INVALID_ARGUMENT", "不支持的请求方法");
    const name = req.path === "/" ? "index.html" : req.path.startsWith("/assets/") ? req.path.slice("/assets/".length) : "";
    return serveAsset(env.assets, name, req.headers["accept-encoding"]) ?? error("NOT_FOUND", "页面不存在");
  }
  const api = req.path.slice("/api/".length);
  const changes = req.method !== "GET" && req.method !== "HEAD";
  if (changes) sameOrigin(req, env);
  const secure = !hostOf(req).loopback;

  if (api === "login" && req.method === "POST") {
    // Before a session exists the CSRF header must still be present: a cross-site form cannot set it.
    if (!req.headers[CSRF_HEADER]) throw new OpsError("FORBIDDEN", "缺少 CSRF 请求头");
    const input = loginInput(jsonBody(req.body));
    const actor = await login(env.deps, input.username, input.password);
    who(actor.username);
    const { token, session } = await openSession(env.deps, actor.username);
    const view: SessionView = { username: actor.username, role: actor.role, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    return json(200, view, { "set-cookie": sessionCookie(token, secure) });
  }

  const token = req.cookies[SESSION_COOKIE];
  const session = await sessionOf(env.deps, token);
  const actor: Actor | undefined = session ? await activeOperator(env.deps, session.username) : undefined;
  if (!session || !actor) return error("UNAUTHENTICATED", "请先登录", token ? { "set-cookie": clearedCookie(secure) } : {});
  who(actor.username);
  if (changes && !sameToken(req.headers[CSRF_HEADER], session.csrfToken)) throw new OpsError("FORBIDDEN", "CSRF 校验失败，请刷新页面");

  if (api === "session" && req.method === "GET") {
    const view: SessionView = { username: actor.username, role: actor.role, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    return json(200, view);
  }
  if (api === "logout" && req.method === "POST") {
    await closeSession(env.deps, token);
    return json(200, { ok: true }, { "set-cookie": clearedCookie(secure) });
  }
  const found = matchApi(req.method, api);
  if (found === undefined) return error("NOT_FOUND", "接口不存在");
  if (found === "method") return error("INVALID_ARGUMENT", "不支持的请求方法");
  if (!atLeast(actor.role, found.route.role)) throw new OpsError("FORBIDDEN", "当前角色无权执行此操作");
  return found.route.run({ req, actor, params: found.params, deps: env.deps });
}

/** Production: only the configured host. Locally: only loopback names (no DNS rebinding). */
function allowedHost(req: OpsRequest, env: OpsEnv): boolean {
  if (env.origin) return hostOf(req).host === new URL(env.origin).host;
  return hostOf(req).loopback;
}

/** A state-changing request must come from a page of this origin (Origin, and Sec-Fetch-Site when
 *  the browser sends it), with a JSON body a cross-site form cannot produce. */
function sameOrigin(req: OpsRequest, env: OpsEnv): void {
  const { host, loopback } = hostOf(req);
  const own = env.origin ? new URL(env.origin).origin : `${loopback ? "http" : "https"}://${host}`;
  if (req.headers.origin !== own) throw new OpsError("FORBIDDEN", "跨站请求被拒绝");
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin") throw new OpsError("FORBIDDEN", "跨站请求被拒绝");
  if (req.body !== "" && !(req.headers["content-type"] ?? "").toLowerCase().startsWith("application/json"))
    throw new OpsError("FORBIDDEN", "请求体必须是 JSON");
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
