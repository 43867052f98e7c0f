// Colour rules (docs/miniprogram.md, 颜色与深色模式):
// - colours live only in app.wxss, as CSS variables on `page`: the light values at top level, the
//   dark ones in `@media (prefers-color-scheme: dark) { page { … } }`; every other colour in any
//   WXSS (or a WXML style attribute) is a `var(--…)`;
// - text reaches WCAG 2.x contrast 4.5:1 in both themes: a rule's `color` against the background the
//   same rule sets, or, when it sets none, against every surface (`--surface-*`) text can sit on.
import type { StyleRule } from "./wxss";
import type { Finding } from "./tappables";

export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

const HEX = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const RGB = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i;

export function parseColour(value: string): Rgba | undefined {
  const v = value.trim();
  const hex = HEX.exec(v)?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex].map((c) => c + c).join("") : hex;
    const n = (i: number) => Number.parseInt(full.slice(i, i + 2), 16);
    return { r: n(0), g: n(2), b: n(4), a: full.length === 8 ? n(6) / 255 : 1 };
  }
  const m = RGB.exec(v);
  if (m) {
    const alpha = m[4] === undefined ? 1 : m[4].endsWith("%") ? Number.parseFloat(m[4]) / 100 : Number(m[4]);
    return { r: Number(m[1]), g: Number(m[2]), b: Number(m[3]), a: alpha };
  }
  if (/^(white|black)$/i.test(v)) return v.toLowerCase() === "white" ? { r: 255, g: 255, b: 255, a: 1 } : { r: 0, g: 0, b: 0, a: 1 };
  return undefined;
}

/** A colour drawn over an opaque one (alpha compositing). */
export function over(top: Rgba, bottom: Rgba): Rgba {
  const mix = (t: number, b: number) => t * top.a + b * (1 - top.a);
  return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a: 1 };
}

/** WCAG 2.x relative luminance of an opaque sRGB colour. */
export function luminance({ r, g, b }: Rgba): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG 2.x contrast ratio, 1 to 21. */
export function contrastRatio(fg: Rgba, bg: Rgba): number {
  const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export type Theme = "light" | "dark";
export const DARK_MEDIA = /^\(\s*prefers-color-scheme\s*:\s*dark\s*\)$/i;

/** The theme variables app.wxss declares on `page`: light at top level, dark in the dark media
 *  query (a variable the dark block does not redefine keeps its light value). */
export function themeVariables(appRules: readonly StyleRule[]): Record<Theme, Map<string, string>> {
  const light = new Map<string, string>();
  const darkOnly = new Map<string, string>();
  for (const rule of appRules) {
    if (rule.atRule || !rule.selectors.includes("page")) continue;
    const target = rule.media === null ? light : rule.media && DARK_MEDIA.test(rule.media) ? darkOnly : undefined;
    for (const d of rule.declarations) if (target && d.property.startsWith("--")) target.set(d.property, d.value);
  }
  return { light, dark: new Map([...light, ...darkOnly]) };
}

const VAR = /^var\(\s*(--[-\w]+)\s*\)$/;
const COLOUR_PROPERTIES =
  /^(color|background|background-color|border(-top|-right|-bottom|-left)?(-color)?|outline(-color)?|box-shadow|text-decoration(-color)?|fill|stroke|caret-color)$/;
/** A colour written out in a value: hex, rgb()/rgba()/hsl(), or the named colours the pages used. */
const COLOUR_LITERAL = /#[0-9a-f]{3,8}\b|\b(rgba?|hsla?)\(|\b(white|black|red|green|blue|gray|grey|orange)\b/i;

/** Colour literals outside app.wxss's theme blocks. `isThemeBlock` tells the theme's own rules. */
export function colourLiteralFindings(file: string, rules: readonly StyleRule[], isThemeBlock: (r: StyleRule) => boolean): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    if (rule.atRule || isThemeBlock(rule)) continue;
    for (const d of rule.declarations) {
      if (d.property.startsWith("--")) {
        out.push({ file, line: d.line, message: `${d.property} is defined outside app.wxss's theme blocks` });
      } else if (COLOUR_PROPERTIES.test(d.property) && COLOUR_LITERAL.test(d.value)) {
        out.push({ file, line: d.line, message: `${d.property}: ${d.value} — use a theme variable, var(--…)` });
      }
    }
  }
  return out;
}

/** The theme blocks: `page { --…: … }` rules in app.wxss, at top level or in the dark media query. */
export const isThemeBlock = (r: StyleRule) =>
  r.selectors.length === 1 && r.selectors[0] === "page" && r.declarations.every((d) => d.property.startsWith("--"));

export interface ContrastPair {
  file: string;
  line: number;
  selector: string;
  foreground: string;
  background: string;
  theme: Theme;
  ratio: number;
}

const varName = (value: string) => VAR.exec(value.trim())?.[1];
const backgroundVar = (rule: StyleRule) =>
  rule.declarations
    .filter((d) => d.property === "background" || d.property === "background-color")
    .map((d) => varName(d.value))
    .at(-1);

/** Every text/background pair the rules declare, with its contrast in each theme. A rule's colour
 *  that is not a variable is reported by colourLiteralFindings, not here. */
export function contrastPairs(
  file: string,
  rules: readonly StyleRule[],
  vars: Record<Theme, Map<string, string>>,
  findings: Finding[],
): ContrastPair[] {
  const surfaces = [...vars.light.keys()].filter((k) => k.startsWith("--surface-"));
  const out: ContrastPair[] = [];
  for (const rule of rules) {
    if (rule.atRule || isThemeBlock(rule)) continue;
    const colour = rule.declarations.filter((d) => d.property === "color").at(-1);
    const fg = colour && varName(colour.value);
    if (!colour || !fg) continue;
    const ownBg = backgroundVar(rule);
    for (const bg of ownBg ? [ownBg] : surfaces) {
      for (const theme of ["light", "dark"] as const) {
        const fv = vars[theme].get(fg);
        const bv = vars[theme].get(bg);
        const page = parseColour(vars[theme].get("--surface-page") ?? "#ffffff")!;
        const f = fv === undefined ? undefined : parseColour(fv);
        const b = bv === undefined ? undefined : parseColour(bv);
        if (!f || !b) {
          findings.push({ file, line: colour.line, message: `${fg} on ${bg}: not a colour defined in the ${theme} theme` });
          continue;
        }
        const opaqueBg = over(b, page);
        out.push({
          file,
          line: colour.line,
          selector: rule.selectors.join(", "),
          foreground: fg,
          background: bg,
          theme,
          ratio: contrastRatio(over(f, opaqueBg), opaqueBg),
        });
      }
    }
  }
  return out;
}
