// Subscription messages (订阅消息): 出票成功 when a payment is applied, 退款到账 when a refund succeeds,
// 出发提醒 two hours before departure (sweeper). Each is sent by the one caller whose compare-and-set
// made the change (the pay / succeed transition, or the reminder's claim), so at most once; only
// when the traveller accepted that template at 提交订单 (a one-shot acceptance allows one message).
// A send never throws and never blocks money paths: its outcome is returned to be recorded.
// Field rules (WeChat, subscribeMessage.send): thing ≤ 20 characters, character_string ≤ 32 letters,
// digits or symbols, time "2019年10月1日 15:01", amount a number with an optional 元 — see docs/deploy.md.
import type { SubscribeTemplate } from "../contracts/api";
import { fenToYuanString } from "../money";
import { logDecision, type LogContext } from "../runtime/log";
import type { NoticeRecord, OrderDoc, RefundDoc } from "../store/model";
import type { StoreDeps } from "./deps";

export const SUBSCRIBE_TEMPLATES: readonly SubscribeTemplate[] = ["ticketIssued", "refundSuccess", "departureReminder"];

/** What subscribeMessage.send takes, with our template name (the adapter maps it to the template id). */
export interface SubscribeMessage {
  template: SubscribeTemplate;
  touser: string;
  /** The order detail page, with its order. */
  page: string;
  data: Record<string, { value: string }>;
}

export type SendResult = { ok: true } | { ok: false; errcode?: number; reason: string };

/** cloud.openapi.subscribeMessage.send behind an interface (runtime/subscribe-messages.ts). */
export interface MessageSender {
  send(m: SubscribeMessage): Promise<SendResult>;
}

/** A send that takes longer is recorded as failed (the payment notification must be answered in 5 s). */
export const SEND_TIMEOUT_MS = 3000;

const CHINA_OFFSET_MS = 8 * 3600_000;
const pad = (n: number) => String(n).padStart(2, "0");

/** "2026年12月03日 09:00" (time.DATA). */
export function chinaTimeText(at: number): string {
  const d = new Date(at + CHINA_OFFSET_MS);
  return `${d.getUTCFullYear()}年${pad(d.getUTCMonth() + 1)}月${pad(d.getUTCDate())}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** thing.DATA: at most 20 characters (code points, so a character beyond the BMP counts once). */
export const thing = (s: string): { value: string } => ({ value: [...s].slice(0, 20).join("") });
const value = (s: string) => ({ value: s });

const trip = (o: OrderDoc) => thing(`${o.train.trainNo} ${o.train.from}-${o.train.to}`);
const departure = (o: OrderDoc) => {
  const [y, m, d] = o.train.date.split("-");
  return value(`${y}年${m}月${d}日 ${o.train.departTime}`);
};
function seats(o: OrderDoc): { value: string } {
  const live = (o.tickets ?? []).filter((t) => t.status === "ISSUED" || t.status === "REFUNDING");
  const first = live[0];
  if (!first) return thing(o.train.seatClassName);
  return thing(`${o.train.seatClassName} ${first.carriage}车${first.seatNo}${live.length > 1 ? `等${live.length}张` : ""}`);
}
const pageOf = (orderId: string) => `pages/order-detail/index?orderId=${orderId}`;

/** The data of each template, keyed as the template chosen in the 公众平台 must be (docs/deploy.md). */
export const messageData = {
  ticketIssued: (o: OrderDoc) => ({
    character_string1: value(o.outTradeNo),
    thing2: trip(o),
    time3: departure(o),
    thing4: seats(o),
    amount5: value(`${fenToYuanString(o.amount)}元`),
  }),
  refundSuccess: (o: OrderDoc, r: RefundDoc, at: number) => ({
    character_string1: value(o.outTradeNo),
    amount2: value(`${fenToYuanString(r.amount)}元`),
    thing3: trip(o),
    time4: value(chinaTimeText(at)),
  }),
  departureReminder: (o: OrderDoc) => ({
    thing1: trip(o),
    time2: departure(o),
    thing3: seats(o),
    thing4: thing("请提前到站，留意检票口信息"),
  }),
};

/** Sends one message if the traveller accepted its template; undefined when nothing was to be sent. */
export async function sendNotice(
  deps: StoreDeps,
  template: SubscribeTemplate,
  order: OrderDoc,
  data: Record<string, { value: string }>,
  log: LogContext,
): Promise<NoticeRecord | undefined> {
  const sender = deps.messages;
  if (!sender || !(order.subscribe ?? []).includes(template)) return undefined;
  let r: SendResult;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    r = await Promise.race([
      sender.send({ template, touser: order.openid, page: pageOf(order._id), data }),
      new Promise<SendResult>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, reason: "timeout" }), SEND_TIMEOUT_MS);
      }),
    ]);
  } catch (e) {
    r = { ok: false, reason: String((e as Error)?.message ?? e).slice(0, 60) };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  const rec: NoticeRecord = r.ok
    ? { at: deps.now(), result: "sent" }
    : { at: deps.now(), result: "failed", ...(r.errcode !== undefined ? { errcode: r.errcode } : {}), reason: r.reason };
  logDecision({
    ...log,
    decision: r.ok ? "NOTICE_SENT" : "NOTICE_FAILED",
    template,
    orderId: order._id,
    ...(r.ok ? {} : { code: r.errcode ?? r.reason }),
  });
  return rec;
}

/** "sent", or "failed 43101" / "failed timeout": how a payment's event records its 出票成功. */
export const noticeText = (n: NoticeRecord): string => (n.result === "sent" ? "sent" : `failed ${n.errcode ?? n.reason ?? ""}`.trim());
