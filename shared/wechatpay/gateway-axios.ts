// PaymentGateway over wechatpay-axios-plugin 0.9.6. Traps handled here:
// - the plugin's client is a Proxy that looks like a promise (`then` is a path segment): it lives in a
//   plain holder object and is never returned from an async function nor awaited;
// - ids go in $placeholder$ segments (property names are kebab-cased: T2026ABC → t2026-a-b-c);
// - the plugin is imported lazily, so a function that only parses notifications never loads it;
// - EV3_RES_* (response failed verification), timeouts and resets are "unknown": the request may have
//   taken effect, the caller must query;
// - the 500s that name a settings mistake (OPENID_MISMATCH …) are config_error, not "unknown".
import { constants, publicEncrypt, type KeyObject } from "node:crypto";
import type { Wechatpay } from "wechatpay-axios-plugin";
import type { MiniProgramPayParams } from "../contracts/api";
import { readTradeBill } from "./bill";
import { configRefusalVariable } from "./config-refusals";
import type { WechatPayConfig } from "./config";
import type { WechatpayKeyStore } from "./key-store";
import { signPayParams } from "./pay-params";
import type { PlatformCertificateStore } from "./platform-certs";
import {
  checkAbnormalRefund,
  checkBillDate,
  checkOutTradeNo,
  checkPrepay,
  checkRefund,
  refusedLocally,
  toChinaRfc3339,
} from "./request-rules";
import type {
  AbnormalRefundRequest,
  GatewayResult,
  PaymentGateway,
  PrepayRequest,
  RefundCreateRequest,
  RefundRecord,
  TradeBill,
  Transaction,
} from "./types";
import { isObject, toRefundRecord, toTransaction } from "./wire";

type WechatpayConstructor = new (config: Record<string, unknown>) => Wechatpay;

/** What we read of an axios response or error (axios itself is the plugin's nested dependency). */
interface HttpAnswer {
  status: number;
  data?: unknown;
  headers?: unknown;
}
interface HttpFailure {
  code?: unknown;
  message?: unknown;
  response?: HttpAnswer;
}

interface ClientProblem {
  message: string;
  variable?: string;
}

/** Plain holder: awaiting or resolving a promise with it never touches the Proxy's `then`. */
class PluginClient {
  constructor(
    readonly api: Wechatpay,
    readonly keysVersion: number,
  ) {}
}

let pluginModule: Promise<{ Wechatpay: WechatpayConstructor }> | undefined;
function loadPlugin(): Promise<{ Wechatpay: WechatpayConstructor }> {
  pluginModule ??= import("wechatpay-axios-plugin").then((m) => {
    // CommonJS module: the class is module.exports, reached as default or named depending on the loader.
    const mod = m as unknown as { Wechatpay?: WechatpayConstructor; default?: { Wechatpay?: WechatpayConstructor } };
    const Wechatpay = mod.Wechatpay ?? mod.default?.Wechatpay;
    if (!Wechatpay) throw new Error("wechatpay-axios-plugin has no Wechatpay export");
    return { Wechatpay };
  });
  return pluginModule;
}

export interface AxiosGatewayDeps {
  config: WechatPayConfig;
  /** Every key that may sign a response: configured keys + downloaded platform certificates. */
  keys: WechatpayKeyStore;
  /** Present when platform certificates are downloaded. */
  certStore?: PlatformCertificateStore;
}

export function createAxiosGateway(deps: AxiosGatewayDeps): PaymentGateway {
  return new AxiosGateway(deps);
}

class AxiosGateway implements PaymentGateway {
  readonly mode = "wechatpay" as const;
  private client: PluginClient | undefined;

  constructor(private readonly deps: AxiosGatewayDeps) {}

  private get config(): WechatPayConfig {
    return this.deps.config;
  }

  payParams(prepayId: string): MiniProgramPayParams {
    return signPayParams(this.config.appid, this.config.merchantPrivateKey, prepayId);
  }

