// The WeChat Pay side of the simulator: /v3/... requests are authenticated, routed to the
// ledger, and every answer (errors and 204s included) is signed like WeChat Pay signs it.
import { createHash, createPrivateKey, createPublicKey, randomBytes, X509Certificate, type KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { abnormalTarget } from "./abnormal-target";
import { apiError, paramError, type Checked } from "./api-error";
import { cstDate, rfc3339Cst } from "./china-time";
import { aesGcmEncrypt, randomNonce, rsaOaepDecrypt } from "./crypto";
import type { Endpoint, FaultBook, FaultRule } from "./faults";
import { errorReply, jsonReply, type Reply } from "./http-reply";
import type { Ledger } from "./ledger";
import { verifyMerchantRequest, type MerchantIdentity } from "./request-auth";
import type { ResponseSigner, SignMode } from "./signer";
import type { SimStore } from "./state";
import { buildTradeBill, type BillType } from "./trade-bill";
import { canonicalJson, parseJsonObject, validateAbnormalRefund, validatePrepay, validateRefund } from "./validate";

export interface V3Config {
  mchid: string;
  appid: string;
  apiV3Key: string;
  merchantSerialNo: string;
  merchantPrivateKeyPem: string;
  platformCertificatePem: string;
  platformSerialNo: string;
  /** The private halves, for sensitive fields merchants encrypt to WeChat Pay (Wechatpay-Serial names which). */
  wxpayPublicKeyId: string;
  wxpayPrivateKeyPem: string;
  platformPrivateKeyPem: string;
  signMode: SignMode;
  baseUrl: string;
}

interface Route {
  endpoint: Endpoint;
  run: (url: URL, body: Buffer, headers: IncomingMessage["headers"]) => Reply;
}

/** Bill download links stay valid this long (WeChat's are short-lived too). */
const BILL_TOKEN_TTL_MS = 10 * 60_000;

const fromChecked = (r: Checked<object>, status = 200): Reply => (r.ok ? jsonReply(status, r.value) : errorReply(r.error));

export class V3Api {
  private readonly merchant: MerchantIdentity;
  private readonly billFiles = new Map<string, { text: Buffer; expiresAt: number }>();
  private readonly hung = new Set<ServerResponse>();
  private readonly sleepers = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly cfg: V3Config,
    private readonly store: SimStore,
    private readonly ledger: Ledger,
    private readonly signer: ResponseSigner,
    private readonly faults: FaultBook,
    private readonly nowMs: () => number,
  ) {
    this.merchant = { mchid: cfg.mchid, serialNo: cfg.merchantSerialNo, publicKey: createPublicKey(cfg.merchantPrivateKeyPem) };
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    // The raw request target, exactly as signed (a parsed URL may re-encode it).
    const rawTarget = req.url ?? "/";
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(rawTarget, "http://wxpay-sim.invalid");
    const route = this.route(method, url.pathname);
    if (!route) return this.send(res, errorReply(apiError(404, "NOT_FOUND", `no such API: ${method} ${url.pathname}`)));

    const fault = this.faults.take(route.endpoint);
    if (fault?.latencyMs) await this.sleep(fault.latencyMs);
    if (this.closed) return void res.destroy();
    if (fault && !fault.applied && (fault.status || fault.timeout)) return this.fail(req, res, fault);

    const authError = verifyMerchantRequest(method, rawTarget, req.headers.authorization, body, this.merchant, this.nowMs());
    const reply = authError ? errorReply(authError) : route.run(url, body, req.headers);

    await this.store.durable(); // what the answer reports survives a kill -9
    if (fault?.applied && (fault.status || fault.timeout)) return this.fail(req, res, fault);
    this.send(res, reply, fault?.tamperSignature === true);
  }

  close(): void {
    this.closed = true;
    for (const wake of this.sleepers) wake();
    for (const res of this.hung) res.destroy();
    this.hung.clear();
  }

  private route(method: string, path: string): Route | null {
    const seg = path
      .split("/")
      .slice(1)
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      });
    const is = (...parts: string[]) => parts.length === seg.length && parts.every((p, i) => p === "*" || p === seg[i]);
    if (method === "POST" && is("v3", "pay", "transactions", "jsapi")) return { endpoint: "jsapi", run: (_u, b) => this.jsapi(b) };
    if (method === "GET" && is("v3", "pay", "transactions", "out-trade-no", "*")) {
      return { endpoint: "query", run: (u) => this.withMchid(u, () => fromChecked(this.ledger.queryByOutTradeNo(seg[4]!))) };
    }
    if (method === "GET" && is("v3", "pay", "transactions", "id", "*")) {
      return { endpoint: "query", run: (u) => this.withMchid(u, () => fromChecked(this.ledger.queryByTransactionId(seg[4]!))) };
    }
    if (method === "POST" && is("v3", "pay", "transactions", "out-trade-no", "*", "close")) {
      return { endpoint: "close", run: (_u, b) => this.closeOrder(seg[4]!, b) };
    }
    if (method === "POST" && is("v3", "refund", "domestic", "refunds")) return { endpoint: "refund", run: (_u, b) => this.refund(b) };
    if (method === "GET" && is("v3", "refund", "domestic", "refunds", "*")) {
      return { endpoint: "refund_query", run: () => fromChecked(this.ledger.refundQuery(seg[4]!)) };
    }
    if (method === "POST" && is("v3", "refund", "domestic", "refunds", "*", "apply-abnormal-refund")) {
      return { endpoint: "abnormal_refund", run: (_u, b, h) => this.abnormalRefund(seg[4]!, b, h) };
    }
    if (method === "GET" && is("v3", "certificates")) return { endpoint: "certificates", run: () => this.certificates() };
    if (method === "GET" && is("v3", "bill", "tradebill")) return { endpoint: "tradebill", run: (u) => this.tradeBill(u) };
    if (method === "GET" && is("v3", "billdownload", "file")) return { endpoint: "billdownload", run: (u) => this.billDownload(u) };
    return null;
  }

  private jsapi(body: Buffer): Reply {
    const parsed = parseJsonObject(body);
    if (!parsed.ok) return errorReply(parsed.error);
    const input = validatePrepay(parsed.value, this.nowMs());
    if (!input.ok) return errorReply(input.error);
    if (input.value.mchid !== this.cfg.mchid) return errorReply(paramError("mchid 与请求签名的商户号不一致"));
    if (input.value.appid !== this.cfg.appid) return errorReply(apiError(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配"));
    // WeChat Pay answers this one with 500, not 4xx (an openid belongs to exactly one AppID).
    const issuedFor = this.store.state.openids[input.value.payer.openid];
    if (issuedFor !== undefined && issuedFor !== input.value.appid)
      return errorReply(apiError(500, "OPENID_MISMATCH", "openid和appid不匹配"));
    return fromChecked(this.ledger.prepay(input.value, canonicalJson(parsed.value)));
  }

  private withMchid(url: URL, run: () => Reply): Reply {
    const mchid = url.searchParams.get("mchid");
    if (!mchid) return errorReply(paramError('输入源"/query/mchid"映射到字段"mchid"必填性规则校验失败，此字段为必填项'));
    if (mchid !== this.cfg.mchid) return errorReply(paramError("mchid 与请求签名的商户号不一致"));
    return run();
  }

  private closeOrder(outTradeNo: string, body: Buffer): Reply {
    const parsed = parseJsonObject(body);
    if (!parsed.ok) return errorReply(parsed.error);
    if (typeof parsed.value.mchid !== "string") return errorReply(paramError("mchid 必填"));
    if (parsed.value.mchid !== this.cfg.mchid) return errorReply(paramError("mchid 与请求签名的商户号不一致"));
    const error = this.ledger.closeOrder(outTradeNo);
    return error ? errorReply(error) : { status: 204 };
  }

  private refund(body: Buffer): Reply {
    const parsed = parseJsonObject(body);
    if (!parsed.ok) return errorReply(parsed.error);
    const input = validateRefund(parsed.value);
    if (!input.ok) return errorReply(input.error);
    return fromChecked(this.ledger.refund(input.value, canonicalJson(parsed.value)));
  }

  private abnormalRefund(refundId: string, body: Buffer, headers: IncomingMessage["headers"]): Reply {
    const parsed = parseJsonObject(body);
    if (!parsed.ok) return errorReply(parsed.error);
    const input = validateAbnormalRefund(parsed.value);
    if (!input.ok) return errorReply(input.error);
    const v = input.value;
    if (v.type === "MERCHANT_BANK_CARD") return this.reroute(refundId, v.out_refund_no, abnormalTarget({ type: v.type }));
    // The card fields are encrypted to the key Wechatpay-Serial names (public key id or platform certificate).
    const key = this.decryptionKey(headers["wechatpay-serial"]);
    if (!key) return errorReply(paramError("Wechatpay-Serial 缺失或不是本商户的微信支付公钥ID/平台证书序列号"));
    const account = rsaOaepDecrypt(v.bank_account!, key);
    const name = rsaOaepDecrypt(v.real_name!, key);
    if (account === null || name === null)
      return errorReply(paramError("bank_account 或 real_name 解密失败，请使用 Wechatpay-Serial 对应的公钥以 RSAES-OAEP 加密"));
    return this.reroute(refundId, v.out_refund_no, abnormalTarget({ type: v.type, bankType: v.bank_type!, account, name }));
  }

  private reroute(refundId: string, outRefundNo: string, target: ReturnType<typeof abnormalTarget>): Reply {
    if (!target.ok) return errorReply(target.error);
    return fromChecked(this.ledger.applyAbnormalRefund(refundId, outRefundNo, target.value.receivedAccount, target.value.requestKey));
  }

  private decryptionKey(serial: string | string[] | undefined): KeyObject | undefined {
    if (typeof serial !== "string") return undefined;
    if (serial === this.cfg.wxpayPublicKeyId && this.cfg.signMode !== "cert") return createPrivateKey(this.cfg.wxpayPrivateKeyPem);
    if (serial.toUpperCase() === this.cfg.platformSerialNo.toUpperCase() && this.cfg.signMode !== "pubkey")
      return createPrivateKey(this.cfg.platformPrivateKeyPem);
    return undefined;
  }

  private certificates(): Reply {
    if (this.cfg.signMode === "pubkey") {
      // What new (public-key only) merchants get from WeChat Pay.
      return errorReply(apiError(404, "NOT_FOUND", "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥"));
    }
    const cert = new X509Certificate(this.cfg.platformCertificatePem);
    const nonce = randomNonce(12);
    return jsonReply(200, {
      data: [
        {
          serial_no: this.cfg.platformSerialNo,
          effective_time: rfc3339Cst(Date.parse(cert.validFrom)),
          expire_time: rfc3339Cst(Date.parse(cert.validTo)),
          encrypt_certificate: {
            algorithm: "AEAD_AES_256_GCM",
            nonce,
            associated_data: "certificate",
            ciphertext: aesGcmEncrypt(this.cfg.platformCertificatePem, this.cfg.apiV3Key, nonce, "certificate"),
          },
        },
      ],
    });
  }

  private tradeBill(url: URL): Reply {
    const billDate = url.searchParams.get("bill_date") ?? "";
    const billType = url.searchParams.get("bill_type") ?? "ALL";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate)) return errorReply(paramError("bill_date 格式应为 YYYY-MM-DD"));
    if (billType !== "ALL" && billType !== "SUCCESS" && billType !== "REFUND")
      return errorReply(paramError("bill_type 应为 ALL、SUCCESS 或 REFUND"));
    if (url.searchParams.has("tar_type"))
      return errorReply(paramError("tar_type 未被模拟器支持 (the simulator serves uncompressed bills only)"));
    if (billDate > cstDate(this.nowMs())) return errorReply(paramError("bill_date 不能晚于今天"));
    const text = buildTradeBill(this.store.state, billDate, billType as BillType);
    if (text === null) return errorReply(apiError(400, "NO_STATEMENT_EXIST", "账单文件不存在"));
    const bytes = Buffer.from(text, "utf8");
    const token = randomBytes(24).toString("base64url");
    const now = Date.now();
    for (const [t, f] of this.billFiles) if (f.expiresAt < now) this.billFiles.delete(t);
    this.billFiles.set(token, { text: bytes, expiresAt: now + BILL_TOKEN_TTL_MS });
    return jsonReply(200, {
      hash_type: "SHA1",
      hash_value: createHash("sha1").update(bytes).digest("hex"),
      download_url: `${this.cfg.baseUrl}/v3/billdownload/file?token=${token}`,
    });
  }

  private billDownload(url: URL): Reply {
    const file = this.billFiles.get(url.searchParams.get("token") ?? "");
    if (!file || file.expiresAt < Date.now()) return errorReply(paramError("token 无效或已过期"));
    return { status: 200, body: file.text, contentType: "text/plain; charset=utf-8", unsigned: true };
  }

  private send(res: ServerResponse, reply: Reply, tamper = false): void {
    const body = reply.body ?? Buffer.alloc(0);
    const headers: Record<string, string> = { "Request-ID": randomBytes(16).toString("hex").toUpperCase() };
    if (reply.body) {
      headers["Content-Type"] = reply.contentType ?? "application/json; charset=utf-8";
      headers["Content-Length"] = String(body.length);
    }
    if (!reply.unsigned) Object.assign(headers, this.signer.sign(body, { tamper }));
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  private fail(req: IncomingMessage, res: ServerResponse, fault: FaultRule): Promise<void> | void {
    if (fault.status) {
      const code = fault.code ?? "SYSTEM_ERROR";
      return this.send(
        res,
        errorReply(apiError(fault.status, code, fault.status >= 500 ? "系统错误 (injected fault)" : `${code} (injected fault)`)),
      );
    }
    // Timeout: hold the connection without answering until the client gives up or we close.
    return new Promise((resolve) => {
      this.hung.add(res);
      const done = () => {
        this.hung.delete(res);
        resolve();
      };
      res.once("close", done);
      req.once("close", () => {
        if (req.socket.destroyed) done();
      });
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}
