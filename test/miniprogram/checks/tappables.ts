// Accessibility rules for what a traveller can tap (docs/miniprogram.md, 无障碍与深色模式):
// - an element with a tap handler (or a <navigator>) says what it is and what it reads: `aria-role` and a non-empty
//   `aria-label`; when its content is data-bound, the label is data-bound too (reads the live values);
// - a tappable <view> shows tap feedback: `hover-class` (not "none");
// - a tappable <text> is refused: <text> has no hover-class, so it can give no feedback (use a <view>);
// - a <button> has its own role and reads its text; one without text needs an `aria-label`;
// - no `size="mini"` button: about 32 px tall, below the 44 px (88rpx) tap target;
// - no tappable inside another: a button's content is presented as one thing to a screen reader
//   (WAI-ARIA: children of role button are presentational), so an inner button cannot be reached.
import { readFileSync } from "node:fs";
import { elements, parseWxml, textContent, type WxmlElement } from "./wxml";

export const TAP_ATTRIBUTES = [
  "bindtap",
  "catchtap",
  "bind:tap",
  "catch:tap",
  "capture-bind:tap",
  "capture-catch:tap",
  "mut-bind:tap",
  "bindlongpress",
  "catchlongpress",
  "bind:longpress",
  "catch:longpress",
];

export interface Finding {
  file: string;
  line: number;
  message: string;
}

/** A tap handler, or a <navigator> (a link that opens a page when tapped). */
export const isTappable = (el: WxmlElement) => el.tag === "navigator" || TAP_ATTRIBUTES.some((a) => el.attrs.has(a));
const nonEmpty = (v: string | undefined) => v !== undefined && v.trim() !== "";
const bound = (s: string) => s.includes("{{");

/** Findings for one WXML source (file is only used to name where). */
export function checkTappables(file: string, source: string): Finding[] {
  const out: Finding[] = [];
  const at = (el: WxmlElement, message: string) => out.push({ file, line: el.line, message: `<${el.tag}> ${message}` });
  for (const el of elements(parseWxml(source))) {
    const text = textContent(el);
    if (el.tag === "button" || isTappable(el)) {
      const inner = [...elements(el.children)].find((c) => c.tag === "button" || isTappable(c));
      if (inner) at(el, `contains another tappable (<${inner.tag}> on line ${inner.line}), which a screen reader cannot reach`);
    }
    if (el.tag === "button") {
      if (el.attrs.get("size") === "mini") at(el, 'size="mini" is below the 88rpx tap target');
      if (!text && !nonEmpty(el.attrs.get("aria-label"))) at(el, "without text needs a non-empty aria-label");
      continue;
    }
    if (!isTappable(el)) continue;
    if (!nonEmpty(el.attrs.get("aria-role"))) at(el, "is tappable but has no aria-role");
    const label = el.attrs.get("aria-label");
    if (!nonEmpty(label)) at(el, "is tappable but has no non-empty aria-label");
    else if (bound(text) && !bound(label!)) at(el, `shows data-bound content but its aria-label "${label}" is fixed`);
    if (el.tag === "text") at(el, "is tappable but cannot show tap feedback (no hover-class on <text>): use a <view>");
    if (el.tag === "view") {
      const hover = el.attrs.get("hover-class");
      if (!nonEmpty(hover) || hover === "none") at(el, "is tappable but has no hover-class");
    }
  }
  return out;
}

export function checkTappableFiles(files: readonly string[]): Finding[] {
  return files.flatMap((f) => checkTappables(f, readFileSync(f, "utf8")));
}

export const formatFindings = (findings: readonly Finding[]) => findings.map((f) => `${f.file}:${f.line}: ${f.message}`).join("\n");
