// Payment configuration from the environment, validated once per process. A bad variable is reported
// by name and reason; the value is never echoed (it may be a secret).
import { createHash, createPublicKey, createSecretKey, type KeyObject } from "node:crypto";
import {
  defaultKeyFileDirs,
  normalizeSerial,
  parseCertificates,
  parseRsaPrivateKey,
  parseRsaPublicKey,
  readPemSources,
  sameSerial,
  type CertificateKey,
  type Loaded,
} from "./keys";

export const DEFAULT_BASE_URL = "https://api.mch.weixin.qq.com/";
export const DEFAULT_TIMEOUT_MS = 5000;

export type PlatformCertDownload = "auto" | "on" | "off";

export interface WechatPayConfig {
  mode: "wechatpay";
  mchid: string;
  appid: string;
  /** The APIv3 key (32 bytes) as a secret KeyObject, so it cannot be logged by accident. */
  apiV3Key: KeyObject;
  notifyUrl: string;
  /** Merchant certificate serial, upper-case hex (Authorization serial_no). */
  merchantSerial: string;
  merchantPrivateKey: KeyObject;
  /** WeChat Pay public keys by id (PUB_KEY_ID_…). */
  publicKeys: ReadonlyMap<string, KeyObject>;
  /** Platform certificates given in the environment, by normalized serial. */
  platformCerts: ReadonlyMap<string, KeyObject>;
  /** Whether the platform certificates are downloaded from /v3/certificates. */
  downloadPlatformCerts: boolean;
  /** Ends with "/". */
  baseUrl: string;
  timeoutMs: number;
}

/** PAY_MODE=mock: no merchant account; ids are made up and nothing is sent. */
export interface MockPayConfig {
  mode: "mock";
  mchid: string;
  appid: string;
  notifyUrl?: string;
  baseUrl: string;
}

export type PayConfig = WechatPayConfig | MockPayConfig;

export interface ConfigIssue {
  /** The environment variable at fault. */
  variable: string;
  reason: string;
}

export interface PayConfigError {
  kind: "config_error";
  issues: ConfigIssue[];
  /** "WECHAT_API_KEY must be exactly 32 bytes (got 31); …" — no values. */
  message: string;
}

export type PayConfigResult = { ok: true; config: PayConfig } | { ok: false; error: PayConfigError };

export type Env = Record<string, string | undefined>;

/** Variables that decide the configuration (the cache key). */
export const PAY_ENV_VARIABLES = [
  "PAY_MODE",
  "WECHAT_MCHID",
  "WECHAT_APPID",
  "WECHAT_API_KEY",
  "WECHAT_NOTIFY_URL",
  "WECHAT_SERIAL_NO",
  "WECHAT_PRIVATE_KEY",
  "WECHAT_MERCHANT_CERT",
  "WECHAT_PUBLIC_KEY_ID",
  "WECHAT_PUBLIC_KEY",
  "WECHAT_PLATFORM_CERTS",
  "WECHAT_PLATFORM_CERTS_DOWNLOAD",
  "WECHAT_PAY_BASE_URL",
  "WECHAT_PAY_TIMEOUT_MS",
] as const;

const ID_PATTERN = /^[0-9A-Za-z_-]{1,32}$/;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
}

export function envFingerprint(env: Env): string {
  const h = createHash("sha256");
  for (const name of PAY_ENV_VARIABLES) h.update(`${name}\0${env[name] ?? "\u0001"}\0`);
  return h.digest("hex");
}

/** `create` once per distinct payment environment (process-wide, keyed by a digest of the variables):
 *  keys are parsed once (a PEM parsed per call costs 2-4x per sign/verify); a changed env is re-read. */
export function oncePerEnv<T>(create: (env: Env) => T): (env?: Env) => T {
  const made = new Map<string, T>();
  return (env: Env = process.env) => {
    const key = envFingerprint(env);
    if (!made.has(key)) made.set(key, create(env));
    return made.get(key) as T;
  };
}

/** The configuration for this environment, parsed (keys included) once per process. */
export const loadPayConfig: (env?: Env) => PayConfigResult = oncePerEnv((env) =>
  parsePayConfig(env, { keyFileDirs: defaultKeyFileDirs() }),
);

export interface ParseOptions {
  /** Where relative key-file paths are looked up, in order (default: the working directory). */
  keyFileDirs?: readonly string[];
}

