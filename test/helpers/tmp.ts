// Temporary directories for a test file, under the run's root (test/helpers/global-setup.ts),
// removed after the file's last test (test keys included), and with the root at the end of the run.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, inject } from "vitest";

const made: string[] = [];
// Registered when a test file first imports this module: runs after that file's tests.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(inject("testRoot"), prefix));
  made.push(dir);
  return dir;
}

/** A new data directory for a stack or simulator, holding a copy of the run's dev keys. */
export function dataDirWithKeys(prefix: string): string {
  const dir = tempDir(prefix);
  cpSync(join(inject("devKeysTemplate"), "keys"), join(dir, "keys"), { recursive: true });
  return dir;
}
