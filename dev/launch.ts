// Starts the real local stack (`node --import tsx dev/main.ts`) as a child process: free port,
// temporary DATA_DIR, timers off unless asked. Used by the demo, the benches and every test suite.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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

export interface LocalStack {
  baseUrl: string;
  dataDir: string;
  /** POST /functions/<fn> like wx.cloud.callFunction, with the caller identity as x-wx-* headers. */
  call<T = unknown>(fn: string, data?: unknown, identity?: Identity): Promise<CallAnswer<T>>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer>;
  get(path: string, headers?: Record<string, string>): Promise<HttpAnswer>;
  /** Sends a signal (e.g. SIGKILL for durability tests) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the stack (SIGTERM) and removes DATA_DIR if this helper created it. */
  stop(): Promise<void>;
  /** Everything the stack wrote to stderr so far (function logs included). */
  stderr(): string;
}

const READY_TIMEOUT_MS = 30_000;

export async function launchStack(opts: StartOptions = {}): Promise<LocalStack> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "stack-test-"));
  const functionsDirs = opts.functionsDirs ?? [join(REPO_ROOT, "build", "cloudfunctions"), join(REPO_ROOT, "build", "test-functions")];
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "dev", "main.ts")], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...opts.env,
      PORT: "0",
      DATA_DIR: dataDir,
      FUNCTIONS_DIRS: functionsDirs.join(delimiter),
      CLOUDBASERC: opts.configPath ?? join(REPO_ROOT, "cloudbaserc.json"),
      TIMERS: opts.timers ? "1" : "0",
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

  const request = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
    let payload: string | Buffer | undefined;
    const h: Record<string, string> = { ...headers };
    if (typeof body === "string" || Buffer.isBuffer(body)) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
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

  let stopped = false;
  return {
    baseUrl,
    dataDir,
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
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
    stderr: () => stderr,
  };
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
