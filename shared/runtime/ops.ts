// The console's OpsDeps inside the ops function: the services' repositories and the console's own
// over the environment's database, built once per instance; the payment side on first need.
import type { OpsDeps } from "../ops/deps";
import { createOpsRepos } from "../ops/repos";
import type { PaymentDeps } from "../services/deps";
import { currentEnvDatabase } from "../store/cloudbase-database";
import { paymentDeps } from "./payment";
import { storeDeps } from "./store";

let deps: OpsDeps | undefined;
export function opsDeps(): OpsDeps {
  if (deps) return deps;
  let payment: PaymentDeps | undefined;
  deps = { ...storeDeps(), ops: createOpsRepos(currentEnvDatabase()), payment: () => (payment ??= paymentDeps("ops")) };
  return deps;
}
