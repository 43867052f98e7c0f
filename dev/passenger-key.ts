// The local stack's PASSENGER_DATA_KEY (saved passengers' ID numbers, shared/passengers/data-key.ts):
// generated once in $DATA_DIR/keys/passenger_data_key (0600) and handed to the functions, so saved
// passengers stay readable across restarts. A PASSENGER_DATA_KEY in the stack's own environment wins
// (it reaches the functions through cloudbaserc's placeholder like any variable).
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StackPlugin } from "./plugin";
import { PASSENGER_KEY_VARIABLE, passengerKeysFrom } from "../shared/passengers/data-key";

export const PASSENGER_KEY_FILE = "passenger_data_key";

/** The key in base64, created on first use; a damaged file is an error naming it, never its content. */
export function loadOrCreatePassengerKey(dataDir: string): string {
  const dir = join(dataDir, "keys");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, PASSENGER_KEY_FILE);
  if (!existsSync(path)) {
    writeFileSync(path, randomBytes(32).toString("base64") + "\n", { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  const key = readFileSync(path, "utf8").trim();
  try {
    passengerKeysFrom({ [PASSENGER_KEY_VARIABLE]: key });
  } catch {
    throw new Error(`${path}: not 32 bytes in base64; delete it to generate a new key (saved passengers then become unreadable)`);
  }
  return key;
}

export function createPassengerKeyPlugin(): StackPlugin {
  let key: string | undefined;
  return {
    name: "passenger-key",
    start(ctx) {
      key = loadOrCreatePassengerKey(ctx.dataDir);
    },
    functionEnv(): Record<string, string> {
      return key ? { [PASSENGER_KEY_VARIABLE]: key } : {};
    },
    handle: async () => false,
  };
}
