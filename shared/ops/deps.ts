// What the console's core is given: the services' repositories and clock, its own repositories, and
// the payment dependencies on demand — login, search and the audit work even while the payment
// configuration is broken (only what talks to WeChat Pay asks for them).
import type { PaymentDeps, StoreDeps } from "../services/deps";
import type { Database } from "../store/database";
import { createRepos } from "../store/repos";
import { createOpsRepos, type OpsRepos } from "./repos";

export interface OpsStoreDeps extends StoreDeps {
  ops: OpsRepos;
}

export interface OpsDeps extends OpsStoreDeps {
  /** Throws the services' configuration error when the payment variables are wrong. */
  payment(): PaymentDeps;
}

/** Both sets of repositories over one handle (tools outside a function: the stack, bootstrap, tests). */
export function opsStoreDepsOver(db: Database, now: () => number = Date.now): OpsStoreDeps {
  return { db: createRepos(db), ops: createOpsRepos(db), now };
}