/** Parses without the cache (tests, or to re-check after a change). */
export function parsePayConfig(env: Env, options: ParseOptions = {}): PayConfigResult {
  const issues: ConfigIssue[] = [];
  const bad = (variable: string, reason: string) => {
    issues.push({ variable, reason });
  };
  const value = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
  const required = (name: string): string | undefined => {
    const v = value(name);
    if (v === undefined) bad(name, "is required when PAY_MODE=wechatpay");
    return v;
  };

  const modeText = value("PAY_MODE") ?? "wechatpay";
  if (modeText !== "wechatpay" && modeText !== "mock") {
    bad("PAY_MODE", 'must be "wechatpay" or "mock"');
    return failure(issues);
  }

  const baseText = value("WECHAT_PAY_BASE_URL") ?? DEFAULT_BASE_URL;
  let baseUrl: URL | undefined;
  try {
    baseUrl = new URL(baseText);
  } catch {
    bad("WECHAT_PAY_BASE_URL", "is not an absolute URL");
  }
  if (baseUrl && !(baseUrl.protocol === "https:" || (baseUrl.protocol === "http:" && isLoopbackUrl(baseUrl)))) {
    bad("WECHAT_PAY_BASE_URL", "must be https (http only for a loopback address)");
  }
  if (baseUrl && (baseUrl.search || baseUrl.hash)) bad("WECHAT_PAY_BASE_URL", "must not have a query or fragment");
  const base = baseUrl ? baseUrl.href.replace(/\/?$/, "/") : DEFAULT_BASE_URL;
  const loopbackBase = baseUrl ? isLoopbackUrl(baseUrl) : false;

  if (modeText === "mock") {
    if (issues.length) return failure(issues);
    const notifyUrl = value("WECHAT_NOTIFY_URL");
    return {
      ok: true,
      config: {
        mode: "mock",
        mchid: value("WECHAT_MCHID") ?? "1900000000",
        appid: value("WECHAT_APPID") ?? "wxmockappid000000",
        ...(notifyUrl ? { notifyUrl } : {}),
        baseUrl: base,
      },
    };
  }

  const mchid = required("WECHAT_MCHID");
  if (mchid && !ID_PATTERN.test(mchid)) bad("WECHAT_MCHID", "must be 1-32 letters or digits");
  const appid = required("WECHAT_APPID");
  if (appid && !ID_PATTERN.test(appid)) bad("WECHAT_APPID", "must be 1-32 letters or digits");

  // The APIv3 key is used verbatim (not trimmed): it is exactly 32 bytes.
  const apiKeyText = env.WECHAT_API_KEY;
  let apiV3Key: KeyObject | undefined;
  if (apiKeyText === undefined || apiKeyText === "") bad("WECHAT_API_KEY", "is required when PAY_MODE=wechatpay");
  else {
    const bytes = Buffer.from(apiKeyText, "utf8");
    if (bytes.length !== 32) bad("WECHAT_API_KEY", `must be exactly 32 bytes (the APIv3 key), got ${bytes.length}`);
    else apiV3Key = createSecretKey(bytes);
  }

  const notifyText = required("WECHAT_NOTIFY_URL");
  if (notifyText) checkNotifyUrl(notifyText, loopbackBase, bad);

  /** PEM text or path(s) in `name` → parsed value, or an issue naming the variable. */
  const pemVariable = <T>(name: string, text: string | undefined, parse: (pem: string) => Loaded<T>): T | undefined => {
    if (!text) return undefined;
    const pem = readPemSources(text, options.keyFileDirs);
    const parsed = pem.ok ? parse(pem.value) : pem;
    if (!parsed.ok) bad(name, parsed.reason);
    return parsed.ok ? parsed.value : undefined;
  };

  const merchantPrivateKey = pemVariable("WECHAT_PRIVATE_KEY", required("WECHAT_PRIVATE_KEY"), parseRsaPrivateKey);
  const merchantCert = pemVariable("WECHAT_MERCHANT_CERT", value("WECHAT_MERCHANT_CERT"), parseCertificates)?.[0];
  const merchantSerial = merchantSerialOf(value("WECHAT_SERIAL_NO"), merchantCert, bad);
  if (merchantCert && merchantPrivateKey && !samePublicKey(createPublicKey(merchantPrivateKey), merchantCert.publicKey)) {
    bad(
      "WECHAT_PRIVATE_KEY",
      "is not the private key of the certificate in WECHAT_MERCHANT_CERT (apiclient_key.pem and apiclient_cert.pem must be one pair)",
    );
  }

  const publicKeys = new Map<string, KeyObject>();
  const pubId = value("WECHAT_PUBLIC_KEY_ID");
  const pubText = value("WECHAT_PUBLIC_KEY");
  if (pubId && !pubText) bad("WECHAT_PUBLIC_KEY", "is required when WECHAT_PUBLIC_KEY_ID is set");
  if (pubText && !pubId) bad("WECHAT_PUBLIC_KEY_ID", "is required when WECHAT_PUBLIC_KEY is set");
  if (pubId && !/^PUB_KEY_ID_[0-9A-Za-z_]{1,64}$/.test(pubId)) {
    bad("WECHAT_PUBLIC_KEY_ID", "must look like PUB_KEY_ID_… (the WeChat Pay public key id)");
  }
  const publicKey = pemVariable("WECHAT_PUBLIC_KEY", pubText, parseRsaPublicKey);
  if (publicKey && pubId) publicKeys.set(pubId, publicKey);

  const platformCerts = new Map<string, KeyObject>();
  const certText = value("WECHAT_PLATFORM_CERTS");
  for (const c of pemVariable("WECHAT_PLATFORM_CERTS", certText, parseCertificates) ?? []) platformCerts.set(c.serial, c.publicKey);

  const downloadText = (value("WECHAT_PLATFORM_CERTS_DOWNLOAD") ?? "auto") as PlatformCertDownload;
  if (!["auto", "on", "off"].includes(downloadText)) {
    bad("WECHAT_PLATFORM_CERTS_DOWNLOAD", 'must be "auto", "on" or "off"');
  }
  // auto: public-key merchants (since 2024) get 404 from /v3/certificates, so download only without one.
  const downloadPlatformCerts = downloadText === "on" || (downloadText === "auto" && publicKeys.size === 0);
  if (!downloadPlatformCerts && publicKeys.size === 0 && platformCerts.size === 0 && !pubText && !certText) {
    bad(
      "WECHAT_PUBLIC_KEY",
      "no WeChat Pay key configured: set WECHAT_PUBLIC_KEY_ID + WECHAT_PUBLIC_KEY, WECHAT_PLATFORM_CERTS, or allow the download",
    );
  }
  if (merchantSerial && (publicKeys.has(merchantSerial) || platformCerts.has(normalizeSerial(merchantSerial)))) {
    bad("WECHAT_SERIAL_NO", "is the serial of a WeChat Pay key; it must be the merchant certificate serial");
  }

  let timeoutMs = DEFAULT_TIMEOUT_MS;
  const timeoutText = value("WECHAT_PAY_TIMEOUT_MS");
  if (timeoutText !== undefined) {
    const n = Number(timeoutText);
    if (!Number.isInteger(n) || n < 100 || n > 60_000) bad("WECHAT_PAY_TIMEOUT_MS", "must be an integer from 100 to 60000");
    else timeoutMs = n;
  }

  if (issues.length || !mchid || !appid || !apiV3Key || !notifyText || !merchantSerial || !merchantPrivateKey) {
    return failure(issues);
  }
  return {
    ok: true,
    config: {
      mode: "wechatpay",
      mchid,
      appid,
      apiV3Key,
      notifyUrl: notifyText,
      merchantSerial,
      merchantPrivateKey,
      publicKeys,
      platformCerts,
      downloadPlatformCerts,
      baseUrl: base,
      timeoutMs,
    },
  };
}

