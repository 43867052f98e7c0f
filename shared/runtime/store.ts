// The services' database and clock inside a function: repositories over the environment's own
// database, built once per instance.
import type { StoreDeps } from "../services/deps";
import { currentEnvDatabase } from "../store/cloudbase-database";
import { createRepos, type Repos } from "../store/repos";
import type { MessageSender } from "../services/notices";
import { subscribeMessagesFromEnv } from "./subscribe-messages";

let repos: Repos | undefined;
let messages: MessageSender | undefined;
export function storeDeps(): StoreDeps {
  repos ??= createRepos(currentEnvDatabase());
  messages ??= subscribeMessagesFromEnv();
  return { db: repos, now: () => Date.now(), messages };
}
