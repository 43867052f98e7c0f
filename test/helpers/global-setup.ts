// Once per `vitest run`: one root for every temporary directory of the run (removed at the end,
// whatever a file left behind), and one dev key set that every local stack and simulator of the run
// starts from. RSA key generation is the slow part of starting a stack (three keys and a
// certificate, ~1.5 s of CPU); the keys are still made at test time and never leave the run's root.
// Also a small pool of RSA key pairs the tests draw from (test/helpers/key-pool.ts) instead of each
// generating its own: the suite used to spend about 10 s of CPU making them.
import { generateKeyPair } from "node:crypto";
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
    /** RSA-2048 private keys (PKCS#8 PEM) made for this run, none of them a dev key: what
     *  shared/wechatpay/testing.ts hands out (test/helpers/key-pool.ts). */
    rsaKeyPool: string[];
  }
}

/** Keys tests draw from: no test file draws more than four. */
const POOL_SIZE = 5;

function rsaKey(): Promise<string> {
  return new Promise((resolve, reject) =>
    generateKeyPair("rsa", { modulusLength: 2048 }, (e, _pub, key) =>
      e ? reject(e) : resolve(key.export({ type: "pkcs8", format: "pem" }).toString()),
    ),
  );
}

export default async function setup(project: TestProject): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), "train-pay-test-"));
  // The pool is made on the thread pool while this thread makes the dev key set.
  const pool = Promise.all(Array.from({ length: POOL_SIZE }, rsaKey));
  const template = join(root, "dev-keys");
  loadOrCreateDevKeys(template, {});
  project.provide("testRoot", root);
  project.provide("devKeysTemplate", template);
  project.provide("rsaKeyPool", await pool);
  return () => rmSync(root, { recursive: true, force: true });
}
