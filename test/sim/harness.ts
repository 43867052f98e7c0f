// Test harness for the simulator: hosts the plugin in a bare node:http server on 127.0.0.1:0,
// signs merchant requests with its own node:crypto code (not the simulator's, not shared/'s),
// verifies answers, and runs a local notification receiver.
import { createDecipheriv, createPrivateKey, createPublicKey, createSign, createVerify, randomBytes, type KeyObject } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DevKeys } from "../../dev/keys";
import { createWxPaySimPlugin, type WxPaySimOptions, type WxPaySimPlugin } from "../../dev/wxpay-sim";
import { dataDirWithKeys } from "../helpers/tmp";

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are JSON of many shapes; tests read the fields they assert on
  json: any;
}

export interface SignOverrides {
  key?: KeyObject;
  serial?: string;
  mchid?: string;
  timestamp?: number;
  /** Body actually sent, after signing the normal one. */
  sendBody?: string;
  authorization?: string | null;
  fieldOrder?: string[];
  /** Client-side wait for the answer. */
  timeoutMs?: number;
  /** Gives up when the test says so (instead of after timeoutMs). */
  signal?: AbortSignal;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

function readBody(req: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function toAnswer(status: number, headers: IncomingHttpHeaders, raw: Buffer): HttpAnswer {
  const text = raw.toString("utf8");
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers, raw, text, json };
}

export async function httpCall(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<HttpAnswer> {
  const res = await fetch(url, {
    method: init.method,
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: init.body } : {}),
    signal: init.signal ?? AbortSignal.timeout(init.timeoutMs ?? 10_000),
  });
  const raw = Buffer.from(await res.arrayBuffer());
  const headers: IncomingHttpHeaders = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return toAnswer(res.status, headers, raw);
}

/** A new data directory holding a copy of the run's key set (RSA generation is the slow part). */
export function freshDataDir(): string {
  return dataDirWithKeys("wxpay-sim-");
}

export function nonce(): string {
  return randomBytes(16).toString("hex");
}

export class Sim {
  private constructor(
    readonly plugin: WxPaySimPlugin,
    readonly server: Server,
    readonly baseUrl: string,
    readonly dataDir: string,
    readonly keys: DevKeys,
    readonly merchantKey: KeyObject,
  ) {}

  static async start(opts: WxPaySimOptions = {}, dataDir = freshDataDir()): Promise<Sim> {
    const plugin = createWxPaySimPlugin(opts);
    const server = createServer(async (req, res) => {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (!(await plugin.handle(req, res, body, url))) {
        res.writeHead(404).end("not the plugin's");
      }
    });
    const port = await listen(server);
    const baseUrl = `http://127.0.0.1:${port}`;
    await plugin.start!({ baseUrl, dataDir });
    const keys = plugin.keys();
    return new Sim(plugin, server, baseUrl, dataDir, keys, createPrivateKey(keys.merchantPrivateKeyPem));
  }

