// After bundling: each deployable function folder receives the key files its environment names, and
// what tcb would deploy is checked (render, newlines, 4 KB). The build only warns about the latter —
// the local stack builds with whatever the developer's shell holds — and `npm run doctor` fails on it.
import { join } from "node:path";
import { envBytes, largestVariable, SCF_ENV_LIMIT_BYTES } from "./function-env";
import { copyIntoFunction, isKeyFileVariable, pathProblem, pathsIn, type PathProblem } from "./key-files";
import { placeholdersOf, readRawConfig, renderWithTcb, tcbValues, toConfig } from "./tcb-config";

export interface PrepareOptions {
  /** Where .env / .env.local and the key files they name are (the repository). */
  root: string;
  configPath: string;
  /** The built functions (build/cloudfunctions/<name>/). */
  outRoot: string;
}

export interface PrepareReport {
  copied: Array<{ fn: string; path: string }>;
  warnings: string[];
}

export const PATH_PROBLEM_TEXT: Record<PathProblem, string> = {
  pem_text: "是 PEM 文本：部署时请改为密钥文件的路径（如 secrets/apiclient_key.pem）",
  absolute: "是绝对路径：云函数里不存在这个路径，请改为仓库内的相对路径（如 secrets/apiclient_key.pem）",
  outside: "指向仓库之外：请把文件放进仓库里被 git 忽略的 secrets/ 目录",
  missing: "指向的文件不存在",
};

export async function prepareFunctionFolders(opts: PrepareOptions): Promise<PrepareReport> {
  const report: PrepareReport = { copied: [], warnings: [] };
  const raw = readRawConfig(opts.configPath);
  const values = tcbValues(opts.root);
  for (const fn of toConfig(raw).functions) {
    const named = new Set(Object.values(fn.envVariables).flatMap(placeholdersOf).filter(isKeyFileVariable));
    for (const variable of named) {
      for (const path of pathsIn(values[variable] ?? "")) {
        const problem = pathProblem(opts.root, path);
        if (problem) {
          report.warnings.push(`${fn.name}: ${variable} ${PATH_PROBLEM_TEXT[problem]}`);
          continue;
        }
        copyIntoFunction(opts.root, join(opts.outRoot, fn.name), path);
        report.copied.push({ fn: fn.name, path });
      }
    }
  }
  const rendered = await renderWithTcb(raw, opts.root);
  if (!rendered.ok) {
    report.warnings.push(`tcb 无法渲染 cloudbaserc.json（${rendered.reason}）`);
    return report;
  }
  for (const fn of rendered.config.functions) {
    for (const [k, v] of Object.entries(fn.envVariables)) if (/[\r\n]/.test(v)) report.warnings.push(`${fn.name}: 环境变量 ${k} 含换行`);
    const bytes = envBytes(fn.envVariables);
    if (bytes > SCF_ENV_LIMIT_BYTES)
      report.warnings.push(
        `${fn.name}: 环境变量共 ${bytes} 字节，超过 ${SCF_ENV_LIMIT_BYTES}（最大的是 ${largestVariable(fn.envVariables)}）`,
      );
  }
  return report;
}