/** WECHAT_SERIAL_NO as given, checked against the merchant certificate when there is one, or the
 *  certificate's own serial when the variable is absent. */
function merchantSerialOf(
  given: string | undefined,
  cert: CertificateKey | undefined,
  bad: (variable: string, reason: string) => void,
): string | undefined {
  if (given === undefined) {
    if (!cert)
      bad("WECHAT_SERIAL_NO", "is required when PAY_MODE=wechatpay (or set WECHAT_MERCHANT_CERT to apiclient_cert.pem to derive it)");
    return cert?.serial;
  }
  if (!/^[0-9A-Fa-f]{8,64}$/.test(given)) {
    bad("WECHAT_SERIAL_NO", "must be the merchant certificate serial (hex)");
    return undefined;
  }
  if (cert && !sameSerial(given, cert.serial)) bad("WECHAT_SERIAL_NO", "is not the serial of the certificate in WECHAT_MERCHANT_CERT");
  return given.toUpperCase();
}

export function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: "spki", format: "der" }).equals(b.export({ type: "spki", format: "der" }));
}

function checkNotifyUrl(text: string, loopbackBase: boolean, bad: (variable: string, reason: string) => void): void {
  const name = "WECHAT_NOTIFY_URL";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    bad(name, "is not an absolute URL");
    return;
  }
  if (text.length > 255) bad(name, "must be at most 255 characters");
  if (url.search || url.hash) bad(name, "must not carry a query string or fragment");
  if (url.protocol === "https:") return;
  if (url.protocol === "http:" && loopbackBase) return; // only the local simulator accepts http
  bad(name, loopbackBase ? "must be http(s)" : "must be https for the real WeChat Pay API");
}

function failure(issues: ConfigIssue[]): PayConfigResult {
  const message = issues.map((i) => `${i.variable} ${i.reason}`).join("; ");
  return { ok: false, error: { kind: "config_error", issues, message } };
}
