// The notification parser alone, for the notify function: it imports neither the gateway nor
// wechatpay-axios-plugin, so its bundle and cold start stay small.
import { createSecretKey, randomBytes } from "node:crypto";
import { loadPayConfig, oncePerEnv, type Env, type PayConfig, type PayConfigError } from "./config";
import { StaticKeyStore, type WechatpayKeyStore } from "./key-store";
import { createKeyStore } from "./key-setup";
import { createNotificationParser } from "./notification";
import type { NotificationParser } from "./types";

export type NotificationRuntimeResult =
  | { ok: true; config: PayConfig; notifications: NotificationParser }
  | { ok: false; error: PayConfigError };

/** The parser for a configuration; `keys` shares a key store (and its certificate cache) with a gateway. */
export function notificationParserFor(config: PayConfig, keys?: WechatpayKeyStore): NotificationParser {
  if (config.mode === "mock") {
    // No WeChat Pay key exists in mock mode: every notification is refused (UNKNOWN_SERIAL).
    return createNotificationParser({ apiV3Key: createSecretKey(randomBytes(32)), keys: new StaticKeyStore() });
  }
  return createNotificationParser({ apiV3Key: config.apiV3Key, keys: keys ?? createKeyStore(config).keys });
}

export function createNotificationRuntime(env: Env = process.env): NotificationRuntimeResult {
  const loaded = loadPayConfig(env);
  if (!loaded.ok) return loaded;
  return { ok: true, config: loaded.config, notifications: notificationParserFor(loaded.config) };
}

/** Once per process and environment. */
export const getNotificationRuntime: (env?: Env) => NotificationRuntimeResult = oncePerEnv(createNotificationRuntime);