  async jsapiPrepay(req: PrepayRequest): Promise<GatewayResult<{ prepayId: string }>> {
    const bad = checkPrepay(req);
    if (bad) return refusedLocally(bad);
    const body = {
      appid: this.config.appid,
      mchid: this.config.mchid,
      description: req.description,
      out_trade_no: req.outTradeNo,
      time_expire: toChinaRfc3339(req.expiresAt),
      ...(req.attach !== undefined ? { attach: req.attach } : {}),
      notify_url: this.config.notifyUrl,
      amount: { total: req.amount, currency: "CNY" },
      payer: { openid: req.payerOpenid },
    };
    return this.call(
      (api) => api.v3.pay.transactions.jsapi.post(body),
      (data) => (isObject(data) && typeof data.prepay_id === "string" && data.prepay_id ? { prepayId: data.prepay_id } : undefined),
    );
  }

  async queryByOutTradeNo(outTradeNo: string): Promise<GatewayResult<Transaction>> {
    const bad = checkOutTradeNo(outTradeNo);
    if (bad) return refusedLocally(bad);
    const mchid = this.config.mchid;
    return this.call(
      (api) => api.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid }, out_trade_no: outTradeNo }),
      toTransaction,
    );
  }

  async queryByTransactionId(transactionId: string): Promise<GatewayResult<Transaction>> {
    if (typeof transactionId !== "string" || !/^[0-9A-Za-z_-]{1,32}$/.test(transactionId)) {
      return refusedLocally({ field: "transactionId", message: "must be 1-32 letters or digits" });
    }
    const mchid = this.config.mchid;
    return this.call(
      (api) => api.v3.pay.transactions.id.$transaction_id$.get({ params: { mchid }, transaction_id: transactionId }),
      toTransaction,
    );
  }

  async close(outTradeNo: string): Promise<GatewayResult<void>> {
    const bad = checkOutTradeNo(outTradeNo);
    if (bad) return refusedLocally(bad);
    const mchid = this.config.mchid;
    return this.call(
      (api) => api.v3.pay.transactions.outTradeNo.$out_trade_no$.close.post({ mchid }, { out_trade_no: outTradeNo }),
      () => undefined,
      true,
    );
  }

  async refund(req: RefundCreateRequest): Promise<GatewayResult<RefundRecord>> {
    const bad = checkRefund(req);
    if (bad) return refusedLocally(bad);
    const body = {
      out_trade_no: req.outTradeNo,
      out_refund_no: req.outRefundNo,
      ...(req.reason !== undefined ? { reason: req.reason } : {}),
      notify_url: this.config.notifyUrl,
      amount: { refund: req.refund, total: req.total, currency: "CNY" },
    };
    return this.call((api) => api.v3.refund.domestic.refunds.post(body), toRefundRecord);
  }

  async queryRefund(outRefundNo: string): Promise<GatewayResult<RefundRecord>> {
    if (typeof outRefundNo !== "string" || !/^[0-9A-Za-z_\-|*@]{1,64}$/.test(outRefundNo)) {
      return refusedLocally({ field: "outRefundNo", message: "must be 1-64 characters of [0-9A-Za-z_-|*@]" });
    }
    return this.call((api) => api.v3.refund.domestic.refunds.$out_refund_no$.get({ out_refund_no: outRefundNo }), toRefundRecord);
  }

  async applyAbnormalRefund(req: AbnormalRefundRequest): Promise<GatewayResult<RefundRecord>> {
    const bad = checkAbnormalRefund(req);
    if (bad) return refusedLocally(bad);
    let body: Record<string, string> = { out_refund_no: req.outRefundNo, type: req.type };
    let serial: string | undefined;
    if (req.type === "USER_BANK_CARD") {
      // The account and name travel encrypted (RSAES-OAEP) with a WeChat Pay key, named in Wechatpay-Serial.
      const enc = this.encryptionKey();
      if (!enc)
        return { kind: "config_error", message: "no WeChat Pay public key or platform certificate to encrypt the bank account with" };
      serial = enc.serial;
      body = {
        ...body,
        bank_type: req.bankType,
        bank_account: encryptField(req.bankAccount, enc.key),
        real_name: encryptField(req.realName, enc.key),
      };
    }
    const headers = serial ? { "Wechatpay-Serial": serial } : {};
    return this.call(
      (api) => api.v3.refund.domestic.refunds.$refund_id$.applyAbnormalRefund.post(body, { refund_id: req.refundId, headers }),
      toRefundRecord,
    );
  }

  /** The WeChat Pay public key if configured (recommended by WeChat Pay), else a platform certificate. */
  private encryptionKey(): { serial: string; key: KeyObject } | undefined {
    const keys = [...this.deps.keys.snapshot()];
    const found = keys.find(([id]) => id.startsWith("PUB_KEY_ID_")) ?? keys[0];
    return found ? { serial: found[0], key: found[1] } : undefined;
  }

  async tradeBill(billDate: string): Promise<GatewayResult<TradeBill>> {
    const bad = checkBillDate(billDate);
    if (bad) return refusedLocally(bad);
    const meta = await this.call(
      (api) => api.v3.bill.tradebill.get({ params: { bill_date: billDate, bill_type: "ALL" } }),
      (data) =>
        isObject(data) && typeof data.download_url === "string" && typeof data.hash_value === "string"
          ? { url: data.download_url, hashType: typeof data.hash_type === "string" ? data.hash_type : "SHA1", hash: data.hash_value }
          : undefined,
    );
    if (meta.kind !== "ok") return meta;
    let url: URL;
    try {
      url = new URL(meta.value.url);
    } catch {
      return { kind: "unknown", reason: "download_url is not a URL" };
    }
    // The signed download goes only to the configured API, never to a host named in an answer.
    if (url.origin !== new URL(this.config.baseUrl).origin || url.pathname !== "/v3/billdownload/file") {
      return { kind: "unknown", reason: "download_url is not the API's /v3/billdownload/file" };
    }
    const params = Object.fromEntries(url.searchParams);
    const file = await this.call(
      (api) => api.v3.billdownload.file.get({ params, responseType: "arraybuffer" }),
      (data) => (Buffer.isBuffer(data) ? data : data instanceof ArrayBuffer ? Buffer.from(data) : undefined),
    );
    if (file.kind !== "ok") return file;
    const bill = readTradeBill(file.value, meta.value.hashType, meta.value.hash);
    if (!bill.ok) return { kind: "unknown", reason: bill.reason, ...(file.requestId ? { requestId: file.requestId } : {}) };
    return { kind: "ok", value: bill.bill, ...(file.requestId ? { requestId: file.requestId } : {}) };
  }

  /** The plugin client for the current key set; rebuilt when downloaded certificates change. */
  private async currentClient(): Promise<PluginClient | ClientProblem> {
    const { Wechatpay } = await loadPlugin();
    const store = this.deps.certStore;
    if (store && store.version === 0) await store.refreshIfDue();
    const version = store?.version ?? 0;
    if (this.client && this.client.keysVersion === version) return this.client;
    const certs: Record<string, unknown> = {};
    for (const [id, key] of this.deps.keys.snapshot()) {
      certs[id] = key;
      // The plugin matches Wechatpay-Serial exactly; hex serials may arrive in either case.
      if (/^[0-9A-F]+$/.test(id)) certs[id.toLowerCase()] = key;
    }
    if (Object.keys(certs).length === 0) {
      return {
        message: "no WeChat Pay key to verify answers (public key not configured, platform certificates not downloaded)",
        variable: "WECHAT_PUBLIC_KEY",
      };
    }
    const api = new Wechatpay({
      mchid: this.config.mchid,
      serial: this.config.merchantSerial,
      privateKey: this.config.merchantPrivateKey,
      certs,
      baseURL: this.config.baseUrl,
      timeout: this.config.timeoutMs,
      proxy: false, // never route through an environment proxy
      maxRedirects: 0,
    });
    this.client = new PluginClient(api, version);
    return this.client;
  }

  private async call<T>(
    send: (api: Wechatpay) => Promise<HttpAnswer>,
    read: (data: unknown) => T | undefined,
    expectNoContent = false,
  ): Promise<GatewayResult<T>> {
    const client = await this.currentClient().catch((e: unknown): ClientProblem => ({ message: `client unavailable: ${errorText(e)}` }));
    if (!(client instanceof PluginClient)) return { kind: "config_error", ...client };
    let answer: HttpAnswer;
    try {
      answer = await send(client.api);
    } catch (e) {
      return this.failure(e as HttpFailure);
    }
    const requestId = requestIdOf(answer.headers);
    const rid = requestId ? { requestId } : {};
    if (expectNoContent && answer.status !== 204 && answer.status !== 200) {
      return { kind: "unknown", reason: `expected 204, got HTTP ${answer.status}`, ...rid };
    }
    const value = read(answer.data);
    if (value === undefined && !expectNoContent) {
      return { kind: "unknown", reason: `HTTP ${answer.status} answer lacks the expected fields`, ...rid };
    }
    return { kind: "ok", value: value as T, ...rid };
  }

  private async failure(e: HttpFailure): Promise<GatewayResult<never>> {
    const code = typeof e?.code === "string" ? e.code : undefined;
    const requestId = requestIdOf(e?.response?.headers);
    const rid = requestId ? { requestId } : {};
    if (code?.startsWith("EV3_RES_")) {
      // An unknown serial may be a rotated platform certificate: refresh (bounded) for the next call.
      if (code === "EV3_RES_HEADER_PLATFORM_SERIAL" && this.deps.certStore) await this.deps.certStore.refreshIfDue();
      return { kind: "unknown", reason: `answer failed verification (${code})`, ...rid };
    }
    const status = e?.response?.status;
    if (typeof status === "number" && status >= 400) {
      const data = parseMaybeJson(e.response?.data);
      const wxCode = isObject(data) && typeof data.code === "string" ? data.code : undefined;
      const message = isObject(data) && typeof data.message === "string" ? data.message : "";
      // A few settings mistakes come back as 500 with their own code: refused, and a setting to fix.
      const variable = configRefusalVariable(wxCode);
      if (wxCode && variable) {
        return {
          kind: "config_error",
          code: wxCode,
          httpStatus: status,
          variable,
          message: `WeChat Pay refused with ${wxCode}: check ${variable}`,
          ...rid,
        };
      }
      // A 5xx (SYSTEM_ERROR: "retry with the same parameters"), or an error page that is not WeChat
      // Pay's JSON (a proxy's 502/504), does not say the request was refused: it may have been
      // carried out. Only a WeChat Pay 4xx with its code is a refusal.
      if (status >= 500 || !wxCode || wxCode === "SYSTEM_ERROR") {
        return { kind: "unknown", reason: `HTTP ${status}${wxCode ? ` ${wxCode}` : ""}: outcome unknown`, ...rid };
      }
      return { kind: "business_error", httpStatus: status, code: wxCode, message, ...rid };
    }
    return { kind: "unknown", reason: code ? `no usable answer (${code})` : `no usable answer: ${errorText(e)}`, ...rid };
  }
}

/** WeChat Pay's sensitive-field encryption: RSAES-OAEP (SHA-1, MGF1), base64. */
function encryptField(plaintext: string, key: KeyObject): string {
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, Buffer.from(plaintext, "utf8")).toString(
    "base64",
  );
}

function parseMaybeJson(data: unknown): unknown {
  if (Buffer.isBuffer(data)) data = data.toString("utf8");
  if (typeof data !== "string") return data;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

function requestIdOf(headers: unknown): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const h = headers as { get?: (name: string) => unknown } & Record<string, unknown>;
  const v = typeof h.get === "function" ? h.get("request-id") : (h["request-id"] ?? h["Request-ID"]);
  return typeof v === "string" && v ? v : undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
