// Accessibility rules over every page (app.json's pages, their components, any other WXML/WXSS under
// miniprogram/): tappables have a role, a label and tap feedback; text contrast ≥ 4.5:1 in light and
// dark; colours only from the theme variables; text ≥ 26rpx; tap targets ≥ 88rpx; bottom bars and
// sheets keep clear of the home indicator. Each checker is also run on a fixture that breaks it.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { mpRoot, repoRoot } from "./harness";
import { appPages, sourceFiles } from "./checks/sources";
import { checkTappableFiles, checkTappables, formatFindings, type Finding } from "./checks/tappables";
import { parseWxml, WxmlSyntaxError } from "./checks/wxml";
import { parseWxss, type StyleRule } from "./checks/wxss";
import {
  colourLiteralFindings,
  contrastPairs,
  contrastRatio,
  isThemeBlock,
  parseColour,
  themeVariables,
  type ContrastPair,
} from "./checks/colours";
import { fontSizeFindings, safeAreaFindings, tapTargetFindings } from "./checks/sizes";

const fixtures = join(repoRoot, "test", "fixtures", "miniprogram");
const wxmlFiles = sourceFiles(mpRoot, ".wxml");
const wxssFiles = sourceFiles(mpRoot, ".wxss");
const appWxss = join(mpRoot, "app.wxss");
const rulesOf = (file: string): StyleRule[] => parseWxss(readFileSync(file, "utf8"));
const vars = themeVariables(rulesOf(appWxss));
const where = (f: Finding[]) => formatFindings(f.map((x) => ({ ...x, file: x.file.replace(repoRoot + "/", "") })));
const messages = (f: Finding[]) => f.map((x) => `${x.line}: ${x.message}`);

describe("the checks cover every page", () => {
  it("every page of app.json has its WXML and WXSS among the checked files", () => {
    const pages = appPages(mpRoot);
    expect(pages.length).toBeGreaterThanOrEqual(5);
    for (const p of pages) {
      expect(wxmlFiles).toContain(join(mpRoot, p + ".wxml"));
      expect(wxssFiles).toContain(join(mpRoot, p + ".wxss"));
    }
    expect(wxssFiles[0]).toBe(appWxss);
  });
});

describe("tappable elements", () => {
  it("on every page: aria-role, a non-empty (live) aria-label, hover-class on views, no mini buttons", () => {
    expect(where(checkTappableFiles(wxmlFiles))).toBe("");
  });

  it("the checker names file:line for each broken rule of a fixture", () => {
    const file = join(fixtures, "tappable-bad.wxml");
    const found = checkTappables(file, readFileSync(file, "utf8"));
    expect(messages(found)).toEqual([
      "3: <view> is tappable but has no aria-role",
      "4: <view> is tappable but has no non-empty aria-label",
      "5: <view> is tappable but has no non-empty aria-label",
      "6: <view> is tappable but has no hover-class",
      '7: <view> shows data-bound content but its aria-label "席别" is fixed',
      "8: <text> is tappable but cannot show tap feedback (no hover-class on <text>): use a <view>",
      '9: <button> size="mini" is below the 88rpx tap target',
      "10: <button> without text needs a non-empty aria-label",
      "12: <view> contains another tappable (<button> on line 12), which a screen reader cannot reach",
      "13: <navigator> is tappable but has no aria-role",
      "13: <navigator> is tappable but has no non-empty aria-label",
    ]);
    expect(found.every((f) => f.file === file)).toBe(true);
  });

  it("the WXML reader keeps `>` inside quoted bindings, lines, bare attributes, and refuses bad markup", () => {
    const [view] = parseWxml('<!-- c -->\n<view wx:if="{{a > 1}}"\n  disabled bindtap="t">x<input value="{{v}}" /></view>');
    expect(view).toMatchObject({ tag: "view", line: 2 });
    if (view?.kind !== "element") throw new Error("expected an element");
    expect([...view.attrs]).toEqual([
      ["wx:if", "{{a > 1}}"],
      ["disabled", ""],
      ["bindtap", "t"],
    ]);
    expect(view.children.map((c) => (c.kind === "element" ? c.tag : c.text))).toEqual(["x", "input"]);
    expect(() => parseWxml("<view><text></view>")).toThrow(WxmlSyntaxError);
    expect(() => parseWxml("<view>")).toThrow(/never closed/);
  });
});

