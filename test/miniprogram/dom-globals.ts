// A DOM for miniprogram-simulate in vitest's node environment: one per worker process, shared by the
// page tests it runs (a jsdom environment per file costs a second of CPU each; and under it vite
// rewrites `new URL(…, import.meta.url)` in the stack helper the e2e suite needs).
// Import this before ./harness.
import { createRequire } from "node:module";

// jsdom ships no type declarations (and @types/jsdom is not installed): declare the little used here.
interface JsdomModule {
  JSDOM: new (html: string, options: { url: string }) => { window: object & { document: unknown } };
}
const { JSDOM } = createRequire(import.meta.url)("jsdom") as JsdomModule;

const dom = new JSDOM("<!doctype html><html><head></head><body></body></html>", { url: "http://localhost/" });
const g = globalThis as unknown as Record<string, unknown>;
const win = dom.window as unknown as Record<string, unknown>;
for (const key of Object.getOwnPropertyNames(win)) {
  // Node has its own Event classes; the DOM's must win, or jsdom rejects the events j-component makes.
  if (key in g && !/Event/.test(key)) continue;
  g[key] = win[key];
}
g.window = dom.window;
g.document = dom.window.document;
