// The subscription message template ids (docs/deploy.md#subscription-messages): an unset one only
// means that message is not sent, so it is a warning, never an error.
import { TEMPLATE_ENV } from "../../shared/runtime/subscribe-messages";
import type { Values } from "../deploy/tcb-config";
import { ok, warn, type Finding } from "./findings";

/** What 公众平台 template ids look like (43 characters of base64url in practice; checked loosely). */
const TEMPLATE_ID = /^[A-Za-z0-9_-]{10,64}$/;

export function checkSubscribeTemplates(values: Values): Finding[] {
  return Object.values(TEMPLATE_ENV).map((name) => {
    const v = (values[name] ?? "").trim();
    if (v === "")
      return warn(
        name,
        "未设置：这种订阅消息不会发送",
        "在公众平台 → 订阅消息选用模板，把模板 ID 写进 .env.local，并填入 miniprogram/config.ts",
      );
    if (!TEMPLATE_ID.test(v))
      return warn(name, "不像公众平台的模板 ID（应为 10–64 位字母、数字、- 或 _）", "从公众平台 → 订阅消息 → 我的模板 复制模板 ID");
    return ok(name, "已设置");
  });
}
