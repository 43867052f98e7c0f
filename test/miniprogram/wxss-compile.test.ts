// Every WXSS (app.wxss, each page and component of app.json, any other under miniprogram/) compiles
// with WeChat's official wcsc, as the WXML is compiled with the official wcc in the page tests.
import { describe, expect, it } from "vitest";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { mpRoot, repoRoot } from "./harness";
import { sourceFiles } from "./checks/sources";
import { compileWxss } from "./checks/wcsc";

describe("WXSS compiled by the official wcsc", () => {
  it("app.wxss and every page's WXSS compile without error", () => {
    const files = sourceFiles(mpRoot, ".wxss");
    expect(files.length).toBeGreaterThanOrEqual(6);
    const failures = files.map((f) => ({ f: relative(mpRoot, f), r: compileWxss(mpRoot, f) })).filter((x) => !x.r.ok);
    expect(failures.map((x) => x.r.error)).toEqual([]);
  });

  it("the compiled style keeps the dark theme and the safe area (wcsc does not drop them)", () => {
    const out = compileWxss(mpRoot, join(mpRoot, "app.wxss")).output;
    expect(out).toContain("prefers-color-scheme");
    expect(out).toContain("safe-area-inset-bottom");
  });

  it("a broken WXSS fails with wcsc's message naming the file and position", () => {
    const dir = mkdtempSync(join(tmpdir(), "wcsc-"));
    try {
      copyFileSync(join(repoRoot, "test", "fixtures", "miniprogram", "wcsc-broken.wxss"), join(dir, "broken.wxss"));
      const r = compileWxss(dir, join(dir, "broken.wxss"));
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/broken\.wxss\(3:\d+\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
