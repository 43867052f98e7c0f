// The payNotify HTTP edge: an HTTP access event in, the answer WeChat Pay expects out (204 =
// received; 4xx/5xx = send again). Verification of the raw bytes comes first; an unverified request
// is counted per day, never stored (anyone can post to the notify URL), and changes nothing.
import type { PaymentDeps } from "../services/deps";
import { countRejection } from "../services/events";
import { ACKNOWLEDGED, applyNotification } from "../services/notify";
import type { NotificationParser } from "../wechatpay/types";
import { failAnswer, noContent, type HttpAnswer, type HttpEvent } from "./http-access";
import { logDecision, logError } from "./log";

const FN = "payNotify";

export async function handleNotificationRequest(event: HttpEvent, parser: NotificationParser, deps: PaymentDeps): Promise<HttpAnswer> {
  if ((event.httpMethod ?? "").toUpperCase() !== "POST") return failAnswer(405, "method not allowed");
  const parsed = await parser.parse(
    { headers: event.headers ?? {}, body: event.body ?? "", isBase64Encoded: event.isBase64Encoded === true },
    new Date(deps.now()),
  );
  if (!parsed.ok) {
    logDecision({ fn: FN, decision: "REJECTED_VERIFICATION", code: parsed.code });
    await countRejection(deps, parsed.code).catch((e: unknown) => logError(FN, e));
    return failAnswer(401, parsed.message);
  }
  try {
    const outcome = await applyNotification(deps, parsed.event);
    return ACKNOWLEDGED.includes(outcome.decision) ? noContent() : failAnswer(400, outcome.detail ?? outcome.decision);
  } catch (e) {
    logError(FN, e, { notificationId: parsed.event.id.slice(0, 64) });
    return failAnswer(500, "storage error");
  }
}
