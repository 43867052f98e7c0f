// `npm start`: the local stack on loopback. Prints exactly one stdout line, `ready <baseUrl>`,
// once it serves; everything else goes to stderr.
import { delimiter, join, resolve } from "node:path";
import type { StackPlugin } from "./plugin";
import { startStack, NonLoopbackHostError } from "./stack/index";
import { createWxPaySimPlugin } from "./wxpay-sim";
import { createPassengerKeyPlugin } from "./passenger-key";
import { catalogFor } from "../shared/catalog/catalog";
import { SEED_DAYS } from "../shared/catalog/seed";
import { DATABASE } from "../shared/store/schema";
import { parseAllowedOrigins } from "./stack/guard";
import { bootstrapAdmin } from "../shared/ops/operators";
import { opsStoreDepsOver } from "../shared/ops/deps";
import type { Credentials } from "./stack/auth/tc3";

function envFlag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  return !["0", "false", "off", "no"].includes(value.toLowerCase());
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === "") return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be an integer 0-65535, got ${value}`);
    process.exit(2);
  }
  return port;
}

/** Beside the bundles by default: `npm run build` empties it when it bundles anything again. */
function codeCacheOption(value: string | undefined): { codeCacheDir?: string } {
  if (value && !envFlag(value, true)) return {};
  return { codeCacheDir: resolve(value || join("build", ".code-cache")) };
}

async function main(): Promise<void> {
  const plugins: StackPlugin[] = [createWxPaySimPlugin(), createPassengerKeyPlugin()];
  // STACK_SCHEMA=0: an empty database, like a fresh CloudBase environment (the db:setup test).
  const applySchema = envFlag(process.env.STACK_SCHEMA, true);
  try {
    const stack = await startStack({
      port: parsePort(process.env.PORT),
      host: process.env.HOST || "127.0.0.1",
      dataDir: resolve(process.env.DATA_DIR || ".local"),
      functionsDirs: (process.env.FUNCTIONS_DIRS || "build/cloudfunctions")
        .split(delimiter)
        .filter(Boolean)
        .map((d) => resolve(d)),
      configPath: resolve(process.env.CLOUDBASERC || "cloudbaserc.json"),
      plugins,
      timers: envFlag(process.env.TIMERS, true),
      schema: DATABASE,
      applySchema,
      strictIndexes: envFlag(process.env.STACK_STRICT_INDEXES, false),
      allowedOrigins: parseAllowedOrigins(process.env.STACK_ALLOWED_ORIGINS),
      // Compiled function bundles, shared by every stack started here (STACK_CODE_CACHE=off: plain require()).
      ...codeCacheOption(process.env.STACK_CODE_CACHE),
    });
    if (applySchema) {
      // The catalog for the days ahead, written straight into the store; only missing trains are
      // added (their seats are live stock). STACK_SEED_TRAINS=0: none (suites that never book).
      if (envFlag(process.env.STACK_SEED_TRAINS, true)) {
        const seeded = stack.insertMissing("trains", catalogFor(Date.now(), SEED_DAYS));
        console.error(`[stack] trains: ${seeded.added} added, ${seeded.existing} already there`);
      }
      await bootstrapOps(stack.baseUrl, stack.credentials);
    }
    console.error(`[stack] ops console: ${stack.baseUrl}/ops/`);
    process.stdout.write(`ready ${stack.baseUrl}\n`);
    const shutdown = (signal: string) => {
      console.error(`[stack] ${signal}: shutting down`);
      stack.close().then(
        () => process.exit(0),
        (e: unknown) => {
          console.error("[stack] shutdown failed:", e);
          process.exit(1);
        },
      );
    };
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
  } catch (e) {
    if (e instanceof NonLoopbackHostError) {
      console.error(`error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
}

/** OPS_ADMIN_PASSWORD: the console's first operator, `admin`, if there is no operator yet. */
async function bootstrapOps(url: string, credentials: Credentials): Promise<void> {
  const password = process.env.OPS_ADMIN_PASSWORD;
  if (!password) return;
  // Through the SDK like any client, loaded only here: a stack with no operator to create starts without it.
  const [{ CloudbaseDatabase }, { localSdkOptions }] = await Promise.all([
    import("../shared/store/cloudbase-database"),
    import("./local-sdk"),
  ]);
  const db = new CloudbaseDatabase(localSdkOptions({ url, ...credentials }));
  try {
    const r = await bootstrapAdmin(opsStoreDepsOver(db), password);
    console.error(r === "created" ? "[stack] ops: operator admin created" : "[stack] ops: operators exist, OPS_ADMIN_PASSWORD ignored");
  } catch (e) {
    // The policy message names the rule, never the value.
    console.error(`[stack] ops: admin not created: ${(e as Error).message}`);
  }
}

main().catch((e: unknown) => {
  console.error("[stack] failed to start:", e);
  process.exit(1);
});
