// Loads real mini-program pages into miniprogram-simulate (WXML compiled by the official wcc) and
// installs a fake of the WeChat platform (`wx`): cloud.callFunction, requestPayment, toasts, modals,
// navigation and storage. Only the platform is faked; every page, service and util is our real code.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";

const nodeRequire = createRequire(import.meta.url);
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const mpRoot = join(repoRoot, "miniprogram");

interface ModuleInternals {
  _extensions: Record<string, (module: { _compile(code: string, file: string): void }, filename: string) => void>;
}

/** miniprogram-simulate loads page scripts with Node's require: teach it TypeScript, and try `.ts`
 *  before `.json` so `index.json` beside `index.ts` is not taken for the script. */
function installTsHook(): void {
  const Module = nodeRequire("node:module") as unknown as ModuleInternals;
  const exts = Module._extensions;
  if (exts[".ts"]) return;
  // esbuild, not the TypeScript compiler: loading `typescript` cost half a second of CPU per page
  // test process. Types are checked by `tsc -b`; this only strips them.
  exts[".ts"] = (module, filename) => {
    const out = transformSync(readFileSync(filename, "utf8"), {
      loader: "ts",
      format: "cjs",
      target: "es2020",
      sourcefile: filename,
      sourcemap: "inline",
    });
    module._compile(out.code, filename);
  };
  for (const ext of [".json", ".node"]) {
    const loader = exts[ext];
    delete exts[ext];
    exts[ext] = loader;
  }
}
installTsHook();

// Types of the simulate API as used here (its own .d.ts needs the mini-program typings).
export interface Rendered {
  // biome-ignore lint/suspicious/noExplicitAny: page data is per page
  readonly data: Record<string, any>;
  readonly instance: Record<string, (...args: unknown[]) => unknown>;
  readonly dom: { textContent: string | null } | undefined;
  querySelector(selector: string): Rendered | undefined;
  querySelectorAll(selector: string): Rendered[];
  dispatchEvent(name: string, options?: unknown): void;
  attach(parent: unknown): void;
  detach(): void;
  triggerLifeTime(name: string): void;
}
interface Simulate {
  load(path: string, options: { compiler: "official"; rootPath: string }): string;
  render(id: string, props?: object): Rendered;
  sleep(ms: number): Promise<void>;
}
export const simulate = nodeRequire("miniprogram-simulate") as Simulate;
/** The `wx` object simulate installed: the base our fake platform extends. */
const simulateWx = (globalThis as unknown as { wx: Record<string, unknown> }).wx;

/** Requires a mini-program module through the same Node module cache the pages use. */
export function mpRequire<T>(relative: string): T {
  return nodeRequire(join(mpRoot, relative)) as T;
}

// biome-ignore lint/suspicious/noExplicitAny: each function has its own request type
export type Handler = (data: any) => unknown;

export interface FakePlatform {
  /** Every wx.cloud.callFunction, in order. */
  // biome-ignore lint/suspicious/noExplicitAny: see Handler
  calls: { name: string; data: any }[];
  toasts: string[];
  modals: { title?: string; content?: string; confirmText?: string; cancelText?: string }[];
  navigations: string[];
  /** The `events` each wx.navigateTo passed (the opener's event channel listeners), by navigation. */
  openerEvents: Record<string, (data: unknown) => void>[];
  /** wx.navigateBack calls. */
  backs: number;
  payments: object[];
  storage: Map<string, unknown>;
  /** Answer of the next wx.showModal calls (confirm by default). */
  modalConfirm: boolean;
  /** What wx.requestPayment does. */
  payResult: "success" | "cancel" | "fail";
  /** Function name → handler returning the function's answer (`{ ok, data }` …) or throwing. */
  functions: Record<string, Handler>;
  cloudInit: object[];
  platform: string;
  /** The tab bar's badges by index (wx.setTabBarBadge / removeTabBarBadge). */
  tabBadges: Map<number, string>;
  /** Every wx.requestSubscribeMessage's template ids, in order. */
  subscribeRequests: string[][];
  /** What wx.requestSubscribeMessage answers: per template id "accept" / "reject" / "ban", or a failure. */
  subscribeResult: Record<string, "accept" | "reject" | "ban"> | { fail: string };
}

function callsOf(p: FakePlatform, name: string) {
  return p.calls.filter((c) => c.name === name);
}
export { callsOf };

/** Where the fake platform sends what it cannot answer itself (the end-to-end test: the local stack). */
export interface PlatformBackend {
  /** wx.cloud.callFunction for names without a handler: resolves with the function's result. */
  callFunction?(name: string, data: unknown): Promise<unknown>;
  /** wx.requestPayment when payResult is "success": completes the payment or throws. */
  pay?(params: { package: string }): Promise<void>;
}

