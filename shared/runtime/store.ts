// The services' database and clock inside a function: repositories over the environment's own
// database, built once per instance.
import type { StoreDeps } from "../services/deps";
import { currentEnvDatabase } from "../store/cloudbase-database";
import { createRepos, type Repos } from "../store/repos";

let repos: Repos | undefined;
export function storeDeps(): StoreDeps {
  repos ??= createRepos(currentEnvDatabase());
  return { db: repos, now: () => Date.now() };
}
