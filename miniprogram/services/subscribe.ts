// 订阅消息 on 提交订单: asks the traveller for 出票成功 / 退款到账 / 出发提醒 (one request, at most three
// templates) and answers which ones were accepted, for createOrder to store. Never fails and never
// blocks the booking: a refusal, an old client without the API or a failure all answer [].
import type { SubscribeTemplate } from "../../shared/contracts/api";
import { config } from "../config";

export async function askSubscriptions(): Promise<SubscribeTemplate[]> {
  const wanted = (Object.entries(config.subscribeTemplates) as [SubscribeTemplate, string][]).filter(([, id]) => id !== "");
  if (wanted.length === 0 || typeof wx.requestSubscribeMessage !== "function") return [];
  try {
    const res = (await wx.requestSubscribeMessage({ tmplIds: wanted.map(([, id]) => id) })) as unknown as Record<string, unknown>;
    return wanted.filter(([, id]) => res[id] === "accept").map(([name]) => name);
  } catch {
    return [];
  }
}
