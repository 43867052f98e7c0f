// The test suites' handle on the real local stack. The launcher itself lives in dev/launch.ts (the
// demo uses it too); this module keeps the names every suite imports and makes the stack load-proof:
// a test must pass on a machine busy with another test suite, so the functions of the repository's
// cloudbaserc.json get at least LOAD_PROOF_TIMEOUT_S, and WeChat Pay calls LOAD_PROOF_WXPAY_TIMEOUT_MS,
// instead of the production limits (those are checked by test/deploy, and the timeout behaviour
// itself by test/stack/functions.test.ts with its own config).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launchStack, REPO_ROOT, type LocalStack, type StartOptions } from "../../dev/launch";
import { dataDirWithKeys, tempDir } from "./tmp";

export {
  REPO_ROOT,
  type LocalStack as TestStack,
  type Identity,
  type StartOptions,
  type HttpAnswer,
  type CallAnswer,
} from "../../dev/launch";

export const LOAD_PROOF_TIMEOUT_S = 60;
/** The test fixtures' functions (build/test-functions) with their declared timeouts. */
export const FIXTURES_CONFIG = join(REPO_ROOT, "test", "stack", "fixtures", "cloudbaserc.json");
export const LOAD_PROOF_WXPAY_TIMEOUT_MS = "30000";

/** A copy of a cloudbaserc.json with no function timeout below LOAD_PROOF_TIMEOUT_S, except for the
 *  functions named in `keep` (a test of the timeout itself). */
export function loadProofConfig(configPath = join(REPO_ROOT, "cloudbaserc.json"), keep: readonly string[] = []): string {
  const rc = JSON.parse(readFileSync(configPath, "utf8")) as { functions?: Array<{ name?: string; timeout?: number }> };
  for (const f of rc.functions ?? []) if (!keep.includes(f.name ?? "")) f.timeout = Math.max(f.timeout ?? 0, LOAD_PROOF_TIMEOUT_S);
  const out = join(tempDir("cloudbaserc-"), "cloudbaserc.json");
  writeFileSync(out, JSON.stringify(rc, null, 2));
  return out;
}

/** The stack with the repository's functions, load-proof (a given configPath is used as it is), in a
 *  data directory holding the run's dev keys unless one is given. */
export function startTestStack(opts: StartOptions = {}): Promise<LocalStack> {
  return launchStack({
    ...opts,
    dataDir: opts.dataDir ?? dataDirWithKeys("stack-"),
    configPath: opts.configPath ?? loadProofConfig(),
    env: { WECHAT_PAY_TIMEOUT_MS: LOAD_PROOF_WXPAY_TIMEOUT_MS, ...opts.env },
  });
}
