// Subscription messages through wx-server-sdk's 云调用 (cloud.openapi.subscribeMessage.send): no
// access_token to manage, the function's own identity. Template ids come from the environment;
// a template without one is not sent ("not configured"). wx-server-sdk is loaded on the first send,
// so a function instance that never sends never evaluates it. Never throws: WeChat's refusal
// (errCode, e.g. 43101 the user did not subscribe, 47003 a value breaks its field's rule) or any
// other failure is answered as a value.
import type { SubscribeTemplate } from "../contracts/api";
import type { MessageSender, SendResult, SubscribeMessage } from "../services/notices";

/** Environment variable holding each template's id (公众平台 → 订阅消息 → 我的模板). */
export const TEMPLATE_ENV: Record<SubscribeTemplate, string> = {
  ticketIssued: "SUBSCRIBE_TPL_TICKET_ISSUED",
  refundSuccess: "SUBSCRIBE_TPL_REFUND_SUCCESS",
  departureReminder: "SUBSCRIBE_TPL_DEPARTURE_REMINDER",
};

interface OpenApiCloud {
  init(config: { env: unknown }): void;
  DYNAMIC_CURRENT_ENV: unknown;
  openapi: { subscribeMessage: { send(req: Record<string, unknown>): Promise<{ errCode?: number }> } };
}

let cloud: Promise<OpenApiCloud> | undefined;
function openApi(): Promise<OpenApiCloud> {
  cloud ??= import("wx-server-sdk").then((m) => {
    const c = ((m as { default?: unknown }).default ?? m) as OpenApiCloud;
    c.init({ env: c.DYNAMIC_CURRENT_ENV });
    return c;
  });
  return cloud;
}

export function subscribeMessagesFromEnv(env: NodeJS.ProcessEnv = process.env): MessageSender {
  return {
    async send(m: SubscribeMessage): Promise<SendResult> {
      const templateId = env[TEMPLATE_ENV[m.template]];
      if (!templateId) return { ok: false, reason: "not configured" };
      try {
        const c = await openApi();
        await c.openapi.subscribeMessage.send({ touser: m.touser, templateId, page: m.page, data: m.data });
        return { ok: true };
      } catch (e) {
        const err = e as { errCode?: unknown; errMsg?: unknown; message?: unknown };
        return {
          ok: false,
          ...(typeof err?.errCode === "number" ? { errcode: err.errCode } : {}),
          reason: String(err?.errMsg ?? err?.message ?? e).slice(0, 80),
        };
      }
    },
  };
}
