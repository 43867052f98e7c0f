// The WeChat Pay APIv3 simulator as a local-stack plugin: serves /v3/... (WeChat Pay) and
// /sim/... (control API). An independent protocol peer: nothing from shared/ is imported.
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { loadOrCreateDevKeys, type DevKeys } from "../keys";
import type { StackContext, StackPlugin } from "../plugin";
import { ControlApi } from "./control-routes";
import { FaultBook } from "./faults";
import { Ledger } from "./ledger";
import { Notifier } from "./notifier";
import { ResponseSigner, type SignMode } from "./signer";
import { SimStore } from "./state";
import { V3Api } from "./v3-routes";

export interface WxPaySimOptions {
  /** Multiplies WeChat's delays (retry schedule, 5 s answer wait, refund settlement). */
  timeScale?: number;
  signMode?: SignMode;
  /** The simulator's clock (signing timestamps, request window, expiry). */
  now?: () => number;
  /** Seconds (before time scaling) until a refund settles SUCCESS by itself; 0 = only through
   *  POST /sim/refunds/settle. Default WXPAY_SIM_REFUND_SETTLE_SECONDS or 10. */
  refundSettleSeconds?: number;
  /** Wait for a notify_url answer; default max(5000 × timeScale, 1000) ms. */
  notifyTimeoutMs?: number;
}

export interface WxPaySimPlugin extends StackPlugin {
  /** The key set in use (after start). */
  keys(): DevKeys;
}

interface Running {
  keys: DevKeys;
  baseUrl: string;
  store: SimStore;
  notifier: Notifier;
  ledger: Ledger;
  v3: V3Api;
  control: ControlApi;
}

const SIGN_MODES: readonly SignMode[] = ["pubkey", "cert", "both"];

function optionsFromEnv(opts: WxPaySimOptions): { timeScale: number; signMode: SignMode } {
  let timeScale = opts.timeScale;
  if (timeScale === undefined && process.env.WXPAY_SIM_TIME_SCALE) {
    timeScale = Number(process.env.WXPAY_SIM_TIME_SCALE);
    if (!(timeScale > 0 && Number.isFinite(timeScale))) throw new Error("WXPAY_SIM_TIME_SCALE: must be a positive number (e.g. 0.001)");
  }
  if (timeScale !== undefined && !(timeScale > 0 && Number.isFinite(timeScale))) throw new Error("timeScale must be a positive number");
  const signMode = opts.signMode ?? ((process.env.WXPAY_SIM_SIGN_MODE || "pubkey") as SignMode);
  if (!SIGN_MODES.includes(signMode)) throw new Error("WXPAY_SIM_SIGN_MODE: must be pubkey, cert or both");
  return { timeScale: timeScale ?? 1, signMode };
}

function refundSettleSeconds(opts: WxPaySimOptions): number | undefined {
  const raw =
    opts.refundSettleSeconds ??
    (process.env.WXPAY_SIM_REFUND_SETTLE_SECONDS ? Number(process.env.WXPAY_SIM_REFUND_SETTLE_SECONDS) : undefined);
  if (raw !== undefined && !(raw >= 0 && Number.isFinite(raw))) throw new Error("WXPAY_SIM_REFUND_SETTLE_SECONDS: must be a number ≥ 0");
  return raw;
}

export function createWxPaySimPlugin(opts: WxPaySimOptions = {}): WxPaySimPlugin {
  const { timeScale, signMode } = optionsFromEnv(opts);
  const nowMs = opts.now ?? Date.now;
  const faults = new FaultBook();
  let running: Running | undefined;

  const started = (): Running => {
    if (!running) throw new Error("wxpay-sim: start() has not run yet");
    return running;
  };

  return {
    name: "wxpay-sim",

    start(ctx: StackContext): void {
      const keys = loadOrCreateDevKeys(ctx.dataDir);
      const store = new SimStore(join(ctx.dataDir, "wxpay-sim", "state.json"));
      const signer = new ResponseSigner(
        signMode,
        { id: keys.wxpayPublicKeyId, privateKeyPem: keys.wxpayPrivateKeyPem },
        { serial: keys.platformSerialNo, privateKeyPem: keys.platformPrivateKeyPem },
        nowMs,
      );
      const notifier = new Notifier(
        store,
        signer,
        keys.apiV3Key,
        nowMs,
        timeScale,
        opts.notifyTimeoutMs ?? Math.max(5000 * timeScale, 1000),
      );
      const ledger = new Ledger(store, notifier, nowMs, timeScale, refundSettleSeconds(opts));
      const baseUrl = ctx.baseUrl.replace(/\/+$/, "");
      const v3 = new V3Api({ ...keys, signMode, baseUrl }, store, ledger, signer, faults, nowMs);
      running = { keys, baseUrl, store, notifier, ledger, v3, control: new ControlApi(store, ledger, faults) };
      ledger.resumePending();
      notifier.resumePending();
    },

    functionEnv(): Record<string, string> {
      const { keys, baseUrl } = started();
      return {
        PAY_MODE: process.env.PAY_MODE || "wechatpay",
        WECHAT_MCHID: keys.mchid,
        WECHAT_APPID: keys.appid,
        WECHAT_API_KEY: keys.apiV3Key,
        WECHAT_SERIAL_NO: keys.merchantSerialNo,
        WECHAT_PRIVATE_KEY: keys.merchantPrivateKeyPem,
        // What a merchant of each kind holds: the WeChat Pay public key (pubkey), only the platform
        // certificates it downloads (cert), or both while migrating (both).
        ...(signMode !== "cert" ? { WECHAT_PUBLIC_KEY_ID: keys.wxpayPublicKeyId, WECHAT_PUBLIC_KEY: keys.wxpayPublicKeyPem } : {}),
        ...(signMode !== "pubkey" ? { WECHAT_PLATFORM_CERTS_DOWNLOAD: "on" } : {}),
        WECHAT_PAY_BASE_URL: baseUrl + "/",
        WECHAT_NOTIFY_URL: baseUrl + "/api/payment/notify",
      };
    },

    keys: () => started().keys,

    async handle(req: IncomingMessage, res: ServerResponse, body: Buffer, url: URL): Promise<boolean> {
      const path = url.pathname;
      const isV3 = path === "/v3" || path.startsWith("/v3/");
      const isSim = path === "/sim" || path.startsWith("/sim/");
      if (!isV3 && !isSim) return false;
      const r = started();
      if (isV3) await r.v3.handle(req, res, body);
      else await r.control.handle((req.method ?? "GET").toUpperCase(), url, body, res);
      return true;
    },

    async close(): Promise<void> {
      if (!running) return;
      running.ledger.stop();
      running.v3.close();
      await running.notifier.close();
      running.store.flush();
    },
  };
}