  async stop(): Promise<void> {
    await this.plugin.close!();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A merchant request to /v3/…, signed like wechatpay-go / the axios plugin sign it. */
  async call(method: string, pathWithQuery: string, body?: unknown, o: SignOverrides = {}): Promise<HttpAnswer> {
    const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
    const ts = String(o.timestamp ?? Math.floor(Date.now() / 1000));
    const n = nonce();
    const signature = createSign("RSA-SHA256")
      .update(`${method}\n${pathWithQuery}\n${ts}\n${n}\n${text}\n`)
      .sign(o.key ?? this.merchantKey, "base64");
    const fields: Record<string, string> = {
      mchid: o.mchid ?? this.keys.mchid,
      nonce_str: n,
      signature,
      timestamp: ts,
      serial_no: o.serial ?? this.keys.merchantSerialNo,
    };
    const order = o.fieldOrder ?? ["mchid", "nonce_str", "signature", "timestamp", "serial_no"];
    const authorization =
      o.authorization === undefined ? "WECHATPAY2-SHA256-RSA2048 " + order.map((k) => `${k}="${fields[k]}"`).join(",") : o.authorization;
    const headers: Record<string, string> = { Accept: "application/json" };
    if (authorization !== null) headers.Authorization = authorization;
    const sent = o.sendBody ?? text;
    if (sent !== "") headers["Content-Type"] = "application/json";
    return httpCall(this.baseUrl + pathWithQuery, {
      method,
      headers,
      ...(method === "GET" ? {} : { body: sent }),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  }

  /** The control API (unsigned). */
  async control(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    return httpCall(this.baseUrl + path, {
      method,
      headers: { "Content-Type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  /** The WeChat Pay keys a merchant trusts, by serial / public key id. */
  trustedKeys(): Map<string, KeyObject> {
    return new Map([
      [this.keys.wxpayPublicKeyId, createPublicKey(this.keys.wxpayPublicKeyPem)],
      [this.keys.platformSerialNo, createPublicKey(this.keys.platformCertificatePem)],
    ]);
  }

  prepayBody(outTradeNo: string, extra: Record<string, unknown> = {}, notifyUrl = this.baseUrl + "/notify"): Record<string, unknown> {
    return {
      appid: this.keys.appid,
      mchid: this.keys.mchid,
      description: "G1234 北京南-上海虹桥 二等座",
      out_trade_no: outTradeNo,
      notify_url: notifyUrl,
      amount: { total: 55300, currency: "CNY" },
      payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
      ...extra,
    };
  }

  async prepay(outTradeNo: string, extra: Record<string, unknown> = {}, notifyUrl?: string): Promise<string> {
    const r = await this.call("POST", "/v3/pay/transactions/jsapi", this.prepayBody(outTradeNo, extra, notifyUrl));
    if (r.status !== 200) throw new Error(`prepay failed: ${r.status} ${r.text}`);
    return r.json.prepay_id as string;
  }

  async paidOrder(
    outTradeNo: string,
    notifyUrl: string,
    notification: Record<string, boolean> = {},
  ): Promise<{ prepayId: string; transactionId: string }> {
    const prepayId = await this.prepay(outTradeNo, {}, notifyUrl);
    const r = await this.control("POST", "/sim/pay", { prepay_id: prepayId, notification });
    if (r.status !== 200) throw new Error(`pay failed: ${r.status} ${r.text}`);
    return { prepayId, transactionId: r.json.transaction_id };
  }
}

/** Verifies Wechatpay-* headers over the exact bytes: the key is chosen by Wechatpay-Serial. */
export function verifyWechatpaySignature(
  headers: IncomingHttpHeaders,
  raw: Buffer,
  trusted: Map<string, KeyObject>,
): { ok: boolean; serial: string } {
  const serial = String(headers["wechatpay-serial"] ?? "");
  const key = trusted.get(serial);
  const ts = String(headers["wechatpay-timestamp"] ?? "");
  const n = String(headers["wechatpay-nonce"] ?? "");
  const sig = String(headers["wechatpay-signature"] ?? "");
  if (!key || !ts || !n || !sig) return { ok: false, serial };
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return { ok: false, serial };
  const message = Buffer.concat([Buffer.from(`${ts}\n${n}\n`), raw, Buffer.from("\n")]);
  let ok = false;
  try {
    ok = createVerify("RSA-SHA256").update(message).verify(key, sig, "base64");
  } catch {
    ok = false;
  }
  return { ok, serial };
}

export function decryptResource(resource: { ciphertext: string; nonce: string; associated_data: string }, apiV3Key: string): string {
  const data = Buffer.from(resource.ciphertext, "base64");
  const decipher = createDecipheriv("aes-256-gcm", Buffer.from(apiV3Key), Buffer.from(resource.nonce));
  decipher.setAAD(Buffer.from(resource.associated_data));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString("utf8");
}

export interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** A merchant notify endpoint: records every request; `answer` decides each reply in turn. */
export class Receiver {
  readonly received: Received[] = [];
  private waiters: Array<() => void> = [];

  private constructor(
    readonly server: Server,
    readonly url: string,
  ) {}

  static async start(answer: (r: Received, index: number) => { status: number; body?: string } | "hang"): Promise<Receiver> {
    let receiver: Receiver | undefined;
    const server = createServer(async (req, res) => {
      const raw = await readBody(req);
      const r: Received = { at: Date.now(), headers: req.headers, raw };
      const index = receiver!.received.push(r) - 1;
      for (const w of receiver!.waiters.splice(0)) w();
      const a = answer(r, index);
      if (a === "hang") return; // never answers
      res.writeHead(a.status, a.body ? { "Content-Type": "application/json" } : {}).end(a.body ?? "");
    });
    const port = await listen(server);
    receiver = new Receiver(server, `http://127.0.0.1:${port}/api/payment/notify`);
    return receiver;
  }

  async waitFor(count: number, timeoutMs = 30_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} notifications, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until `check` returns a value (the simulator acts in the background). The deadline is
 *  generous (a loaded machine); a passing test returns as soon as the value is there. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
