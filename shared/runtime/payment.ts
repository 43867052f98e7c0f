// The services' PaymentDeps from the process environment, built once per process. The WeChat Pay
// HTTP client (wechatpay-axios-plugin, axios) is imported only when a call needs it, so payNotify
// — which needs it only for the rare automatic refund — starts without evaluating it.
import { AppError } from "../errors";
import type { PaymentDeps } from "../services/deps";
import { storeDeps } from "./store";
import type { PayConfig } from "../wechatpay/config";
import { getNotificationRuntime } from "../wechatpay/notify-from-env";
import type { NotificationParser, PaymentGateway } from "../wechatpay/types";
import { logDecision } from "./log";

const DEFAULT_TTL_MINUTES = 15;

export function orderTtlMinutes(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.ORDER_TTL_MINUTES);
  // WeChat Pay wants time_expire at least a minute ahead when the prepay arrives: keep a margin.
  // Two hours is the prepay id's own limit.
  return Number.isInteger(v) && v >= 2 && v <= 120 ? v : DEFAULT_TTL_MINUTES;
}

function configError(fn: string, message: string): AppError {
  // Names the variables and reasons, never a value.
  logDecision({ fn, decision: "CONFIG_ERROR", message });
  return new AppError("INTERNAL", "支付配置有误，请联系管理员");
}

/** Configuration and notification parser (node:crypto only). */
export function notificationRuntime(fn: string): { config: PayConfig; notifications: NotificationParser } {
  const rt = getNotificationRuntime(process.env);
  if (!rt.ok) throw configError(fn, rt.error.message);
  return rt;
}

async function gateway(fn: string): Promise<PaymentGateway> {
  const { getPaymentRuntime } = await import("../wechatpay/payment-from-env");
  const rt = getPaymentRuntime(process.env);
  if (!rt.ok) throw configError(fn, rt.error.message);
  return rt.gateway;
}

export function paymentDeps(fn: string): PaymentDeps {
  const { config } = notificationRuntime(fn);
  return {
    ...storeDeps(),
    mode: config.mode,
    merchant: { mchid: config.mchid, appid: config.appid },
    gateway: () => gateway(fn),
    orderTtlMinutes: orderTtlMinutes(),
  };
}
