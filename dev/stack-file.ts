// `$DATA_DIR/stack.json`: where a running local stack is and the per-start credentials it requires
// of SDK callers, for local tools only (seed, tests, benches, outside checks). Mode 0600; rewritten
// at every start, so a stale file is refused by the running stack.
import { chmodSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The environment id the local stack answers as (SCF_NAMESPACE of its functions). */
export const LOCAL_ENV_ID = "local-env";

export interface StackFile {
  url: string;
  secretId: string;
  secretKey: string;
}

export const STACK_FILE = "stack.json";

export function stackFilePath(dataDir: string): string {
  return join(dataDir, STACK_FILE);
}

export function writeStackFile(dataDir: string, value: StackFile): void {
  const path = stackFilePath(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  // Created 0600 (never readable by others, not even for a moment), then moved into place.
  writeFileSync(tmp, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function readStackFile(dataDir: string): StackFile {
  const path = stackFilePath(dataDir);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`cannot read ${path} (is the local stack running with this DATA_DIR?): ${(e as Error).message}`);
  }
  const v = raw as Partial<StackFile>;
  if (typeof v.url !== "string" || typeof v.secretId !== "string" || typeof v.secretKey !== "string") {
    throw new Error(`${path} must hold { "url", "secretId", "secretKey" }`);
  }
  return { url: v.url, secretId: v.secretId, secretKey: v.secretKey };
}
