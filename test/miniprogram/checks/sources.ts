// What the static page checks run over: app.wxss, every page app.json lists (subpackages included),
// every component those use, and any other .wxml/.wxss file under the mini-program root (templates,
// a page not yet listed), so a page another change adds is checked without touching the tests.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

interface AppJson {
  pages: string[];
  subPackages?: { root: string; pages: string[] }[];
  subpackages?: { root: string; pages: string[] }[];
  usingComponents?: Record<string, string>;
}

/** Pages as app.json lists them ("pages/search/index"), main package then subpackages. */
export function appPages(mpRoot: string): string[] {
  const app = JSON.parse(readFileSync(join(mpRoot, "app.json"), "utf8")) as AppJson;
  const subs = [...(app.subPackages ?? []), ...(app.subpackages ?? [])];
  return [...app.pages, ...subs.flatMap((s) => s.pages.map((p) => join(s.root, p)))];
}

/** Pages and the custom components they use, transitively (paths without extension, relative to root). */
export function pagesAndComponents(mpRoot: string): string[] {
  const seen = new Set<string>();
  const visit = (unit: string) => {
    if (seen.has(unit)) return;
    seen.add(unit);
    const jsonFile = join(mpRoot, unit + ".json");
    if (!existsSync(jsonFile)) return;
    const using = (JSON.parse(readFileSync(jsonFile, "utf8")) as AppJson).usingComponents ?? {};
    for (const target of Object.values(using)) {
      if (target.startsWith("plugin://")) continue;
      const abs = target.startsWith("/") ? join(mpRoot, target) : resolve(dirname(join(mpRoot, unit)), target);
      visit(relative(mpRoot, abs));
    }
  };
  for (const p of appPages(mpRoot)) visit(p);
  const app = JSON.parse(readFileSync(join(mpRoot, "app.json"), "utf8")) as AppJson;
  for (const target of Object.values(app.usingComponents ?? {})) visit(relative(mpRoot, join(mpRoot, target)));
  return [...seen];
}

function walk(dir: string, ext: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "miniprogram_npm") continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, ext, out);
    else if (entry.name.endsWith(ext)) out.push(full);
  }
  return out;
}

/** Absolute paths of every file with this extension the checks cover: pages and components first. */
export function sourceFiles(mpRoot: string, ext: ".wxml" | ".wxss"): string[] {
  const listed = pagesAndComponents(mpRoot)
    .map((u) => join(mpRoot, u + ext))
    .filter((f) => existsSync(f));
  const rest = walk(mpRoot, ext).filter((f) => !listed.includes(f));
  const appFile = ext === ".wxss" && existsSync(join(mpRoot, "app.wxss")) ? [join(mpRoot, "app.wxss")] : [];
  return [...new Set([...appFile, ...listed, ...rest])];
}
