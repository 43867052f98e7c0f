// WeChat Pay answers some mistakes in the merchant's own settings with HTTP 500 instead of a 4xx.
// They are refusals — nothing was created, and sending the same request again cannot help — not
// "outcome unknown" like a SYSTEM_ERROR. The gateway reports them as config_error naming the variable
// to check, so a booking closes its order and gives the seats back at once.
import type { GatewayResult } from "./types";

/** WeChat Pay error code → the environment variable to check. */
export const CONFIG_REFUSALS: Readonly<Record<string, string>> = {
  // The payer's openid was issued for another AppID: WECHAT_APPID is not the mini-program's AppID
  // (or the mini-program runs under another AppID than the one configured here).
  OPENID_MISMATCH: "WECHAT_APPID",
  // "订单号非法": the ids we send are derived and checked before sending, and transaction ids come
  // from WeChat Pay itself, so what is left is the merchant the request is made for.
  INVALID_TRANSACTIONID: "WECHAT_MCHID",
};

export function configRefusalVariable(code: string | undefined): string | undefined {
  return code !== undefined && Object.prototype.hasOwnProperty.call(CONFIG_REFUSALS, code) ? CONFIG_REFUSALS[code] : undefined;
}

type Refused = Extract<GatewayResult<unknown>, { kind: "business_error" | "config_error" }>;

/** What a decision log line records of a refused call: WeChat Pay's code and Request-ID, and for a
 *  configuration refusal the variable to check. Never a value. */
export function refusalLogFields(r: Refused): { code: string; requestId?: string; variable?: string } {
  if (r.kind === "business_error") return { code: r.code, ...(r.requestId ? { requestId: r.requestId } : {}) };
  return { code: r.code ?? "CONFIG", ...(r.requestId ? { requestId: r.requestId } : {}), ...(r.variable ? { variable: r.variable } : {}) };
}
