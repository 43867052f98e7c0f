// Compiles WXSS with WeChat's official style compiler, wcsc, as shipped in miniprogram-compiler
// (the package whose wcc compiles WXML in the page tests, through miniprogram-simulate).
import { accessSync, chmodSync, constants } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

const nodeRequire = createRequire(import.meta.url);

/** The wcsc binary for this platform; made executable as miniprogram-compiler's own wrapper does
 *  (the npm tarball ships it without the execute bit). */
export function wcscPath(): string {
  // the copy miniprogram-simulate itself uses (a dependency of it, not of this project)
  const fromSimulate = createRequire(nodeRequire.resolve("miniprogram-simulate"));
  const pkg = dirname(fromSimulate.resolve("miniprogram-compiler/package.json"));
  const bin = process.platform === "darwin" ? "bin/mac/wcsc" : process.platform === "linux" ? "bin/linux/wcsc" : "bin/windows/wcsc.exe";
  const path = join(pkg, bin);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    chmodSync(path, 0o755);
  }
  return path;
}

export interface WcscResult {
  ok: boolean;
  /** wcsc's message on failure ("ERR: pages/x/index.wxss(3:4): unexpected `{` at pos 21"). */
  error: string;
  /** The generated style function source on success (what the runtime injects). */
  output: string;
}

/** Compiles one WXSS file as a page's style (`-pc 1`: without it wcsc emits no rules for the file),
 *  named relative to the root so `@import` resolves from there, as DevTools does. */
export function compileWxss(root: string, file: string): WcscResult {
  const r = spawnSync(wcscPath(), ["-db", "-pc", "1", relative(root, file)], { cwd: root, encoding: "utf8", timeout: 60_000 });
  if (r.error) throw r.error;
  const ok = r.status === 0;
  return { ok, error: ok ? "" : (r.stderr || r.stdout).trim() || `wcsc exited with ${r.status}`, output: ok ? r.stdout : "" };
}
