// payNotify: the HTTP route WeChat Pay posts notifications to (/api/payment/notify).
import { AppError } from "../../shared/errors";
import { failAnswer, type HttpAnswer, type HttpEvent } from "../../shared/runtime/http";
import { logError } from "../../shared/runtime/log";
import { notificationRuntime, paymentDeps } from "../../shared/runtime/payment";
import { handleNotification } from "../../shared/services/notify";

export async function main(event: HttpEvent): Promise<HttpAnswer> {
  try {
    return await handleNotification(event, notificationRuntime("payNotify").notifications, paymentDeps("payNotify"));
  } catch (e) {
    if (!(e instanceof AppError)) logError("payNotify", e);
    return failAnswer(500, "temporarily unavailable");
  }
}
