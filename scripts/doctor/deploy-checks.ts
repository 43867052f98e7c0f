// What tcb will deploy: cloudbaserc.json rendered by the CLI's own renderer, each function's
// environment single-line and within 4 KB, the built folders complete and current, the key files
// kept out of git.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { envBytes, largestVariable, SCF_ENV_LIMIT_BYTES } from "../deploy/function-env";
import { isKeyFileVariable, pathProblem, pathsIn, sameInFunction } from "../deploy/key-files";
import { placeholdersOf, renderWithTcb, survivesTcbRendering, toConfig, type CloudbaseConfig, type Values } from "../deploy/tcb-config";
import { error, ok, warn, type Finding } from "./findings";

const KEY_FIX = "密钥与证书请写文件路径（secrets/…），不要把 PEM 内容写进 .env.local；其它值去掉引号、反斜杠与换行";

/** Rendering with the CLI's renderer, then each function's environment. */
export async function checkRendering(
  raw: Record<string, unknown>,
  root: string,
  values: Values,
): Promise<{ findings: Finding[]; rendered?: CloudbaseConfig }> {
  const out: Finding[] = [];
  const used = new Set(toConfig(raw).functions.flatMap((f) => Object.values(f.envVariables).flatMap(placeholdersOf)));
  used.add("TCB_ENV_ID");
  const broken = [...used].filter((k) => !survivesTcbRendering(values[k] ?? "")).sort();
  for (const k of broken)
    out.push(
      error(k, "含有 tcb 渲染 cloudbaserc.json 时不能原样保留的字符（换行、引号或反斜杠）：tcb 会报 JSON 错误或改掉这个值", KEY_FIX),
    );
  const rendered = await renderWithTcb(raw, root);
  if (!rendered.ok) {
    out.push(error("cloudbaserc.json", `tcb 渲染失败：${rendered.reason}`, broken.length ? `先修复上面的 ${broken.join("、")}` : KEY_FIX));
    return { findings: out };
  }
  out.push(ok("cloudbaserc.json", "tcb 的渲染器（@cloudbase/toolbox）渲染后是合法 JSON"));
  let largest = 0;
  let oversized = false;
  for (const fn of rendered.config.functions) {
    const bytes = envBytes(fn.envVariables);
    largest = Math.max(largest, bytes);
    if (bytes > SCF_ENV_LIMIT_BYTES) {
      oversized = true;
      out.push(
        error(
          `${fn.name} 的环境变量`,
          `共 ${bytes} 字节，超过云函数 ${SCF_ENV_LIMIT_BYTES} 字节上限（最大的是 ${largestVariable(fn.envVariables)}）`,
          KEY_FIX,
        ),
      );
    }
    for (const [k, v] of Object.entries(fn.envVariables))
      if (/[\r\n]/.test(v)) out.push(error(`${fn.name} 的 ${k}`, "渲染后含换行", KEY_FIX));
  }
  if (!oversized) out.push(ok("环境变量大小", `每个函数都在 ${SCF_ENV_LIMIT_BYTES} 字节以内（最大 ${largest} 字节）`));
  const runtimes = [...new Set(rendered.config.functions.map((f) => f.runtime ?? "（默认）"))];
  out.push(ok("运行环境", runtimes.join("、")));
  return { findings: out, rendered: rendered.config };
}

/** The built folders: every function built, each key file its environment names inside it, current. */
export function checkBuild(config: CloudbaseConfig, raw: Record<string, unknown>, root: string, values: Values): Finding[] {
  const out: Finding[] = [];
  const fnRoot = resolve(root, config.functionRoot ?? "build/cloudfunctions");
  const templates = new Map(toConfig(raw).functions.map((f) => [f.name, Object.values(f.envVariables).flatMap(placeholdersOf)]));
  let files = 0;
  for (const fn of config.functions) {
    const dir = join(fnRoot, fn.name);
    if (!existsSync(join(dir, "index.js"))) {
      out.push(error(`${fn.name}`, `未构建（${dir} 里没有 index.js）`, "npm run build"));
      continue;
    }
    for (const variable of new Set((templates.get(fn.name) ?? []).filter(isKeyFileVariable))) {
      for (const path of new Set(pathsIn(values[variable] ?? ""))) {
        if (pathProblem(root, path)) continue; // reported with the variable
        const state = sameInFunction(root, dir, path);
        files++;
        if (state === "absent") out.push(error(`${fn.name}`, `构建产物缺少 ${path}（${variable}）：部署后函数读不到`, "npm run build"));
        if (state === "different")
          out.push(error(`${fn.name}`, `构建产物中的 ${path} 与源文件不同（构建之后换过文件？）`, "重新 npm run build"));
      }
    }
  }
  if (!out.length)
    out.push(ok("构建产物", `${config.functions.length} 个函数已构建${files ? `，密钥文件已随函数目录部署（${files} 份）` : ""}`));
  return out;
}

/** Key files and .env.local must never be committed. */
export function checkGitIgnored(root: string, values: Values): Finding[] {
  const named = Object.keys(values)
    .filter(isKeyFileVariable)
    .flatMap((k) => pathsIn(values[k] ?? ""));
  const paths = [...new Set([".env.local", ...named.filter((p) => !pathProblem(root, p))])];
  // One git call for all of them (NUL-separated in and out): it answers the paths that are ignored;
  // a tracked file never is. Exit 1 means none is; 128 (or no git) means it cannot tell.
  const r = spawnSync("git", ["-C", root, "check-ignore", "--stdin", "-z"], { input: paths.join("\0"), encoding: "utf8" });
  if (r.error || (r.status !== 0 && r.status !== 1)) return [warn("git", "不是 git 仓库（或没有 git），无法确认密钥文件不会被提交")];
  const ignored = new Set(r.stdout.split("\0").filter(Boolean));
  const out: Finding[] = [];
  for (const path of paths) {
    if (!ignored.has(path))
      out.push(
        error(
          path,
          "没有被 git 忽略（或已被提交）：密钥可能进入仓库",
          "在 .gitignore 写入 secrets/ 与 .env.local；已提交的用 git rm --cached 移除并更换密钥",
        ),
      );
  }
  if (!out.length) out.push(ok("git", ".env.local 与密钥文件都被 git 忽略"));
  return out;
}
