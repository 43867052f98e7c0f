// The page's files, built by scripts/build.ts into the function's folder (public/): index.html plus
// content-hashed assets, each also gzipped at build time.
import { existsSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import type { HttpAnswer } from "../../runtime/http-access";
import { bytes, PAGE_CSP } from "./reply";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
};
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export interface AssetStore {
  /** The file for a name in public/ (no directories), or undefined. */
  read(name: string): { body: Buffer; gzip?: Buffer } | undefined;
}

export function fileAssets(dir: string): AssetStore {
  const cache = new Map<string, { body: Buffer; gzip?: Buffer } | undefined>();
  return {
    read(name) {
      if (!NAME.test(name) || name.startsWith(".")) return undefined;
      if (!cache.has(name)) {
        const file = join(dir, name);
        const gz = `${file}.gz`;
        cache.set(name, existsSync(file) ? { body: readFileSync(file), ...(existsSync(gz) ? { gzip: readFileSync(gz) } : {}) } : undefined);
      }
      return cache.get(name);
    },
  };
}

/** index.html is never cached (it names the current assets); hashed assets are immutable. */
export function serveAsset(store: AssetStore, name: string, acceptEncoding: string | undefined): HttpAnswer | undefined {
  const file = store.read(name);
  const type = TYPES[extname(name)];
  if (!file || !type) return undefined;
  const isPage = name === "index.html";
  const headers: Record<string, string> = {
    "cache-control": isPage ? "no-store" : "public, max-age=31536000, immutable",
    vary: "accept-encoding",
    ...(isPage ? { "content-security-policy": PAGE_CSP } : {}),
  };
  if (file.gzip && /\bgzip\b/.test(acceptEncoding ?? "")) return bytes(file.gzip, type, { ...headers, "content-encoding": "gzip" });
  return bytes(file.body, type, headers);
}
