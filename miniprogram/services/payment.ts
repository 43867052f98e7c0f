// Launches WeChat Pay. A success reported here is only a hint: the pay page confirms with `sync`.
// In local development mode the payment goes through the simulator's POST /sim/pay instead.
import type { MiniProgramPayParams } from "../../shared/contracts/api";
import { postJson } from "./http";
import { isLocalDev, localBaseUrl } from "./local-dev";

export type PayOutcome = { kind: "success" } | { kind: "cancel" } | { kind: "fail"; message: string };

const FAIL_MESSAGE = "支付未完成，请重试";

function errMsgOf(err: unknown): string {
  if (typeof err === "object" && err !== null && "errMsg" in err) {
    const msg = (err as { errMsg: unknown }).errMsg;
    if (typeof msg === "string") return msg;
  }
  return "";
}

/** "prepay_id=wx123" → "wx123" */
export function prepayIdOf(pkg: string): string {
  return pkg.startsWith("prepay_id=") ? pkg.slice("prepay_id=".length) : pkg;
}

async function payWithSimulator(params: MiniProgramPayParams, amountText: string): Promise<PayOutcome> {
  // Stands in for WeChat's own payment sheet, so cancel can be tried locally too.
  const choice = await wx.showModal({
    title: "本地模拟支付",
    content: `支付 ${amountText}（本地模拟器）`,
    confirmText: "确认支付",
    cancelText: "取消",
  });
  if (!choice.confirm) return { kind: "cancel" };
  try {
    const res = await postJson(`${localBaseUrl()}/sim/pay`, { prepay_id: prepayIdOf(params.package) }, {});
    return res.statusCode >= 200 && res.statusCode < 300 ? { kind: "success" } : { kind: "fail", message: FAIL_MESSAGE };
  } catch {
    return { kind: "fail", message: "网络连接失败，请检查网络后重试" };
  }
}

export async function launchPayment(params: MiniProgramPayParams, amountText: string): Promise<PayOutcome> {
  if (isLocalDev()) return payWithSimulator(params, amountText);
  try {
    await wx.requestPayment({
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType,
      paySign: params.paySign,
    });
    return { kind: "success" };
  } catch (err) {
    return /cancel$/.test(errMsgOf(err)) ? { kind: "cancel" } : { kind: "fail", message: FAIL_MESSAGE };
  }
}
