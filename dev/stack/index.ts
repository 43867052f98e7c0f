// The local CloudBase stack: one node:http server on loopback serving the database wire protocol,
// the function host, HTTP access routes, timers, dev stats, then plugins (e.g. the WeChat Pay sim).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { StackPlugin } from "../plugin";
import { loadFunctionConfigs } from "./config";
import type { CollectionDeclaration } from "../../shared/store/schema";
import { LOCAL_ENV_ID, writeStackFile } from "../stack-file";
import { verifyCloudApiRequest } from "./auth/cloudapi-signature";
import { verifySdkRequest } from "./auth/sdk-signature";
import { newCredentials, type Credentials } from "./auth/tc3";
import { CloudApi } from "./cloudapi";
import { AdminService } from "./db/admin";
import type { Doc } from "./db/ejson";
import { applyDeclaration } from "./db/declare";
import { StackError, errorMessage } from "./errors";
import { FunctionHost } from "./functions/host";
import { guardConfig, isMultipart, refusal, type GuardConfig } from "./guard";
import { answerOpenApi, LOCAL_TEMPLATE_IDS, MessageOutbox } from "./openapi";
import { readBody, parseJsonBody, sendJson } from "./http-body";
import { isLoopbackHost, NonLoopbackHostError } from "./loopback";
import { integrationEvent, matchRoute, routeTable, sendIntegrationResult } from "./routes";
import { TimerScheduler, timerEvent } from "./timers/scheduler";
import { callFunction, outcomeToHttp, FN_ERR } from "./functions/answer";

export { NonLoopbackHostError } from "./loopback";

/** Where the stack answers Tencent Cloud API calls (set TCB_BASE_URL to baseUrl + this). */
export const CLOUDAPI_PATH = "/cloudapi";
/** Marks a signed database request as a test's or tool's inspection: not index-checked. */
export const INSPECTION_HEADER = "x-stack-inspection";

export interface StackOptions {
  port?: number;
  host?: string;
  dataDir: string;
  functionsDirs: string[];
  configPath: string;
  plugins?: StackPlugin[];
  /** Values for `{{env.X}}` placeholders; these win over process.env and plugin defaults. */
  env?: Record<string, string>;
  /** Run timer triggers on their schedule (on-demand /timers/<fn> works either way). */
  timers?: boolean;
  /** Deliver HTTP route bodies base64-encoded even when they are valid UTF-8. */
  routeBodyBase64?: boolean;
  maxInstancesPerFunction?: number;
  /** Where function instances cache their compiled bundle (STACK_CODE_CACHE; functions/worker.mjs). */
  codeCacheDir?: string;
  /** The declared database: its collections' queries are checked against their indexes. */
  schema?: readonly CollectionDeclaration[];
  /** Create the declared collections, permissions and indexes at start (default true). */
  applySchema?: boolean;
  /** Refuse a query on a declared collection that no index serves (test stacks). */
  strictIndexes?: boolean;
  /** Origins besides the stack's own that may call it (STACK_ALLOWED_ORIGINS). */
  allowedOrigins?: string[];
  /** The per-start secret SDK callers must sign with; generated when absent. */
  credentials?: Credentials;
}

