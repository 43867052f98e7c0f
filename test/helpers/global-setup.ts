// Once per `vitest run`: one root for every temporary directory of the run (removed at the end,
// whatever a file left behind), and one dev key set that every local stack and simulator of the run
// starts from. RSA key generation is the slow part of starting a stack (three keys and a
// certificate, ~1.5 s of CPU); the keys are still made at test time and never leave the run's root.
import { generateKeyPair } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { KEY_FILES, loadOrCreateDevKeys } from "../../dev/keys";

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

/** Keys tests draw from; more than any one test file needs. */
const POOL_SIZE = 14;

function rsaKey(): Promise<string> {
  return new Promise((resolve, reject) =>
    generateKeyPair("rsa", { modulusLength: 2048 }, (e, _pub, key) =>
      e ? reject(e) : resolve(key.export({ type: "pkcs8", format: "pem" }).toString()),
    ),
  );
}

export default async function setup(project: TestProject): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), "train-pay-test-"));
  // All generated at once on the thread pool (one at a time they took seconds of the run's start).
  const [merchant, wxpay, ...pool] = await Promise.all(Array.from({ length: POOL_SIZE + 2 }, rsaKey));
  const template = join(root, "dev-keys");
  // The dev key set's two RSA keys come from the same batch; the rest of the set is made as usual.
  mkdirSync(join(template, "keys"), { recursive: true, mode: 0o700 });
  writeFileSync(join(template, "keys", KEY_FILES.merchantPrivateKey), merchant!, { mode: 0o600 });
  writeFileSync(join(template, "keys", KEY_FILES.wxpayPrivateKey), wxpay!, { mode: 0o600 });
  loadOrCreateDevKeys(template, {});
  project.provide("testRoot", root);
  project.provide("devKeysTemplate", template);
  project.provide("rsaKeyPool", pool);
  return () => rmSync(root, { recursive: true, force: true });
}
