// cloudbaserc.json as the tcb CLI sees it: rendered by the CLI's own renderer
// (@cloudbase/toolbox ConfigParser.parseRawConfig, which @cloudbase/cli 2.12.10 bundles), with the
// values from `.env`, `.env.local` and the process environment merged as the CLI merges them.
import { readFileSync } from "node:fs";
import toolbox from "@cloudbase/toolbox";

export type Values = Record<string, string | undefined>;

export interface FunctionSpec {
  name: string;
  runtime?: string;
  path?: string;
  envVariables: Record<string, string>;
}

export interface CloudbaseConfig {
  envId?: string;
  functionRoot?: string;
  functions: FunctionSpec[];
}

export function readRawConfig(configPath: string): Record<string, unknown> {
  return JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
}

/** The values tcb fills `{{env.X}}` with when run in `root`: `.env` < `.env.local` < process.env. */
export function tcbValues(root: string, env: NodeJS.ProcessEnv = process.env): Values {
  const files = toolbox.loadEnvVariables(root) as Record<string, unknown>;
  const out: Values = {};
  for (const [k, v] of Object.entries(files)) if (typeof v === "string") out[k] = v;
  return { ...out, ...env };
}

export type Rendered = { ok: true; config: CloudbaseConfig } | { ok: false; reason: string };

/** What tcb deploys: the config rendered exactly as the CLI renders it (the process environment
 *  takes part, as in the CLI). */
export async function renderWithTcb(raw: Record<string, unknown>, root: string): Promise<Rendered> {
  try {
    return { ok: true, config: toConfig(await toolbox.ConfigParser.parseRawConfig(raw, root)) };
  } catch (e) {
    return { ok: false, reason: safeReason(e) };
  }
}

/** JSON.parse quotes a piece of the text it failed on, and here that text holds the values (the
 *  APIv3 key…): only the kind of error and its position are kept. */
function safeReason(e: unknown): string {
  if (!(e instanceof SyntaxError)) return "渲染器出错";
  const at = /position (\d+)/.exec(e.message)?.[1];
  return `渲染结果不是合法 JSON${at ? `（第 ${at} 个字符处）` : ""}`;
}

/** The shape the build and the doctor read; anything else in the file is tcb's business. */
export function toConfig(raw: Record<string, unknown>): CloudbaseConfig {
  const list = Array.isArray(raw.functions) ? (raw.functions as unknown[]) : [];
  const functions: FunctionSpec[] = [];
  for (const f of list) {
    if (typeof f !== "object" || f === null) continue;
    const r = f as Record<string, unknown>;
    if (typeof r.name !== "string") continue;
    const envVariables: Record<string, string> = {};
    if (typeof r.envVariables === "object" && r.envVariables !== null) {
      for (const [k, v] of Object.entries(r.envVariables as Record<string, unknown>))
        envVariables[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    functions.push({
      name: r.name,
      ...(typeof r.runtime === "string" ? { runtime: r.runtime } : {}),
      ...(typeof r.path === "string" ? { path: r.path } : {}),
      envVariables,
    });
  }
  return {
    ...(typeof raw.envId === "string" ? { envId: raw.envId } : {}),
    ...(typeof raw.functionRoot === "string" ? { functionRoot: raw.functionRoot } : {}),
    functions,
  };
}

/** `{{env.X}}` names a template refers to. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);
}

/** tcb pastes a value into the JSON text unescaped: a quote, a backslash or a control character
 *  (a newline in a PEM, or a double-quoted "\n" in .env.local, which dotenv turns into one) breaks
 *  the file or changes the value. */
export function survivesTcbRendering(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what breaks tcb's JSON rendering
  return !/["\\\u0000-\u001f]/.test(value);
}

/** The esbuild target for a CloudBase runtime name ("Nodejs24.11" → "node24.11"). */
export function esbuildTargetFor(runtime: string | undefined): string | undefined {
  const m = /^Nodejs(\d+)(?:\.(\d+))?$/.exec(runtime ?? "");
  return m ? `node${m[1]}${m[2] ? `.${m[2]}` : ""}` : undefined;
}