export interface RunningStack {
  baseUrl: string;
  port: number;
  credentials: Credentials;
  /** Seeds a collection in-process: adds the documents whose `_id` is missing (AdminService.insertMissing). */
  insertMissing(coll: string, docs: readonly { _id: string }[]): { added: number; existing: number };
  close(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const host = opts.host ?? "127.0.0.1";
  if (!isLoopbackHost(host)) throw new NonLoopbackHostError(host);
  const plugins = opts.plugins ?? [];
  const configs = loadFunctionConfigs(opts.configPath);
  const routes = routeTable(configs);
  const schema = opts.schema ?? [];
  const admin = new AdminService(opts.dataDir, {
    indexChecked: new Set(schema.map((c) => c.name)),
    strictIndexes: opts.strictIndexes === true,
  });
  if (opts.applySchema !== false && schema.length > 0) {
    const done = applyDeclaration(admin.catalog, schema);
    if (done.created.length || done.indexes.length) {
      console.error(
        `[stack] database: created ${done.created.length} collection(s), ${done.indexes.length} index(es) from shared/store/schema.ts`,
      );
    }
    if (done.conflicts.length)
      console.error(`[stack] indexes declared with other keys than the stored ones (left alone): ${done.conflicts.join(", ")}`);
  }
  const credentials = opts.credentials ?? newCredentials();
  const outbox = new MessageOutbox();
  const cloudApi = new CloudApi({ envId: LOCAL_ENV_ID, catalog: admin.catalog, count: (c) => admin.documentCount(c) });
  let functions: FunctionHost | undefined;
  let guard: GuardConfig | undefined;
  let baseUrl = "";

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error("[stack] internal error:", e);
      if (!res.headersSent) sendJson(res, 500, { code: "INTERNAL", message: errorMessage(e) });
      else res.destroy();
    });
  });

  /** Answers a refusal and closes the connection (the body may not have been read). */
  function refuse(res: ServerResponse, e: StackError, functionStyle: boolean): void {
    res.setHeader("connection", "close");
    if (functionStyle) sendJson(res, e.status, { errCode: FN_ERR.INVALID_PARAM, errMsg: e.message, code: e.code });
    else sendJson(res, e.status, { code: e.code, message: e.message });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = functions;
    if (!host || !guard) return sendJson(res, 503, { code: "STARTING", message: "the stack is still starting" });
    const url = new URL(req.url ?? "/", baseUrl);
    const path = url.pathname;
    const isFunctionPath = path.startsWith("/functions/") || path.startsWith("/timers/");
    const refused = refusal(req, guard, !matchRoute(routes, path), path === "/admin");
    if (refused) {
      req.resume();
      return refuse(res, refused, isFunctionPath);
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (e) {
      if (!(e instanceof StackError)) throw e;
      return refuse(res, e, isFunctionPath);
    }

    if (path === "/admin") {
      if (req.method !== "POST") return sendJson(res, 405, { code: "INVALID_PARAM", message: "POST only" });
      if (isMultipart(req)) return answerOpenApi(req, res, body, credentials, outbox);
      let parsed: unknown;
      try {
        parsed = parseJsonBody(body);
      } catch (e) {
        const err = e as StackError;
        admin.counters.requests++;
        admin.counters.errors++;
        return sendJson(res, err.status, { code: err.code, message: err.message });
      }
      const verdict = verifySdkRequest(
        { method: req.method, rawUrl: req.url ?? "/", headers: req.headers, body: parsed },
        credentials,
        Date.now(),
      );
      if (!verdict.ok) return sendJson(res, 401, { code: "SIGN_PARAM_INVALID", message: `request signature refused: ${verdict.reason}` });
      return sendJson(res, 200, admin.handle(parsed, req.headers[INSPECTION_HEADER] === "1"));
    }
    if (path === CLOUDAPI_PATH) {
      if (req.method !== "POST") return sendJson(res, 405, { code: "INVALID_PARAM", message: "POST only" });
      const action = String(req.headers["x-tc-action"] ?? "");
      const verdict = verifyCloudApiRequest(
        { method: req.method, rawUrl: req.url ?? "/", headers: req.headers, body },
        credentials,
        "tcb",
        Date.now(),
      );
      if (!verdict.ok) {
        return sendJson(res, 200, {
          Response: { Error: { Code: "AuthFailure.SignatureFailure", Message: verdict.reason }, RequestId: "" },
        });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch {
        parsed = undefined;
      }
      return sendJson(res, 200, cloudApi.handle(action, String(req.headers["x-tc-version"] ?? ""), parsed));
    }
    if (path.startsWith("/functions/")) {
      if (req.method !== "POST") return sendJson(res, 405, { errCode: FN_ERR.INVALID_PARAM, errMsg: "POST only" });
      const name = decodeName(path.slice("/functions/".length));
      if (name === undefined)
        return sendJson(res, 400, { errCode: FN_ERR.INVALID_PARAM, errMsg: "malformed percent-encoding in the function name" });
      const answer = await callFunction(host, name, req, body);
      return sendJson(res, answer.status, answer.body);
    }
    if (path.startsWith("/timers/")) {
      if (req.method !== "POST") return sendJson(res, 405, { errCode: FN_ERR.INVALID_PARAM, errMsg: "POST only" });
      const name = decodeName(path.slice("/timers/".length));
      if (name === undefined)
        return sendJson(res, 400, { errCode: FN_ERR.INVALID_PARAM, errMsg: "malformed percent-encoding in the function name" });
      if (!host.entryOf(name)) return sendJson(res, 404, { errCode: FN_ERR.NOT_FOUND, errMsg: `function ${name} not found` });
      const trigger = configs.get(name)?.timers[0]?.name ?? "manual";
      const outcome = await host.invoke(name, timerEvent(trigger, new Date()), { kind: "timer" });
      const answer = outcomeToHttp(outcome);
      return sendJson(res, answer.status, answer.body);
    }
    if (path === "/dev/messages" && req.method === "GET") {
      return sendJson(res, 200, { messages: outbox.messages });
    }
    if (path === "/dev/stats" && req.method === "GET") {
      return sendJson(res, 200, { admin: admin.counters, functions: host.counters, cloudapi: cloudApi.calls });
    }
    const routed = matchRoute(routes, path);
    if (routed) {
      if (!host.entryOf(routed)) {
        return sendJson(res, 404, { errCode: FN_ERR.NOT_FOUND, errMsg: `route ${path} → ${routed}: function not built` });
      }
      const event = integrationEvent(req, url, body, opts.routeBodyBase64 === true);
      const outcome = await host.invoke(routed, event, { kind: "http" });
      if (outcome.ok) return sendIntegrationResult(res, outcome.result);
      const answer = outcomeToHttp(outcome);
      return sendJson(res, answer.status, answer.body);
    }
    for (const plugin of plugins) {
      if (await plugin.handle(req, res, body, url)) return;
    }
    sendJson(res, 404, { code: "NOT_FOUND", message: `no route for ${req.method} ${path}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(":") ? `[${host}]` : host === "localhost" ? "127.0.0.1" : host}:${port}`;
  writeStackFile(opts.dataDir, { url: baseUrl, ...credentials });

  // Plugins start first: their functionEnv() may depend on what start() set up (e.g. dev keys).
  for (const p of plugins) await p.start?.({ baseUrl, dataDir: opts.dataDir });

  // Placeholder precedence: plugin defaults < process.env < explicit opts.env.
  const placeholderValues: Record<string, string | undefined> = { ...LOCAL_TEMPLATE_IDS };
  for (const p of plugins) Object.assign(placeholderValues, p.functionEnv?.() ?? {});
  Object.assign(placeholderValues, process.env, opts.env ?? {});
  functions = new FunctionHost({
    baseUrl,
    functionsDirs: opts.functionsDirs,
    configs,
    placeholderValues,
    maxInstancesPerFunction: opts.maxInstancesPerFunction,
    ...(opts.codeCacheDir ? { codeCacheDir: opts.codeCacheDir } : {}),
    credentials,
  });
  const fnHost = functions;
  guard = guardConfig(host, port, opts.allowedOrigins);

  const scheduler = new TimerScheduler(configs, (fn, event) => {
    if (!fnHost.entryOf(fn)) return console.error(`[stack] timer for ${fn}: function not built, skipped`);
    void fnHost.invoke(fn, event, { kind: "timer" }).then((o) => {
      if (!o.ok) console.error(`[stack] timer ${event.TriggerName} of ${fn} failed: ${o.message}`);
    });
  });

  if (opts.timers) scheduler.start();

  let closing: Promise<void> | undefined;
  return {
    baseUrl,
    port,
    credentials,
    // Plain JSON documents: already what the engine stores once a request's EJSON is parsed.
    insertMissing: (coll, docs) => admin.insertMissing(coll, docs as unknown as readonly Doc[]),
    close() {
      closing ??= (async () => {
        scheduler.stop();
        for (const p of plugins) await p.close?.();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await fnHost.close();
        admin.close();
      })();
      return closing;
    },
  };
}

function decodeName(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
