// Dark mode as WeChat configures it: app.json `darkmode: true` with `themeLocation`, theme.json's
// light/dark variables referenced as `@name` (navigation bar, window background, tab bar and its
// icons), the tab-bar icons as committed PNGs the icon script draws, and the window colours matching
// app.wxss's theme variables.
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { mpRoot } from "./harness";
import { appPages } from "./checks/sources";
import { contrastRatio, parseColour, themeVariables } from "./checks/colours";
import { parseWxss } from "./checks/wxss";
import { tabIcons, ICON_SIZE } from "../../scripts/tab-icons/icons";
import { pngSize } from "../../scripts/tab-icons/png";

type Json = Record<string, unknown>;
const readJson = (file: string) => JSON.parse(readFileSync(join(mpRoot, file), "utf8")) as Json;
const app = readJson("app.json");
const theme = readJson("theme.json") as { light: Record<string, string>; dark: Record<string, string> };
const themes = ["light", "dark"] as const;

/** Every `@name` reference in a JSON value, with where it is. */
function references(value: unknown, path: string, out: { path: string; name: string }[] = []) {
  if (typeof value === "string" && value.startsWith("@")) out.push({ path, name: value.slice(1) });
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) references(v, `${path}[${i}]`, out);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) references(v, `${path}.${k}`, out);
  return out;
}
/** A config value with its `@name` resolved in one theme. */
const resolve = (value: string, t: (typeof themes)[number]) => (value.startsWith("@") ? theme[t][value.slice(1)]! : value);

describe("dark mode configuration", () => {
  it("app.json turns dark mode on and points at theme.json, which has light and dark with the same names", () => {
    expect(app.darkmode).toBe(true);
    expect(app.themeLocation).toBe("theme.json");
    expect(Object.keys(theme).sort()).toEqual(["dark", "light"]);
    expect(Object.keys(theme.dark).sort()).toEqual(Object.keys(theme.light).sort());
  });

  it("every @variable app.json or a page's JSON uses is defined in both themes", () => {
    const refs = [...references(app, "app.json"), ...appPages(mpRoot).flatMap((p) => references(readJson(p + ".json"), p + ".json"))];
    expect(refs.length).toBeGreaterThanOrEqual(12);
    for (const { path, name } of refs) for (const t of themes) expect(theme[t][name], `${path} → @${name} (${t})`).toBeDefined();
  });

  it("the window and tab bar take their colours from the theme, with values WeChat accepts", () => {
    const window = app.window as Record<string, string>;
    const tabBar = app.tabBar as Record<string, string>;
    for (const v of [
      window.navigationBarBackgroundColor,
      window.backgroundColor,
      tabBar.color,
      tabBar.selectedColor,
      tabBar.backgroundColor,
    ]) {
      expect(v).toMatch(/^@/);
      for (const t of themes) expect(resolve(v!, t)).toMatch(/^#[0-9a-f]{6}$/i);
    }
    for (const t of themes) {
      expect(["black", "white"]).toContain(resolve(window.navigationBarTextStyle!, t));
      expect(["dark", "light"]).toContain(resolve(window.backgroundTextStyle!, t));
      expect(["black", "white"]).toContain(resolve(tabBar.borderStyle!, t));
    }
  });

  it("the navigation title and tab labels reach 4.5:1 in both themes", () => {
    const window = app.window as Record<string, string>;
    const tabBar = app.tabBar as Record<string, string>;
    for (const t of themes) {
      const nav = parseColour(resolve(window.navigationBarBackgroundColor!, t))!;
      const title = parseColour(resolve(window.navigationBarTextStyle!, t) === "white" ? "#ffffff" : "#000000")!;
      expect(contrastRatio(title, nav), `title (${t})`).toBeGreaterThanOrEqual(4.5);
      const bg = parseColour(resolve(tabBar.backgroundColor!, t))!;
      for (const key of ["color", "selectedColor"]) {
        expect(contrastRatio(parseColour(resolve(tabBar[key]!, t))!, bg), `tabBar.${key} (${t})`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it("the window background is the page surface of app.wxss in each theme (no flash of another grey)", () => {
    const vars = themeVariables(parseWxss(readFileSync(join(mpRoot, "app.wxss"), "utf8")));
    const window = app.window as Record<string, string>;
    for (const t of themes) expect(resolve(window.backgroundColor!, t), t).toBe(vars[t].get("--surface-page"));
  });
});

describe("tab-bar icons", () => {
  const list = (app.tabBar as { list: { pagePath: string; iconPath?: string; selectedIconPath?: string }[] }).list;

  it("each tab has an icon and a selected icon per theme: a PNG of 81 × 81 px under 40 KB", () => {
    for (const tab of list) {
      for (const key of ["iconPath", "selectedIconPath"] as const) {
        expect(tab[key], `${tab.pagePath} ${key}`).toMatch(/^@/);
        for (const t of themes) {
          const file = join(mpRoot, resolve(tab[key]!, t));
          expect(existsSync(file), file).toBe(true);
          expect(statSync(file).size).toBeLessThan(40 * 1024);
          expect(pngSize(readFileSync(file))).toEqual({ width: ICON_SIZE, height: ICON_SIZE });
        }
      }
      expect(resolve(tab.iconPath!, "light")).not.toBe(resolve(tab.iconPath!, "dark"));
    }
  });

  it("the committed icons are what scripts/tab-icons draws from theme.json's colours", () => {
    const drawn = tabIcons(theme);
    expect(drawn.size).toBe(list.length * 2 * 2);
    for (const [path, png] of drawn)
      expect(readFileSync(join(mpRoot, path)).equals(png), `${path}: run npx tsx scripts/tab-icons/main.ts`).toBe(true);
  });

  it("an icon is ink on a transparent square: opaque pixels in the colour, transparent corners", async () => {
    const { inflateSync } = await import("node:zlib");
    const png = readFileSync(join(mpRoot, theme.light.tabSearchIconOn!));
    const idat = png.subarray(png.indexOf("IDAT") + 4, png.indexOf("IEND") - 8);
    const rows = inflateSync(idat);
    const pixel = (x: number, y: number) => [...rows.subarray(y * (ICON_SIZE * 4 + 1) + 1 + x * 4, y * (ICON_SIZE * 4 + 1) + 5 + x * 4)];
    expect(pixel(0, 0)[3]).toBe(0);
    const [r, g, b] = [0x15, 0x65, 0xc0]; // tabSelectedColor, light
    expect(pixel(35, 16)).toEqual([r, g, b, 255]); // on the lens's ring
  });
});
