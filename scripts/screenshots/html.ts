// Turns a page rendered by miniprogram-simulate into a standalone HTML file a browser can draw:
// the rendered DOM (wx-* custom elements, classes without j-component's prefix, built-in component
// properties taken from the exparser node because the DOM shell of <input>/<button> is empty) plus
// app.wxss and the page's WXSS with rpx converted at a 375 px wide screen.
// This is an approximation of WeChat's renderer, not the renderer: see docs/miniprogram.md (看一看).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** j-component prefixes every class of the page's own template with the component's name. */
const CLASS_PREFIX = /^main--/;
/** 750 rpx is the screen width, whatever the phone (375 px by default; 320 px is an iPhone SE). */
let pxPerRpx = 375 / 750;

interface VtAttr {
  name: string;
  value: unknown;
}
interface ExparserNode {
  _vt?: { attrs?: VtAttr[] };
}
// The little of jsdom's DOM read here (the node tsconfig has no DOM lib).
interface DomNode {
  nodeType: number;
  textContent: string | null;
  childNodes: Iterable<DomNode>;
}
export interface DomElement extends DomNode {
  tagName: string;
  getAttribute(name: string): string | null;
  /** The exparser node miniprogram-simulate drew this element for. */
  __wxElement?: ExparserNode;
}

/** Properties of built-in components worth drawing (the rest are bindings or data-*). */
const DRAWN_PROPS = new Set(["placeholder", "value", "disabled", "loading", "size", "type", "mode", "maxlength"]);

function builtInProps(el: DomElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of el.__wxElement?._vt?.attrs ?? []) if (DRAWN_PROPS.has(a.name)) out[a.name] = a.value;
  return out;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const truthy = (v: unknown) => v === true || v === "true" || v === "";

function serialize(node: DomNode): string {
  if (node.nodeType === 3) return escapeHtml(node.textContent ?? "");
  if (node.nodeType !== 1) return "";
  const el = node as DomElement;
  const tag = el.tagName.toLowerCase();
  const attrs: string[] = [];
  const cls = (el.getAttribute("class") ?? "")
    .split(/\s+/)
    .filter(Boolean)
    .map((c) => c.replace(CLASS_PREFIX, ""));
  if (cls.length) attrs.push(`class="${escapeHtml(cls.join(" "))}"`);
  const style = el.getAttribute("style");
  if (style) attrs.push(`style="${escapeHtml(rpxToPx(style))}"`);
  const props = tag.startsWith("wx-") ? builtInProps(el) : {};
  if (truthy(props.disabled)) attrs.push("disabled");
  if (truthy(props.loading)) attrs.push("loading");
  if (typeof props.size === "string" && props.size) attrs.push(`size="${escapeHtml(props.size)}"`);
  let inner = [...el.childNodes].map(serialize).join("");
  if (tag === "wx-input") {
    const value = String(props.value ?? "");
    inner = value
      ? `<span class="__value">${escapeHtml(value)}</span>`
      : `<span class="__placeholder">${escapeHtml(String(props.placeholder ?? ""))}</span>`;
  }
  if (tag === "wx-button" && truthy(props.loading)) inner = `<span class="__spinner"></span>${inner}`;
  return `<${tag}${attrs.length ? " " + attrs.join(" ") : ""}>${inner}</${tag}>`;
}

export function rpxToPx(css: string): string {
  return css.replace(/(-?\d*\.?\d+)rpx/g, (_, n: string) => `${+(Number(n) * pxPerRpx).toFixed(2)}px`);
}

