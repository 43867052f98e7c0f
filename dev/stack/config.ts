// cloudbaserc.json as the stack needs it: per-function timeout, env variables, HTTP path, timers.
import { readFileSync, existsSync } from "node:fs";
import { isPlainObject } from "./http-body";

export interface TimerTrigger {
  name: string;
  config: string;
}

export interface FunctionConfig {
  name: string;
  timeoutSeconds: number;
  memorySize: number;
  /** Raw values, possibly with `{{env.X}}` placeholders. */
  envVariables: Record<string, string>;
  path?: string;
  timers: TimerTrigger[];
}

/** Functions not declared in cloudbaserc.json (test fixtures) get CloudBase's default timeout. */
export const DEFAULT_TIMEOUT_SECONDS = 3;

export function loadFunctionConfigs(configPath: string): Map<string, FunctionConfig> {
  const out = new Map<string, FunctionConfig>();
  if (!existsSync(configPath)) return out;
  const raw = JSON.parse(readFileSync(configPath, "utf8")) as unknown;
  const list = isPlainObject(raw) && Array.isArray(raw.functions) ? raw.functions : [];
  for (const f of list) {
    if (!isPlainObject(f) || typeof f.name !== "string") continue;
    const env: Record<string, string> = {};
    if (isPlainObject(f.envVariables)) {
      for (const [k, v] of Object.entries(f.envVariables)) if (typeof v === "string") env[k] = v;
    }
    const timers: TimerTrigger[] = [];
    if (Array.isArray(f.triggers)) {
      for (const t of f.triggers) {
        if (isPlainObject(t) && t.type === "timer" && typeof t.name === "string" && typeof t.config === "string") {
          timers.push({ name: t.name, config: t.config });
        }
      }
    }
    out.set(f.name, {
      name: f.name,
      timeoutSeconds: typeof f.timeout === "number" && f.timeout > 0 ? f.timeout : DEFAULT_TIMEOUT_SECONDS,
      memorySize: typeof f.memorySize === "number" ? f.memorySize : 256,
      envVariables: env,
      path: typeof f.path === "string" ? f.path : undefined,
      timers,
    });
  }
  return out;
}

/**
 * Fills `{{env.X}}` placeholders the way tcb does. A variable whose placeholder has no value is
 * left out entirely (an empty string would look configured).
 */
export function resolveEnvVariables(vars: Record<string, string>, sources: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(vars)) {
    let missing = false;
    const value = template.replace(/\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, key: string) => {
      const v = sources[key];
      if (v === undefined) missing = true;
      return v ?? "";
    });
    if (!missing) out[name] = value;
  }
  return out;
}
