// Once per `vitest run`: one root for every temporary directory of the run (removed at the end,
// whatever a file left behind), and one dev key set that every local stack and simulator of the run
// starts from. RSA key generation is the slow part of starting a stack (three keys and a
// certificate, ~1.5 s of CPU); the keys are still made at test time and never leave the run's root.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { loadOrCreateDevKeys } from "../../dev/keys";

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's temporary root. */
    testRoot: string;
    /** A data directory holding only keys/: copy its keys/ into a stack's DATA_DIR. */
    devKeysTemplate: string;
  }
}

export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), "train-pay-test-"));
  const template = join(root, "dev-keys");
  loadOrCreateDevKeys(template, {});
  project.provide("testRoot", root);
  project.provide("devKeysTemplate", template);
  return () => rmSync(root, { recursive: true, force: true });
}
