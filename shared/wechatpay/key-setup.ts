// The key store a configuration calls for: configured public keys and certificates, plus downloaded
// platform certificates when enabled. Shared by the full runtime and the notification-only runtime.
import type { WechatPayConfig } from "./config";
import { CombinedKeyStore, StaticKeyStore, type WechatpayKeyStore } from "./key-store";
import { PlatformCertificateStore } from "./platform-certs";

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
