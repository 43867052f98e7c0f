// Starts the real local stack (dev/main.ts: its bundle from `npm run build` while that is current,
// else the source through tsx) as a child process: free port,
// temporary DATA_DIR, timers off unless asked, every query on a declared collection checked against
// its indexes (stop() fails when one was not served). Used by the demo, the benches and every test
// suite. Requests to the database are signed with the stack's per-start credentials (stack.json).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sign } from "@cloudbase/signature-nodejs";
import { isCurrent } from "./build-stamp";
import { readStackFile, type StackFile } from "./stack-file";

export const REPO_ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

export interface Identity {
  openid: string;
  appid?: string;
  unionid?: string;
}

export interface StartOptions {
  /** Extra environment for the stack process (also resolves cloudbaserc `{{env.X}}` placeholders). */
  env?: Record<string, string>;
  /** Reuse a data directory (it is then never deleted by stop()). */
  dataDir?: string;
  /** Defaults to build/cloudfunctions and build/test-functions (run `npm run build` first). */
  functionsDirs?: string[];
  /** cloudbaserc.json to read; defaults to the repository's. */
  configPath?: string;
  /** Run timer triggers on their schedule (default false; POST /timers/<fn> works regardless). */
  timers?: boolean;
  /** Refuse queries no declared index serves (default true: STACK_STRICT_INDEXES=1). */
  strictIndexes?: boolean;
  /** false: start with an empty database, no declared collections, no trains (STACK_SCHEMA=0). */
  schema?: boolean;
  /** false: the declared collections, but no trains seeded (STACK_SEED_TRAINS=0): a suite that never
   *  books starts in a fraction of the time (seeding the 210 trains is most of a start). */
  trains?: boolean;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface CallAnswer<T> {
  status: number;
  /** `result` of a successful call. */
  result: T;
  errCode?: number;
  errMsg?: string;
  body: unknown;
}

/** A query the stack found no index for (GET /dev/stats → admin.unindexed). */
export interface UnindexedQuery {
  collection: string;
  action: string;
  equality: string[];
  range: string[];
  other: string[];
  sort: [string, 1 | -1][];
  reason: string;
}

export interface LocalStack {
  baseUrl: string;
  dataDir: string;
  /** The contents of $DATA_DIR/stack.json: url and the credentials the SDK must sign with. */
  connection: StackFile;
  /** One database wire request (POST /admin), signed the way the SDK signs it. */
  admin(body: Record<string, unknown>): Promise<HttpAnswer>;
  /** Queries the stack found no index for, so far. */
  unindexed(): Promise<UnindexedQuery[]>;
  /** POST /functions/<fn> like wx.cloud.callFunction, with the caller identity as x-wx-* headers. */
  call<T = unknown>(fn: string, data?: unknown, identity?: Identity): Promise<CallAnswer<T>>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer>;
  get(path: string, headers?: Record<string, string>): Promise<HttpAnswer>;
  /** Sends a signal (e.g. SIGKILL for durability tests) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the stack (SIGTERM) and removes DATA_DIR if this helper created it. Fails when the stack
   *  served a query no index serves, unless `allowUnindexed` (a test that makes one on purpose). */
  stop(opts?: { allowUnindexed?: boolean }): Promise<void>;
  /** Everything the stack wrote to stderr so far (function logs included). */
  stderr(): string;
}

// Start includes seeding 210 trains through the SDK: seconds alone, far more on a loaded machine.
const READY_TIMEOUT_MS = 50_000;

/** `npm run build`'s bundle of the stack while its stamp matches (nothing it was built from changed:
 *  dev/build-stamp.ts; it starts in about half the CPU time); otherwise dev/main.ts through tsx. */
export function stackEntry(root = REPO_ROOT): string[] {
  const bundle = join(root, "build", "dev-stack", "main.mjs");
  if (isCurrent(join(root, "build", ".stamps", "dev-stack.json"))) return [bundle];
  return ["--import", "tsx", join(root, "dev", "main.ts")];
}

export async function launchStack(opts: StartOptions = {}): Promise<LocalStack> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "stack-test-"));
  const functionsDirs = opts.functionsDirs ?? [join(REPO_ROOT, "build", "cloudfunctions"), join(REPO_ROOT, "build", "test-functions")];
  const child = spawn(process.execPath, stackEntry(), {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...opts.env,
      PORT: "0",
      DATA_DIR: dataDir,
      FUNCTIONS_DIRS: functionsDirs.join(delimiter),
      CLOUDBASERC: opts.configPath ?? join(REPO_ROOT, "cloudbaserc.json"),
      TIMERS: opts.timers ? "1" : "0",
      STACK_STRICT_INDEXES: opts.strictIndexes === false ? "0" : "1",
      STACK_SCHEMA: opts.schema === false ? "0" : "1",
      STACK_SEED_TRAINS: opts.trains === false ? "0" : "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));

  let baseUrl: string;
  try {
    baseUrl = await waitForReady(child, () => stderr);
  } catch (e) {
    child.kill("SIGKILL");
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }

  const connection = readStackFile(dataDir);
  const request = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
    let payload: string | Buffer | undefined;
    const h: Record<string, string> = { ...headers };
    if (typeof body === "string" || Buffer.isBuffer(body)) payload = body;
    else if (body !== undefined) payload = JSON.stringify(body);
    // Every stack endpoint takes JSON only; a test sending something else says so.
    if (method === "POST" && !Object.keys(h).some((k) => k.toLowerCase() === "content-type")) h["content-type"] = "application/json";
    const res = await fetch(baseUrl + path, { method, headers: h, body: payload });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };

  const unindexed = async (): Promise<UnindexedQuery[]> => {
    const stats = (await request("GET", "/dev/stats", undefined, {})).json as { admin: { unindexed: UnindexedQuery[] } };
    return stats.admin.unindexed;
  };

  let stopped = false;
  return {
    baseUrl,
    dataDir,
    connection,
    admin: (body) => {
      const url = `${baseUrl}/admin?env=local-env`;
      return request("POST", "/admin?env=local-env", body, signedHeaders(connection, url, body));
    },
    unindexed,
    async call<T>(fn: string, data: unknown = {}, identity?: Identity): Promise<CallAnswer<T>> {
      const headers: Record<string, string> = {};
      if (identity) {
        headers["x-wx-openid"] = identity.openid;
        if (identity.appid) headers["x-wx-appid"] = identity.appid;
        if (identity.unionid) headers["x-wx-unionid"] = identity.unionid;
      }
      const res = await request("POST", `/functions/${encodeURIComponent(fn)}`, data, headers);
      const body = (res.json ?? {}) as { result?: T; errCode?: number; errMsg?: string };
      return { status: res.status, result: body.result as T, errCode: body.errCode, errMsg: body.errMsg, body: res.json };
    },
    post: (path, body, headers = {}) => request("POST", path, body, headers),
    get: (path, headers = {}) => request("GET", path, undefined, headers),
    async kill(signal: NodeJS.Signals = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    async stop(stopOpts = {}) {
      if (stopped) return;
      stopped = true;
      let misses: UnindexedQuery[] = [];
      const alive = child.exitCode === null && child.signalCode === null;
      if (alive && opts.strictIndexes !== false && !stopOpts.allowUnindexed) misses = await unindexed().catch(() => []);
      if (alive) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      if (misses.length > 0) {
        throw new Error(
          `queries no declared index serves (see docs/database.md):\n${misses.map((m) => `  ${JSON.stringify(m)}`).join("\n")}`,
        );
      }
    },
    stderr: () => stderr,
  };
}

/** The headers @cloudbase/node-sdk sends for a database request to `url`, signed by the SDK's own
 *  signer with the stack's credentials (valid for the 600 s the SDK declares). */
export function signedHeaders(conn: StackFile, url: string, body: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", Host: new URL(url).host, "User-Agent": "stack-test" };
  const { authorization, timestamp } = sign({
    secretId: conn.secretId,
    secretKey: conn.secretKey,
    method: "post",
    url,
    params: body,
    headers,
    withSignedParams: true,
    timestamp: Math.floor(Date.now() / 1000) - 1,
  });
  // fetch sets Host itself (the same value, from the URL).
  const { Host: _host, ...sent } = headers;
  return { ...sent, Authorization: authorization, "X-Timestamp": String(timestamp) };
}

function waitForReady(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let out = "";
    const timer = setTimeout(() => fail(`stack not ready after ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /^ready (http:\/\/127\.0\.0\.1:\d+)\n/m.exec(out);
      if (m?.[1]) {
        cleanup();
        resolvePromise(m[1]);
      }
    };
    const onExit = (code: number | null, signal: string | null) => fail(`stack exited (code ${code}, signal ${signal}) before ready`);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
    };
    const fail = (why: string) => {
      cleanup();
      reject(new Error(`${why}\n--- stack stderr ---\n${stderr()}`));
    };
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}
