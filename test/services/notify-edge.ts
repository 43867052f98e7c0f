// payNotify's HTTP edge in-process: the real parser (signature over the exact bytes, ±300 s against
// the fake clock, AEAD decryption) in front of the services, with a key set made at test time.
// Notifications are what WeChat Pay's ledger queued, signed and encrypted as WeChat Pay would send.
import { createSecretKey } from "node:crypto";
import type { NotificationInput } from "../../dev/wxpay-sim/notifier";
import type { HttpAnswer } from "../../shared/runtime/http-access";
import { handleNotificationRequest } from "../../shared/runtime/notify-http";
import { StaticKeyStore } from "../../shared/wechatpay/key-store";
import { createNotificationParser } from "../../shared/wechatpay/notification";
import {
  buildTestNotification,
  generateTestKeySet,
  type TestKeySet,
  type TestNotification,
  type TestNotificationOptions,
} from "../../shared/wechatpay/testing";
import type { NotificationParser } from "../../shared/wechatpay/types";
import type { World } from "./harness";
import { MERCHANT } from "./ledger-gateway";

export interface EdgeKeys {
  /** The merchant of the in-process world, with a fresh APIv3 key and WeChat Pay key pair. */
  keys: TestKeySet;
  parser: NotificationParser;
}

/** RSA key generation is slow: once per file. */
export function edgeKeys(): EdgeKeys {
  const keys = { ...generateTestKeySet(), ...MERCHANT };
  const parser = createNotificationParser({
    apiV3Key: createSecretKey(Buffer.from(keys.apiV3Key)),
    keys: new StaticKeyStore(new Map([[keys.wechatpay.serial, keys.wechatpay.publicKey]])),
  });
  return { keys, parser };
}

export interface Edge {
  /** A notification signed with WeChat Pay's key at the world's time (options may override). */
  build(opts: TestNotificationOptions): TestNotification;
  /** The next notification the ledger queued, as it would arrive (taken off the outbox). */
  next(): TestNotification;
  post(n: { headers: Record<string, string>; body: string; isBase64Encoded?: boolean }): Promise<HttpAnswer>;
}

export function edge(w: World, { keys, parser }: EdgeKeys): Edge {
  const build = (opts: TestNotificationOptions) =>
    buildTestNotification(keys, keys.wechatpay, { timestamp: Math.floor(w.clock.now() / 1000), ...opts });
  return {
    build,
    next() {
      const n: NotificationInput | undefined = w.wx.outbox.shift();
      if (!n) throw new Error("WeChat Pay has no notification queued");
      return build({ eventType: n.eventType, resource: n.plaintext });
    },
    post: (n) =>
      handleNotificationRequest(
        { path: "/api/payment/notify", httpMethod: "POST", headers: n.headers, body: n.body, isBase64Encoded: n.isBase64Encoded === true },
        parser,
        w.deps,
      ),
  };
}
