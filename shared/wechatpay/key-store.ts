// Which WeChat Pay key verifies a message: chosen by Wechatpay-Serial among public keys (PUB_KEY_ID_…)
// and platform certificates at once, since migrating merchants receive both.
import type { KeyObject } from "node:crypto";
import { normalizeSerial } from "./keys";

export interface WechatpayKeyStore {
  /** The key for a serial or public key id; may refresh (bounded) on a miss. Never rejects. */
  lookup(serial: string): Promise<KeyObject | undefined>;
  /** Every key known right now, without fetching: for clients that need a fixed map. */
  snapshot(): ReadonlyMap<string, KeyObject>;
  /** The key if known right now, without fetching (saves an await on the hot path). */
  peek(serial: string): KeyObject | undefined;
}

/** Keys fixed at start (from the configuration). */
export class StaticKeyStore implements WechatpayKeyStore {
  private readonly keys = new Map<string, KeyObject>();

  constructor(...maps: ReadonlyMap<string, KeyObject>[]) {
    for (const map of maps) for (const [id, key] of map) this.keys.set(normalizeSerial(id), key);
  }

  peek(serial: string): KeyObject | undefined {
    return this.keys.get(normalizeSerial(serial));
  }

  async lookup(serial: string): Promise<KeyObject | undefined> {
    return this.peek(serial);
  }

  snapshot(): ReadonlyMap<string, KeyObject> {
    return this.keys;
  }
}

/** Configured keys first, then a refreshing store (downloaded platform certificates). */
export class CombinedKeyStore implements WechatpayKeyStore {
  constructor(
    private readonly fixed: StaticKeyStore,
    private readonly refreshing: WechatpayKeyStore,
  ) {}

  async lookup(serial: string): Promise<KeyObject | undefined> {
    return this.fixed.peek(serial) ?? (await this.refreshing.lookup(serial));
  }

  peek(serial: string): KeyObject | undefined {
    return this.fixed.peek(serial) ?? this.refreshing.peek(serial);
  }

  snapshot(): ReadonlyMap<string, KeyObject> {
    return new Map([...this.refreshing.snapshot(), ...this.fixed.snapshot()]);
  }
}
