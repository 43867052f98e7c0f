// Wiring: configuration → key store → gateway + notification parser, once per process (per env).
import { createSecretKey, randomBytes } from "node:crypto";
import { envFingerprint, loadPayConfig, type Env, type PayConfig, type PayConfigError, type WechatPayConfig } from "./config";
import { createAxiosGateway } from "./gateway-axios";
import { createMockGateway } from "./gateway-mock";
import { CombinedKeyStore, StaticKeyStore, type WechatpayKeyStore } from "./key-store";
import { createNotificationParser } from "./notification";
import { PlatformCertificateStore } from "./platform-certs";
import type { NotificationParser, PaymentGateway } from "./types";

export interface PaymentRuntime {
  ok: true;
  config: PayConfig;
  gateway: PaymentGateway;
  notifications: NotificationParser;
}
export type PaymentRuntimeResult = PaymentRuntime | { ok: false; error: PayConfigError };

export interface WechatpayKeys {
  keys: WechatpayKeyStore;
  certStore?: PlatformCertificateStore;
}

/** Configured public keys and certificates, plus downloaded platform certificates when enabled. */
export function createKeyStore(config: WechatPayConfig): WechatpayKeys {
  const fixed = new StaticKeyStore(config.publicKeys, config.platformCerts);
  if (!config.downloadPlatformCerts) return { keys: fixed };
  const certStore = new PlatformCertificateStore({
    mchid: config.mchid,
    merchantSerial: config.merchantSerial,
    merchantPrivateKey: config.merchantPrivateKey,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    apiV3Key: config.apiV3Key,
    trusted: fixed,
  });
  return { keys: new CombinedKeyStore(fixed, certStore), certStore };
}

export function createPaymentRuntime(env: Env = process.env): PaymentRuntimeResult {
  const loaded = loadPayConfig(env);
  if (!loaded.ok) return loaded;
  const config = loaded.config;
  if (config.mode === "mock") {
    // No WeChat Pay key exists in mock mode: every notification is refused (UNKNOWN_SERIAL).
    const notifications = createNotificationParser({ apiV3Key: createSecretKey(randomBytes(32)), keys: new StaticKeyStore() });
    return { ok: true, config, gateway: createMockGateway(config), notifications };
  }
  const { keys, certStore } = createKeyStore(config);
  return {
    ok: true,
    config,
    gateway: createAxiosGateway({ config, keys, ...(certStore ? { certStore } : {}) }),
    notifications: createNotificationParser({ apiV3Key: config.apiV3Key, keys }),
  };
}

const runtimes = new Map<string, PaymentRuntimeResult>();

/** The process-wide runtime for this environment (keys parsed and certificates cached once). */
export function getPaymentRuntime(env: Env = process.env): PaymentRuntimeResult {
  const key = envFingerprint(env);
  let hit = runtimes.get(key);
  if (!hit) {
    hit = createPaymentRuntime(env);
    runtimes.set(key, hit);
  }
  return hit;
}
