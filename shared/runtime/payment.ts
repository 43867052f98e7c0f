// The services' PaymentDeps from the process environment, built once per process.
import { AppError } from "../errors";
import type { PaymentDeps } from "../services/deps";
import { getPaymentRuntime, type PaymentRuntime } from "../wechatpay/runtime";
import { logDecision } from "./log";

const DEFAULT_TTL_MINUTES = 15;

export function orderTtlMinutes(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.ORDER_TTL_MINUTES);
  // WeChat Pay wants time_expire at least a minute ahead; two hours is the prepay id's own limit.
  return Number.isFinite(v) && v >= 1 && v <= 120 ? v : DEFAULT_TTL_MINUTES;
}

export function paymentRuntime(fn: string): PaymentRuntime {
  const rt = getPaymentRuntime(process.env);
  if (!rt.ok) {
    // Names the variables and reasons, never a value.
    logDecision({ fn, decision: "CONFIG_ERROR", message: rt.error.message });
    throw new AppError("INTERNAL", "支付配置有误，请联系管理员");
  }
  return rt;
}

export function paymentDeps(fn: string): PaymentDeps {
  const rt = paymentRuntime(fn);
  return {
    mode: rt.config.mode,
    merchant: { mchid: rt.config.mchid, appid: rt.config.appid },
    gateway: async () => rt.gateway,
    now: () => Date.now(),
    orderTtlMinutes: orderTtlMinutes(),
  };
}
