// Platform-certificate mode (merchants from before 2024): GET /v3/certificates, decrypt each
// certificate with the APIv3 key, verify the answer's signature with the downloaded set (plus the
// configured keys), cache. An unknown serial triggers a refresh at most once per interval.
import type { KeyObject } from "node:crypto";
import { decryptAeadResource } from "./aead";
import { signedGet, type SignedCallConfig } from "./signed-request";
import { StaticKeyStore, type WechatpayKeyStore } from "./key-store";
import { normalizeSerial, parseCertificate, sameSerial } from "./keys";
import { verifyMessage } from "./message-verifier";
import { isObject } from "./wire";

export const CERTIFICATES_PATH = "/v3/certificates";
export const DEFAULT_REFRESH_INTERVAL_MS = 60_000;

export interface PlatformCertStoreOptions extends SignedCallConfig {
  apiV3Key: KeyObject;
  /** Configured keys that may also sign the /v3/certificates answer. */
  trusted?: StaticKeyStore;
  minRefreshIntervalMs?: number;
  /** Injected clock (tests). */
  clock?: () => number;
}

export type RefreshResult = { ok: true; count: number } | { ok: false; reason: string };

export class PlatformCertificateStore implements WechatpayKeyStore {
  private certs = new Map<string, KeyObject>();
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<RefreshResult> | undefined;
  /** Bumped on every successful download, so holders of a snapshot know to rebuild. */
  version = 0;
  /** Successful and failed downloads, for logs and tests. */
  downloads = 0;

  constructor(private readonly options: PlatformCertStoreOptions) {}

  snapshot(): ReadonlyMap<string, KeyObject> {
    return this.certs;
  }

  peek(serial: string): KeyObject | undefined {
    return this.certs.get(normalizeSerial(serial));
  }

  async lookup(serial: string): Promise<KeyObject | undefined> {
    const id = normalizeSerial(serial);
    const hit = this.certs.get(id);
    if (hit) return hit;
    await this.refreshIfDue();
    return this.certs.get(id);
  }

  /** Downloads unless one ran within the interval; concurrent callers share one download. */
  refreshIfDue(): Promise<RefreshResult> {
    if (this.inflight !== undefined) return this.inflight;
    const now = this.now();
    const interval = this.options.minRefreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS;
    if (now - this.lastAttempt < interval) return Promise.resolve({ ok: false, reason: "refreshed recently" });
    this.lastAttempt = now;
    this.inflight = this.download().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  private async download(): Promise<RefreshResult> {
    this.downloads += 1;
    const call = await signedGet(this.options, CERTIFICATES_PATH);
    if (!call.ok) return { ok: false, reason: `download failed: ${call.reason}` };
    const { status, headers, body } = call.response;
    if (status !== 200) return { ok: false, reason: `download answered HTTP ${status}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return { ok: false, reason: "answer is not JSON" };
    }
    if (!isObject(parsed) || !Array.isArray(parsed.data)) return { ok: false, reason: "answer has no data array" };
    const fresh = new Map<string, KeyObject>();
    for (const item of parsed.data) {
      if (!isObject(item) || typeof item.serial_no !== "string" || !isObject(item.encrypt_certificate)) {
        return { ok: false, reason: "certificate entry malformed" };
      }
      const enc = item.encrypt_certificate;
      if (typeof enc.ciphertext !== "string" || typeof enc.nonce !== "string") return { ok: false, reason: "certificate entry malformed" };
      const pem = decryptAeadResource(this.options.apiV3Key, {
        ciphertext: enc.ciphertext,
        nonce: enc.nonce,
        associatedData: typeof enc.associated_data === "string" ? enc.associated_data : "",
      });
      if (!pem) return { ok: false, reason: "a certificate does not decrypt with the APIv3 key" };
      const cert = parseCertificate(pem);
      if (!cert.ok) return { ok: false, reason: "a decrypted certificate does not parse" };
      if (!sameSerial(cert.value.serial, item.serial_no)) return { ok: false, reason: "serial_no does not match its certificate" };
      // Keyed as WeChat Pay writes it (Wechatpay-Serial repeats serial_no).
      fresh.set(normalizeSerial(item.serial_no), cert.value.publicKey);
    }
    // The answer is signed by one of the certificates it carries (or a configured key).
    const verifyWith = new StaticKeyStore(fresh, this.options.trusted?.snapshot() ?? new Map());
    const check = await verifyMessage(headers, body, verifyWith, new Date(this.now()));
    if (!check.ok) return { ok: false, reason: `answer signature: ${check.message}` };
    this.certs = fresh;
    this.version += 1;
    return { ok: true, count: fresh.size };
  }
}