describe("colours", () => {
  it("app.wxss defines every theme variable in light, and the dark block only redefines known ones", () => {
    expect(vars.light.size).toBeGreaterThan(10);
    for (const name of vars.dark.keys()) expect(vars.light.has(name), name).toBe(true);
    for (const [name, value] of vars.light) {
      if (name.startsWith("--surface-") || name.startsWith("--text") || name.startsWith("--bg-")) {
        expect(parseColour(value), `${name}: ${value}`).toBeDefined();
      }
    }
    // dark mode redefines the surfaces and the text (not just the light values again)
    for (const name of ["--surface-page", "--surface-card", "--text", "--text-muted"]) {
      expect(vars.dark.get(name), name).not.toBe(vars.light.get(name));
    }
  });

  it("no WXSS outside the theme blocks writes a colour literal or defines a variable", () => {
    const found = wxssFiles.flatMap((f) => colourLiteralFindings(f, rulesOf(f), (r) => f === appWxss && isThemeBlock(r)));
    expect(where(found)).toBe("");
  });

  it("no WXML style attribute writes a colour literal", () => {
    const found = wxmlFiles.flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .flatMap((line, i) =>
          /style="[^"]*(#[0-9a-f]{3,8}\b|rgba?\()/i.test(line)
            ? [{ file: f, line: i + 1, message: "colour literal in a style attribute" }]
            : [],
        ),
    );
    expect(where(found)).toBe("");
  });

  it("every text colour reaches 4.5:1 on its background in light and dark", () => {
    const problems: Finding[] = [];
    const pairs: ContrastPair[] = wxssFiles.flatMap((f) => contrastPairs(f, rulesOf(f), vars, problems));
    expect(where(problems)).toBe("");
    expect(pairs.filter((p) => p.theme === "dark").length).toBe(pairs.length / 2);
    expect(pairs.length).toBeGreaterThan(20);
    const low = pairs.filter((p) => p.ratio < 4.5);
    expect(
      low.map(
        (p) =>
          `${basename(dirname(p.file))}:${p.line} ${p.selector}: ${p.foreground} on ${p.background} (${p.theme}) ${p.ratio.toFixed(2)}:1`,
      ),
    ).toEqual([]);
  });

  it("the contrast maths matches WCAG's published values, and the checker catches the old muted grey", () => {
    const white = parseColour("#fff")!;
    expect(contrastRatio(parseColour("#000")!, white)).toBeCloseTo(21, 5);
    expect(contrastRatio(parseColour("#767676")!, white)).toBeCloseTo(4.54, 2);
    expect(contrastRatio(parseColour("#777777")!, white)).toBeLessThan(4.5);
    const theme = themeVariables(
      parseWxss("page { --surface-page: #ffffff; --surface-card: #ffffff; --text-muted: #8f959e; --accent: #1565c0; }"),
    );
    const problems: Finding[] = [];
    const pairs = contrastPairs("x.wxss", parseWxss(".muted { color: var(--text-muted); }\n.a { color: var(--nope); }"), theme, problems);
    expect(pairs.map((p) => p.ratio.toFixed(2))).toEqual(["3.02", "3.02", "3.02", "3.02"]); // two surfaces × two themes
    expect(messages(problems)).toEqual([
      "2: --nope on --surface-page: not a colour defined in the light theme",
      "2: --nope on --surface-page: not a colour defined in the dark theme",
      "2: --nope on --surface-card: not a colour defined in the light theme",
      "2: --nope on --surface-card: not a colour defined in the dark theme",
    ]);
  });

  it("the colour checker flags a fixture's literals and local variables", () => {
    const file = join(fixtures, "wxss-bad.wxss");
    expect(messages(colourLiteralFindings(file, rulesOf(file), () => false))).toEqual([
      "2: color: #8f959e — use a theme variable, var(--…)",
      "3: box-shadow: 0 2rpx 8rpx rgba(0, 0, 0, 0.04) — use a theme variable, var(--…)",
      "4: --mine is defined outside app.wxss's theme blocks",
    ]);
  });
});

describe("sizes and safe area", () => {
  it("no text below 26rpx on any page", () => {
    expect(where(wxssFiles.flatMap((f) => fontSizeFindings(f, rulesOf(f))))).toBe("");
  });

  it("every tappable element is at least 88rpx tall by its own classes", () => {
    const appRules = rulesOf(appWxss);
    const found = wxmlFiles.flatMap((f) => {
      const own = f.replace(/\.wxml$/, ".wxss");
      return tapTargetFindings(f, readFileSync(f, "utf8"), [...appRules, ...(wxssFiles.includes(own) ? rulesOf(own) : [])]);
    });
    expect(where(found)).toBe("");
  });

  it("every fixed bottom bar and bottom sheet keeps clear of the home indicator", () => {
    expect(where(wxssFiles.flatMap((f) => safeAreaFindings(f, rulesOf(f))))).toBe("");
  });

  it("the size and safe-area checkers flag a fixture", () => {
    const wxss = join(fixtures, "wxss-bad.wxss");
    const rules = rulesOf(wxss);
    expect(messages(fontSizeFindings(wxss, rules))).toEqual([
      "5: .tiny: font-size 22rpx is below 26rpx",
      "6: .tiny-px: font-size 11px is below 26rpx",
    ]);
    expect(messages(safeAreaFindings(wxss, rules))).toEqual([
      "8: .bar sits at the bottom but has no env(safe-area-inset-bottom)",
      "9: .pay-sheet sits at the bottom but has no env(safe-area-inset-bottom)",
    ]);
    const wxml = '<view class="tap x" bindtap="a">\n</view>\n<button class="plain">ok</button>\n<view class="ok-size">text</view>';
    expect(messages(tapTargetFindings("f.wxml", wxml, rules))).toEqual([
      '1: <view class="tap x"> is 60rpx tall: the tap target needs 88rpx',
      '3: <button class="plain"> has no height/min-height declared: the tap target needs 88rpx',
    ]);
  });
});