/** Replaces the global `wx` with simulate's plus a recording fake of the platform services. */
export function installPlatform(functions: Record<string, Handler> = {}, backend: PlatformBackend = {}): FakePlatform {
  const p: FakePlatform = {
    calls: [],
    toasts: [],
    modals: [],
    navigations: [],
    openerEvents: [],
    backs: 0,
    payments: [],
    storage: new Map(),
    modalConfirm: true,
    payResult: "success",
    functions,
    cloudInit: [],
    platform: "ios",
    tabBadges: new Map(),
    subscribeRequests: [],
    subscribeResult: {},
  };
  const wx = {
    ...simulateWx,
    cloud: {
      init: (opts: object) => void p.cloudInit.push(opts),
      async callFunction({ name, data }: { name: string; data: unknown }) {
        p.calls.push({ name, data: structuredClone(data) });
        const handler = p.functions[name];
        if (!handler && backend.callFunction) {
          return { result: await backend.callFunction(name, data), errMsg: "cloud.callFunction:ok", requestID: "req-test" };
        }
        if (!handler) throw { errMsg: `cloud.callFunction:fail -501000 function not found: ${name}` };
        await Promise.resolve(); // answers arrive asynchronously, as in the client
        return { result: await handler(data), errMsg: "cloud.callFunction:ok", requestID: "req-test" };
      },
    },
    async requestPayment(params: object) {
      p.payments.push(params);
      await Promise.resolve();
      if (p.payResult === "cancel") throw { errMsg: "requestPayment:fail cancel" };
      if (p.payResult === "fail") throw { errMsg: "requestPayment:fail (detail message)" };
      if (backend.pay) {
        try {
          await backend.pay(params as { package: string });
        } catch {
          throw { errMsg: "requestPayment:fail (payment rejected)" };
        }
      }
      return { errMsg: "requestPayment:ok" };
    },
    showToast(opts: { title: string }) {
      p.toasts.push(opts.title);
      return Promise.resolve({ errMsg: "showToast:ok" });
    },
    showLoading: () => Promise.resolve({ errMsg: "showLoading:ok" }),
    hideLoading: () => Promise.resolve({ errMsg: "hideLoading:ok" }),
    async showModal(opts: { title?: string; content?: string; confirmText?: string; cancelText?: string }) {
      p.modals.push({ title: opts.title, content: opts.content, confirmText: opts.confirmText, cancelText: opts.cancelText });
      return { confirm: p.modalConfirm, cancel: !p.modalConfirm, errMsg: "showModal:ok" };
    },
    navigateTo(opts: { url: string; events?: Record<string, (data: unknown) => void> }) {
      p.navigations.push(opts.url);
      p.openerEvents.push(opts.events ?? {});
      return Promise.resolve({ errMsg: "navigateTo:ok" });
    },
    /** Recorded as "back" (a page that saved something returns to the one that opened it). */
    navigateBack() {
      p.navigations.push("back");
      p.backs++;
      return Promise.resolve({ errMsg: "navigateBack:ok" });
    },
    redirectTo(opts: { url: string }) {
      p.navigations.push(opts.url);
      return Promise.resolve({ errMsg: "redirectTo:ok" });
    },
    switchTab(opts: { url: string }) {
      p.navigations.push(opts.url);
      return Promise.resolve({ errMsg: "switchTab:ok" });
    },
    setTabBarBadge(opts: { index: number; text: string }) {
      p.tabBadges.set(opts.index, opts.text);
      return Promise.resolve({ errMsg: "setTabBarBadge:ok" });
    },
    removeTabBarBadge(opts: { index: number }) {
      p.tabBadges.delete(opts.index);
      return Promise.resolve({ errMsg: "removeTabBarBadge:ok" });
    },
    async requestSubscribeMessage(opts: { tmplIds: string[] }) {
      p.subscribeRequests.push([...opts.tmplIds]);
      await Promise.resolve();
      const r = p.subscribeResult;
      if ("fail" in r && typeof r.fail === "string") throw { errMsg: `requestSubscribeMessage:fail ${r.fail}`, errCode: 20004 };
      const answers = r as Record<string, string>;
      return { errMsg: "requestSubscribeMessage:ok", ...Object.fromEntries(opts.tmplIds.map((id) => [id, answers[id] ?? "reject"])) };
    },
    stopPullDownRefresh: () => Promise.resolve({ errMsg: "stopPullDownRefresh:ok" }),
    setStorageSync: (key: string, value: unknown) => void p.storage.set(key, structuredClone(value)),
    getStorageSync: (key: string) => (p.storage.has(key) ? structuredClone(p.storage.get(key)) : ""),
    removeStorageSync: (key: string) => void p.storage.delete(key),
    getSystemInfoSync: () => ({ ...(simulateWx.getSystemInfoSync as () => object)(), platform: p.platform }),
  };
  (globalThis as unknown as { wx: unknown }).wx = wx;
  return p;
}

/** Loads and renders a page (path relative to miniprogram/, e.g. "pages/search/index"), attached. */
export function renderPage(page: string): Rendered {
  const id = simulate.load(join(mpRoot, page), { compiler: "official", rootPath: mpRoot });
  const comp = simulate.render(id);
  comp.attach((globalThis as unknown as { document: { createElement(t: string): unknown } }).document.createElement("parent-wrapper"));
  return comp;
}

/** Gives a rendered page the event channel of the navigation that opened it (`getOpenerEventChannel`):
 *  what it emits reaches the listeners the opener passed to wx.navigateTo, as on the platform. */
export function openedBy(page: Rendered, events: Record<string, (data: unknown) => void>): void {
  page.instance.getOpenerEventChannel = () => ({
    emit: (name: unknown, data: unknown) => events[String(name)]?.(data),
    on: () => undefined,
    once: () => undefined,
    off: () => undefined,
  });
}

/** Text of the first element matching a class selector, trimmed; "" when absent. */
export function textOf(comp: Rendered, selector: string): string {
  return (comp.querySelector(selector)?.dom?.textContent ?? "").replace(/\s+/g, " ").trim();
}

/** Lets pending promise callbacks and zero-delay timers run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await simulate.sleep(0);
}

export const ok = <T>(data: T) => ({ ok: true as const, data });
export const fail = (code: string, message: string) => ({ ok: false as const, error: { code, message } });