/** WXSS → CSS: rpx → px, `page` → body, built-in tags → their wx-* custom elements. */
export function wxssToCss(wxss: string): string {
  const withoutComments = wxss.replace(/\/\*[\s\S]*?\*\//g, "");
  return rpxToPx(withoutComments).replace(/([^{}]+)\{/g, (_, selector: string) => {
    const mapped = selector
      .replace(/(^|[\s,>+~])page(?=[\s,.:[{]|$)/g, "$1body")
      .replace(/(^|[\s,>+~])(view|text|button|input|picker)(?=[\s,.:[{]|$)/g, "$1wx-$2");
    return `${mapped}{`;
  });
}

/** What WeChat's built-in components look like by default (style v2), closely enough to judge layout. */
const BASE_CSS = `
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; line-height: 1.4; }
wx-view, wx-picker, main { display: block; }
wx-text { display: inline; white-space: pre-wrap; }
wx-input { display: block; height: 1.4rem; line-height: 1.4rem; overflow: hidden; white-space: nowrap; text-overflow: clip; }
wx-input .__placeholder { color: #808080; }
/* WeChat's button (style v2): block, 184 px wide, bold, grey, and a hairline drawn by ::after. */
wx-button { position: relative; display: block; box-sizing: border-box; width: 184px; margin: 0 auto;
  padding: 8px 24px; font-size: 17px; font-weight: 700; line-height: 1.41176471; text-align: center;
  border-radius: 8px; background-color: #f2f2f2; color: #06ae56; overflow: hidden; cursor: pointer; }
wx-button::after { content: " "; position: absolute; top: 0; left: 0; width: 200%; height: 200%;
  border: 1px solid rgba(0, 0, 0, 0.2); transform: scale(0.5); transform-origin: 0 0; box-sizing: border-box;
  border-radius: 10px; }
wx-button[size="mini"] { display: inline-block; width: auto; padding: 0 0.75em; line-height: 2; font-size: 16px; }
wx-button[disabled] { color: rgba(0, 0, 0, 0.18); background-color: rgba(0, 0, 0, 0.05); }
wx-button .__spinner { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.4em; vertical-align: -0.1em;
  border: 2px solid currentColor; border-right-color: transparent; border-radius: 50%; box-sizing: border-box; }
/* Platform chrome drawn around the page (not part of the page's WXSS), in theme.json's colours. */
.__navbar { position: fixed; top: 0; left: 0; right: 0; height: 64px; background: var(--nav-bg); color: var(--nav-fg); z-index: 50;
  font: 600 17px/20px -apple-system, "PingFang SC", sans-serif; }
.__navbar .__title { position: absolute; bottom: 12px; left: 0; right: 0; text-align: center; }
.__tabbar { position: fixed; left: 0; right: 0; bottom: 0; height: 50px; background: var(--tab-bg); border-top: 1px solid var(--tab-border);
  display: flex; z-index: 50; font: 10px/1 -apple-system, "PingFang SC", sans-serif; }
.__tabbar div { flex: 1; display: flex; flex-direction: column; align-items: center; justify-content: flex-end; padding-bottom: 6px; color: var(--tab-fg); }
.__tabbar div.__on { color: var(--tab-on); }
.__tabbar img { width: 24px; height: 24px; margin-bottom: 3px; }
.__frame { padding-top: 64px; }
.__frame.__tab { padding-bottom: 50px; }
/* The tab page's viewport ends above the tab bar, so its fixed bottom: 0 sits on the bar. */
.__frame.__tab .bottom-bar { bottom: 50px; }
.__mask { position: fixed; left: 0; right: 0; top: 0; bottom: 0; background: rgba(0,0,0,.6); z-index: 70; display: flex; align-items: center; justify-content: center; }
.__modal { width: 80%; background: #fff; border-radius: 12px; overflow: hidden; font: 16px/1.5 -apple-system, "PingFang SC", sans-serif; text-align: center; }
.__modal .__mt { font-weight: 700; font-size: 17px; padding: 24px 20px 8px; }
.__modal .__mc { color: #808080; padding: 0 20px 24px; white-space: pre-wrap; font-size: 15px; }
.__modal .__mb { display: flex; border-top: 1px solid rgba(0,0,0,.1); }
.__modal .__mb div { flex: 1; padding: 14px 0; font-weight: 700; }
.__modal .__mb div + div { border-left: 1px solid rgba(0,0,0,.1); color: #576b95; }
.__toast { position: fixed; left: 50%; top: 45%; transform: translate(-50%, -50%); background: rgba(17,17,17,.7); color: #fff;
  padding: 12px 16px; border-radius: 8px; font: 15px/1.4 -apple-system, "PingFang SC", sans-serif; z-index: 60; max-width: 70%; text-align: center; }
/* Last, so it wins: WeChat's components and dialogs follow the system theme when app.json has darkmode: true. */
@media (prefers-color-scheme: dark) {
  wx-input .__placeholder { color: #7a7a7a; }
  wx-button { background-color: #2c2c2c; color: #7ccf82; }
  wx-button::after { border-color: rgba(255, 255, 255, 0.2); }
  wx-button[disabled] { color: rgba(255, 255, 255, 0.25); background-color: rgba(255, 255, 255, 0.08); }
  .__modal { background: #2c2c2c; color: #e6e6e6; }
  .__modal .__mc { color: #a6a6a6; }
  .__modal .__mb, .__modal .__mb div + div { border-color: rgba(255,255,255,.1); }
  .__modal .__mb div + div { color: #7d90a9; }
  .__toast { background: rgba(76,76,76,.9); }
}
`;

type ThemeName = "light" | "dark";
interface ThemeJson {
  light: Record<string, string>;
  dark: Record<string, string>;
}
interface AppJson {
  tabBar: { color: string; selectedColor: string; backgroundColor: string; borderStyle: string; list: TabItem[] };
  window: { navigationBarBackgroundColor: string; navigationBarTextStyle: string };
}
interface TabItem {
  pagePath: string;
  text: string;
  iconPath: string;
  selectedIconPath: string;
}

/** The navigation bar and tab bar as app.json and theme.json configure them, for one theme:
 *  CSS variables for BASE_CSS, and the tab bar's markup with its icons. */
function platformChrome(mpRoot: string, page: string, theme: ThemeName, tab: boolean) {
  const app = JSON.parse(readFileSync(join(mpRoot, "app.json"), "utf8")) as AppJson;
  const vars = (JSON.parse(readFileSync(join(mpRoot, "theme.json"), "utf8")) as ThemeJson)[theme];
  const v = (value: string) => (value.startsWith("@") ? vars[value.slice(1)]! : value);
  const black = v(app.tabBar.borderStyle) === "black";
  const css = `:root { --nav-bg: ${v(app.window.navigationBarBackgroundColor)}; --nav-fg: ${v(app.window.navigationBarTextStyle) === "white" ? "#fff" : "#000"};
  --tab-bg: ${v(app.tabBar.backgroundColor)}; --tab-fg: ${v(app.tabBar.color)}; --tab-on: ${v(app.tabBar.selectedColor)};
  --tab-border: ${black ? "rgba(0,0,0,.2)" : "rgba(255,255,255,.15)"}; }`;
  const items = app.tabBar.list.map((item) => {
    const on = item.pagePath === page;
    const icon = pathToFileURL(join(mpRoot, v(on ? item.selectedIconPath : item.iconPath))).href;
    return `<div class="${on ? "__on" : ""}"><img src="${icon}" alt="">${escapeHtml(item.text)}</div>`;
  });
  return { css, tabBar: tab ? `<div class="__tabbar">${items.join("")}</div>` : "" };
}

export interface Chrome {
  title: string;
  /** Set on a tab page: the tab bar is drawn, with the page's own tab selected. */
  tab?: "search" | "orders";
  /** A toast the page showed last, drawn over it. */
  toast?: string;
  /** A wx.showModal the page opened last, drawn over it (WeChat's own dialog, approximated). */
  modal?: { title?: string; content?: string; confirmText?: string; cancelText?: string };
}

export function pageHtml(mpRoot: string, page: string, dom: DomElement, chrome: Chrome, width = 375, theme: ThemeName = "light"): string {
  pxPerRpx = width / 750;
  const appCss = wxssToCss(readFileSync(join(mpRoot, "app.wxss"), "utf8"));
  const pageCss = wxssToCss(readFileSync(join(mpRoot, page + ".wxss"), "utf8"));
  const platform = platformChrome(mpRoot, page, theme, chrome.tab !== undefined);
  const toast = chrome.toast ? `<div class="__toast">${escapeHtml(chrome.toast)}</div>` : "";
  const m = chrome.modal;
  const modal = m
    ? `<div class="__mask"><div class="__modal"><div class="__mt">${escapeHtml(m.title ?? "")}</div><div class="__mc">${escapeHtml(m.content ?? "")}</div><div class="__mb"><div>${escapeHtml(m.cancelText ?? "取消")}</div><div>${escapeHtml(m.confirmText ?? "确定")}</div></div></div></div>`
    : "";
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=${width}">
<style>${platform.css}${BASE_CSS}</style>
<style>/* app.wxss */${appCss}</style>
<style>/* ${page}.wxss */${pageCss}</style></head>
<body><div class="__navbar"><div class="__title">${escapeHtml(chrome.title)}</div></div>
<div class="__frame${chrome.tab ? " __tab" : ""}">${serialize(dom)}</div>${platform.tabBar}${toast}${modal}</body></html>`;
}
