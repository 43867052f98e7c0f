// Key files the way merchants receive them (apiclient_key.pem, apiclient_cert.pem, pub_key.pem,
// platform certificates), named in .env.local by a path relative to the repository. The build copies
// each into the folder of every function whose environment names it, under the same relative path,
// where the function reads it at cold start (shared/wechatpay/keys.ts looks there first).
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** Variables whose value is a key file path (or, for the local stack only, PEM text). */
export const KEY_FILE_VARIABLES = ["WECHAT_PRIVATE_KEY", "WECHAT_MERCHANT_CERT", "WECHAT_PUBLIC_KEY", "WECHAT_PLATFORM_CERTS"] as const;
export type KeyFileVariable = (typeof KEY_FILE_VARIABLES)[number];

export const isKeyFileVariable = (name: string): name is KeyFileVariable => (KEY_FILE_VARIABLES as readonly string[]).includes(name);

/** The paths a value names: one, or several separated by commas (platform certificates). */
export function pathsIn(value: string): string[] {
  return value
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
}

export type PathProblem = "pem_text" | "absolute" | "outside" | "missing";

/** Why a named path cannot be deployed, or undefined when it can. */
export function pathProblem(root: string, path: string): PathProblem | undefined {
  if (path.includes("-----BEGIN")) return "pem_text";
  if (isAbsolute(path) || path.startsWith("file://")) return "absolute";
  const rel = relative(resolve(root), resolve(root, path));
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return "outside";
  const full = resolve(root, path);
  if (!existsSync(full) || !statSync(full).isFile()) return "missing";
  return undefined;
}

/** Copies one named file into a function folder under the same relative path, readable only by
 *  its owner (it may be the private key). */
export function copyIntoFunction(root: string, fnDir: string, path: string): void {
  const target = join(fnDir, ...relative(resolve(root), resolve(root, path)).split(sep));
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  copyFileSync(resolve(root, path), target);
  chmodSync(target, 0o600);
}

/** Whether the function folder holds the same bytes as the source. */
export function sameInFunction(root: string, fnDir: string, path: string): "same" | "different" | "absent" {
  const target = join(fnDir, path);
  if (!existsSync(target)) return "absent";
  return readFileSync(target).equals(readFileSync(resolve(root, path))) ? "same" : "different";
}
