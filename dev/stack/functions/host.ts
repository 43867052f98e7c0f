// Runs built functions (build/.../<name>/index.js exporting main) the way CloudBase does: the SDK
// pointed at this stack through TCB_CONTEXT_CNFG, the caller's identity in WX_* variables per call,
// the declared timeout, and the function's envVariables from cloudbaserc.json.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomUUID } from "node:crypto";
import { DEFAULT_TIMEOUT_SECONDS, resolveEnvVariables, type FunctionConfig } from "../config";
import type { Credentials } from "../auth/tc3";
import { FunctionPool, type CodeCacheUse, type Outcome } from "./pool";

export interface Identity {
  openid: string;
  appid?: string;
  unionid?: string;
  clientIp?: string;
}

/** How the call arrived; decides the per-call WX_* / TCB_SOURCE variables. */
export type CallSource = { kind: "callFunction"; identity?: Identity } | { kind: "http" } | { kind: "timer" };

export interface HostOptions {
  baseUrl: string;
  functionsDirs: string[];
  configs: Map<string, FunctionConfig>;
  /** Values for `{{env.X}}` placeholders, already merged by precedence. */
  placeholderValues: Record<string, string | undefined>;
  maxInstancesPerFunction?: number;
  /** Where instances cache their compiled bundle (functions/worker.mjs); undefined: none. */
  codeCacheDir?: string;
  /** The stack's per-start secret: what SCF's TENCENTCLOUD_SECRETID/SECRETKEY are to a function. */
  credentials: Credentials;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const DEFAULT_MAX_INSTANCES = 8;

export interface HostCounters {
  calls: number;
  failures: number;
  timeouts: number;
  byFunction: Record<string, number>;
  /** Instance loads by how they used the code cache. */
  codeCache: Record<CodeCacheUse, number>;
}

export class FunctionHost {
  private readonly pools = new Map<string, FunctionPool>();
  readonly counters: HostCounters = {
    calls: 0,
    failures: 0,
    timeouts: 0,
    byFunction: {},
    codeCache: { used: 0, made: 0, rejected: 0, off: 0 },
  };

  constructor(private readonly opts: HostOptions) {}

  /** Path of the built entry for a function name, or undefined when no functions dir has it. */
  entryOf(name: string): string | undefined {
    if (!NAME.test(name)) return undefined;
    for (const dir of this.opts.functionsDirs) {
      const entry = resolve(join(dir, name, "index.js"));
      if (existsSync(entry)) return entry;
    }
    return undefined;
  }

  timeoutMs(name: string): number {
    return (this.opts.configs.get(name)?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  }

  /** Runs the function; the caller has checked entryOf(name) first. */
  async invoke(name: string, event: unknown, source: CallSource): Promise<Outcome> {
    const entry = this.entryOf(name);
    if (!entry) return { ok: false, kind: "load", message: `function ${name} not found` };
    this.counters.calls++;
    this.counters.byFunction[name] = (this.counters.byFunction[name] ?? 0) + 1;
    const callEnv = perCallEnv(source);
    const timeoutMs = this.timeoutMs(name);
    const context = {
      request_id: randomUUID(),
      function_name: name,
      function_version: "$LATEST",
      namespace: "local-env",
      memory_limit_in_mb: this.opts.configs.get(name)?.memorySize ?? 256,
      time_limit_in_ms: timeoutMs,
      tencentcloud_region: "ap-shanghai",
      // node-sdk's getCloudbaseContext(context) reads per-call variables from here first.
      environment: JSON.stringify(callEnv),
    };
    const outcome = await this.pool(name, entry).invoke({ event, context, callEnv }, timeoutMs);
    if (!outcome.ok) {
      this.counters.failures++;
      if (outcome.kind === "timeout") this.counters.timeouts++;
    }
    return outcome;
  }

  private pool(name: string, entry: string): FunctionPool {
    const key = `${name}\u0000${entry}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new FunctionPool(
        entry,
        this.instanceEnv(name),
        this.opts.maxInstancesPerFunction ?? DEFAULT_MAX_INSTANCES,
        this.opts.codeCacheDir,
        (use) => this.counters.codeCache[use]++,
      );
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** The environment of every instance of a function (what SCF sets, plus declared envVariables). */
  private instanceEnv(name: string): Record<string, string> {
    const declared = this.opts.configs.get(name)?.envVariables ?? {};
    const env: Record<string, string> = {};
    for (const k of ["PATH", "HOME", "LANG", "TZ"]) {
      const v = process.env[k];
      if (v !== undefined) env[k] = v;
    }
    Object.assign(env, resolveEnvVariables(declared, this.opts.placeholderValues), {
      TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${this.opts.baseUrl}/admin` }),
      TENCENTCLOUD_SECRETID: this.opts.credentials.secretId,
      TENCENTCLOUD_SECRETKEY: this.opts.credentials.secretKey,
      TENCENTCLOUD_RUNENV: "SCF",
      TENCENTCLOUD_REGION: "ap-shanghai",
      SCF_NAMESPACE: "local-env",
      SCF_FUNCTIONNAME: name,
    });
    return env;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}

function perCallEnv(source: CallSource): Record<string, string> {
  if (source.kind !== "callFunction" || !source.identity) return {};
  const id = source.identity;
  const env: Record<string, string> = {
    WX_OPENID: id.openid,
    WX_CLIENTIP: id.clientIp ?? "127.0.0.1",
    TCB_SOURCE: "wx_client",
  };
  if (id.appid) env.WX_APPID = id.appid;
  if (id.unionid) env.WX_UNIONID = id.unionid;
  env.WX_CONTEXT_KEYS = ["WX_OPENID", "WX_APPID", "WX_UNIONID", "WX_CLIENTIP"].filter((k) => k in env).join(",");
  return env;
}
