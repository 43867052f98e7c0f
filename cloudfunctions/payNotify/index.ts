// payNotify: the HTTP route WeChat Pay posts notifications to (/api/payment/notify).
import { AppError } from "../../shared/errors";
import { failAnswer, type HttpAnswer, type HttpEvent } from "../../shared/runtime/http";
import { invokedByEndUser } from "../../shared/runtime/identity";
import { logError } from "../../shared/runtime/log";
import { notificationRuntime, paymentDeps } from "../../shared/runtime/payment";
import { handleNotificationRequest } from "../../shared/runtime/notify-http";

export async function main(event: HttpEvent): Promise<HttpAnswer> {
  // Only WeChat Pay, through the HTTP access route, talks to this function; a user calling it
  // with wx.cloud.callFunction is turned away before anything is parsed or recorded.
  if (invokedByEndUser()) return failAnswer(403, "not callable from the mini-program");
  try {
    return await handleNotificationRequest(event, notificationRuntime("payNotify").notifications, paymentDeps("payNotify"));
  } catch (e) {
    if (!(e instanceof AppError)) logError("payNotify", e);
    return failAnswer(500, "temporarily unavailable");
  }
}
