import "./dom-globals";
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import ts from "typescript";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { installPlatform, mpRequire, mpRoot, repoRoot, renderPage, settle, callsOf, ok } from "./harness";

const appJson = JSON.parse(readFileSync(join(mpRoot, "app.json"), "utf8"));

describe("app.json and project.config.json", () => {
  it("app.json lists pages that all exist (script, template, style, config) and a window title", () => {
    expect(Array.isArray(appJson.pages)).toBe(true);
    expect(appJson.pages).toEqual(
      expect.arrayContaining(["pages/search/index", "pages/book/index", "pages/station/index", "pages/passenger-edit/index"]),
    );
    for (const page of appJson.pages as string[]) {
      expect(page).toMatch(/^pages\/[a-z-]+\/index$/);
      for (const ext of [".ts", ".wxml", ".wxss", ".json"]) expect(existsSync(join(mpRoot, page + ext)), page + ext).toBe(true);
      const pageJson = JSON.parse(readFileSync(join(mpRoot, page + ".json"), "utf8"));
      expect(typeof pageJson.navigationBarTitleText).toBe("string");
    }
    expect(appJson.window.navigationBarTitleText).toBeTruthy();
    expect(existsSync(join(mpRoot, appJson.sitemapLocation))).toBe(true);
  });

  it("the tabBar points at listed pages (its icons and colours: theme.test.ts)", () => {
    const list = appJson.tabBar.list as { pagePath: string; text: string }[];
    expect(list.length).toBeGreaterThanOrEqual(2);
    for (const item of list) {
      expect(appJson.pages).toContain(item.pagePath);
      expect(item.text).toBeTruthy();
    }
  });

  it("every page renders with the official WXML compiler", () => {
    installPlatform();
    for (const page of appJson.pages as string[]) {
      const comp = renderPage(page);
      expect(comp.dom).toBeDefined();
      comp.detach();
    }
  });

  it("project.config.json is valid JSON with what DevTools needs", () => {
    const project = JSON.parse(readFileSync(join(repoRoot, "project.config.json"), "utf8"));
    expect(project.miniprogramRoot).toBe("miniprogram/");
    expect(project.cloudfunctionRoot).toBe("build/cloudfunctions/");
    expect(project.compileType).toBe("miniprogram");
    expect(typeof project.appid).toBe("string");
    expect(project.setting.useCompilerPlugins).toEqual(["typescript"]);
    expect(project.setting.es6).toBe(true);
    expect(project.setting.enhance).toBe(true);
  });

  it("no page or module imports shared code at run time (only `import type`)", () => {
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "miniprogram"], {
      cwd: repoRoot,
      encoding: "utf8",
    })
      .split("\n")
      .filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const src = readFileSync(join(repoRoot, f), "utf8");
      for (const m of src.matchAll(/import\s[^;]*?from\s+"((?:\.\.\/)+)shared\/[^"]*"/g)) {
        expect(m[0], f).toMatch(/^import type /);
      }
      // and what a transpiler emits requires nothing outside the mini-program root
      const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
      expect(js, f).not.toMatch(/require\("(\.\.\/)+shared\//);
    }
  });
});

describe("app.ts", () => {
  it("initialises CloudBase with the env id from config.ts and logs in at launch", async () => {
    const p = installPlatform({ login: () => ok({ openid: "o-user", appid: "wx-app" }) });
    let app: { onLaunch(): void; globalData: { openid: string } } | undefined;
    (globalThis as unknown as { App: (o: typeof app) => void }).App = (o) => (app = o);
    mpRequire("app");
    const { config } = mpRequire<{ config: { envId: string } }>("config");
    app!.onLaunch();
    await settle();
    expect(p.cloudInit).toEqual([{ env: config.envId, traceUser: true }]);
    expect(callsOf(p, "login")).toEqual([{ name: "login", data: {} }]);
    expect(app!.globalData.openid).toBe("o-user");
  });
});
