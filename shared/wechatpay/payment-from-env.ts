// Wiring: configuration → key store → gateway + notification parser, once per process (per env).
import { loadPayConfig, oncePerEnv, type Env, type PayConfig, type PayConfigError } from "./config";
import { createAxiosGateway } from "./gateway-axios";
import { createMockGateway } from "./gateway-mock";
import { createKeyStore } from "./key-setup";
import { notificationParserFor } from "./notify-from-env";
import type { NotificationParser, PaymentGateway } from "./types";

export interface PaymentRuntime {
  ok: true;
  config: PayConfig;
  gateway: PaymentGateway;
  notifications: NotificationParser;
}
export type PaymentRuntimeResult = PaymentRuntime | { ok: false; error: PayConfigError };

export function createPaymentRuntime(env: Env = process.env): PaymentRuntimeResult {
  const loaded = loadPayConfig(env);
  if (!loaded.ok) return loaded;
  const config = loaded.config;
  if (config.mode === "mock") {
    return { ok: true, config, gateway: createMockGateway(config), notifications: notificationParserFor(config) };
  }
  const { keys, certStore } = createKeyStore(config);
  return {
    ok: true,
    config,
    gateway: createAxiosGateway({ config, keys, ...(certStore ? { certStore } : {}) }),
    notifications: notificationParserFor(config, keys),
  };
}

/** The process-wide runtime for this environment (keys parsed and certificates cached once). */
export const getPaymentRuntime: (env?: Env) => PaymentRuntimeResult = oncePerEnv(createPaymentRuntime);
