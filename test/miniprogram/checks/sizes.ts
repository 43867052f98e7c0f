// Size rules (docs/miniprogram.md, 无障碍):
// - no text below 26rpx (13 px on a 375 px screen), in any WXSS rule;
// - every tappable element (a tap handler, or a <button>) has a class whose rule declares a height or
//   min-height of at least 88rpx (44 px): the tap target. The check reads the classes written in the
//   element's `class` attribute (the parts outside `{{ }}`) and the rules of app.wxss and the page's
//   own WXSS whose last compound selector names one of them.
import type { Finding } from "./tappables";
import { isTappable } from "./tappables";
import { elements, parseWxml } from "./wxml";
import { lengthInRpx, subjectClasses, type StyleRule } from "./wxss";

export const MIN_FONT_RPX = 26;
export const MIN_TAP_RPX = 88;

export function fontSizeFindings(file: string, rules: readonly StyleRule[]): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    if (rule.atRule) continue;
    for (const d of rule.declarations) {
      if (d.property !== "font-size") continue;
      const rpx = lengthInRpx(d.value);
      if (rpx === undefined) {
        // em/%/keywords: relative to a parent this check cannot see
        if (!/^var\(/.test(d.value))
          out.push({ file, line: d.line, message: `font-size: ${d.value} — write it in rpx so it can be checked` });
      } else if (rpx < MIN_FONT_RPX) {
        out.push({ file, line: d.line, message: `${rule.selectors.join(", ")}: font-size ${d.value} is below ${MIN_FONT_RPX}rpx` });
      }
    }
  }
  return out;
}

/** Static class names of a `class` attribute ("seat {{x ? 'a' : ''}}" → ["seat"]). */
export const staticClasses = (cls: string | undefined) =>
  (cls ?? "")
    .replace(/\{\{[\s\S]*?\}\}/g, " ")
    .split(/\s+/)
    .filter(Boolean);

/** The tallest height/min-height the rules give any of these classes, in rpx (0 when none). */
function declaredHeight(classes: readonly string[], rules: readonly StyleRule[]): number {
  let best = 0;
  for (const rule of rules) {
    if (rule.atRule) continue;
    const names = rule.selectors.flatMap((s) => subjectClasses(s.replace(/:[-\w]+(\([^)]*\))?|\[[^\]]*\]/g, "")));
    if (!names.some((n) => classes.includes(n))) continue;
    for (const d of rule.declarations) {
      if (d.property !== "height" && d.property !== "min-height") continue;
      best = Math.max(best, lengthInRpx(d.value) ?? 0);
    }
  }
  return best;
}

export function tapTargetFindings(file: string, wxml: string, rules: readonly StyleRule[]): Finding[] {
  const out: Finding[] = [];
  for (const el of elements(parseWxml(wxml))) {
    if (el.tag !== "button" && !isTappable(el)) continue;
    const classes = staticClasses(el.attrs.get("class"));
    const height = declaredHeight(classes, rules);
    if (height < MIN_TAP_RPX) {
      const what = height ? `is ${height}rpx tall` : "has no height/min-height declared";
      out.push({
        file,
        line: el.line,
        message: `<${el.tag} class="${classes.join(" ")}"> ${what}: the tap target needs ${MIN_TAP_RPX}rpx`,
      });
    }
  }
  return out;
}

/** Bottom bars (`position: fixed` at `bottom: 0`, not a full-screen overlay) and bottom sheets (a
 *  class named `…sheet`, by convention) keep their content above the iPhone home indicator: they
 *  declare `env(safe-area-inset-bottom)` (padding-bottom, usually inside calc()). */
export function safeAreaFindings(file: string, rules: readonly StyleRule[]): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    if (rule.atRule || rule.media) continue;
    const value = (p: string) =>
      rule.declarations
        .filter((d) => d.property === p)
        .at(-1)
        ?.value.trim();
    const fixedBar = value("position") === "fixed" && /^0(px|rpx)?$/.test(value("bottom") ?? "") && value("top") === undefined;
    const sheet = rule.selectors.some((s) => subjectClasses(s).some((c) => /(^|-)sheet$/.test(c)));
    if (!fixedBar && !sheet) continue;
    if (!rule.declarations.some((d) => d.value.includes("env(safe-area-inset-bottom)"))) {
      out.push({
        file,
        line: rule.line,
        message: `${rule.selectors.join(", ")} sits at the bottom but has no env(safe-area-inset-bottom)`,
      });
    }
  }
  return out;
}
