// payNotify: the HTTP route WeChat Pay posts notifications to (/api/payment/notify).
import { AppError } from "../../shared/errors";
import { failAnswer, type HttpAnswer } from "../../shared/runtime/http-access";
import { hasMiniProgramCaller, isHttpAccessEvent } from "../../shared/runtime/identity";
import { logError } from "../../shared/runtime/log";
import { notificationRuntime, paymentDeps } from "../../shared/runtime/payment";
import { handleNotificationRequest } from "../../shared/runtime/notify-http";

export async function main(event: unknown): Promise<HttpAnswer> {
  // Only WeChat Pay, through the HTTP access route, talks to this function; a mini-program user
  // calling it with wx.cloud.callFunction (WX_OPENID set) is turned away before anything is parsed or
  // recorded, and so is any call whose event is not an HTTP access event.
  if (hasMiniProgramCaller()) return failAnswer(403, "not callable from the mini-program");
  if (!isHttpAccessEvent(event)) return failAnswer(400, "not an HTTP access event");
  try {
    return await handleNotificationRequest(event, notificationRuntime("payNotify").notifications, paymentDeps("payNotify"));
  } catch (e) {
    if (!(e instanceof AppError)) logError("payNotify", e);
    return failAnswer(500, "temporarily unavailable");
  }
}
