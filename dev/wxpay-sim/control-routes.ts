// The simulator's control API under /sim/ (not WeChat's): what the payer does in the WeChat
// app, refund outcomes, the delivery log, fault injection and which AppID an openid belongs to.
// Plain JSON, not signed.
import type { ServerResponse } from "node:http";
import { apiError, type ApiError, type Checked } from "./api-error";
import type { FaultBook } from "./faults";
import { errorReply, jsonReply, type Reply } from "./http-reply";
import type { Ledger } from "./ledger";
import type { NotificationOptions, SimStore } from "./state";
import { parseJsonObject } from "./validate";

type Json = Record<string, unknown>;
const bad = (message: string): ApiError => apiError(400, "BAD_REQUEST", message);

function notificationOptions(body: Json): Checked<NotificationOptions> {
  const raw = body.notification;
  if (raw === undefined) return { ok: true, value: {} };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { ok: false, error: bad("notification must be an object") };
  const options: NotificationOptions = {};
  for (const [k, v] of Object.entries(raw as Json)) {
    if (k !== "duplicate" && k !== "signtest" && k !== "drop") return { ok: false, error: bad(`unknown notification option "${k}"`) };
    if (typeof v !== "boolean") return { ok: false, error: bad(`notification.${k} must be a boolean`) };
    options[k] = v;
  }
  return { ok: true, value: options };
}

function prepayIdOf(body: Json): Checked<string> {
  return typeof body.prepay_id === "string" && body.prepay_id.length > 0
    ? { ok: true, value: body.prepay_id }
    : { ok: false, error: bad("prepay_id (string) is required") };
}

const answer = (r: Checked<unknown>): Reply => (r.ok ? jsonReply(200, r.value) : errorReply(r.error));

export class ControlApi {
  constructor(
    private readonly store: SimStore,
    private readonly ledger: Ledger,
    private readonly faults: FaultBook,
  ) {}

  /** Records which AppID an openid was issued for, as WeChat does at login: a prepay for that openid
   *  under another AppID is then answered 500 OPENID_MISMATCH. An openid is issued once. */
  private registerOpenid(body: Json): Checked<{ openid: string; appid: string }> {
    const { openid, appid } = body;
    if (typeof openid !== "string" || !/^[0-9A-Za-z_-]{1,128}$/.test(openid))
      return { ok: false, error: bad("openid must be 1-128 letters, digits, _ or -") };
    if (typeof appid !== "string" || !/^[0-9A-Za-z_-]{1,32}$/.test(appid))
      return { ok: false, error: bad("appid must be 1-32 letters, digits, _ or -") };
    const known = this.store.state.openids[openid];
    if (known !== undefined && known !== appid)
      return { ok: false, error: apiError(409, "CONFLICT", "openid was issued for another appid") };
    this.store.state.openids[openid] = appid;
    this.store.save();
    return { ok: true, value: { openid, appid } };
  }

  async handle(method: string, url: URL, body: Buffer, res: ServerResponse): Promise<void> {
    const reply = this.route(method, url, body);
    await this.store.durable(); // e.g. /sim/pay: the payment is on disk before it is reported
    const bytes = reply.body ?? Buffer.alloc(0);
    res.writeHead(reply.status, {
      "Content-Type": reply.contentType ?? "application/json; charset=utf-8",
      "Content-Length": String(bytes.length),
    });
    res.end(bytes);
  }

  private route(method: string, url: URL, raw: Buffer): Reply {
    const path = url.pathname;
    if (method === "GET" && path === "/sim/notifications") {
      const outTradeNo = url.searchParams.get("out_trade_no");
      const list = this.store.state.notifications.filter((n) => outTradeNo === null || n.outTradeNo === outTradeNo);
      return jsonReply(200, { notifications: list });
    }
    if (path === "/sim/faults") {
      if (method === "GET") return jsonReply(200, { rules: this.faults.list() });
      if (method === "DELETE") {
        this.faults.clear();
        return jsonReply(200, { rules: [] });
      }
    }
    if (method !== "POST") return errorReply(apiError(404, "NOT_FOUND", `no such control API: ${method} ${path}`));

    const parsed = parseJsonObject(raw.length === 0 ? Buffer.from("{}") : raw);
    if (!parsed.ok) return errorReply(bad(parsed.error.message));
    const body = parsed.value;
    switch (path) {
      case "/sim/pay": {
        const prepayId = prepayIdOf(body);
        if (!prepayId.ok) return errorReply(prepayId.error);
        const options = notificationOptions(body);
        if (!options.ok) return errorReply(options.error);
        return answer(this.ledger.pay(prepayId.value, options.value));
      }
      case "/sim/pay/cancel": {
        const prepayId = prepayIdOf(body);
        return prepayId.ok ? answer(this.ledger.cancelPayment(prepayId.value)) : errorReply(prepayId.error);
      }
      case "/sim/pay/fail": {
        const prepayId = prepayIdOf(body);
        return prepayId.ok ? answer(this.ledger.failPayment(prepayId.value)) : errorReply(prepayId.error);
      }
      case "/sim/refunds/settle": {
        if (typeof body.out_refund_no !== "string") return errorReply(bad("out_refund_no (string) is required"));
        const status = body.status ?? "SUCCESS";
        if (status !== "SUCCESS" && status !== "ABNORMAL" && status !== "CLOSED")
          return errorReply(bad("status must be SUCCESS, ABNORMAL or CLOSED"));
        const options = notificationOptions(body);
        if (!options.ok) return errorReply(options.error);
        return answer(this.ledger.settleRefund(body.out_refund_no, status, options.value));
      }
      case "/sim/openids":
        return answer(this.registerOpenid(body));
      case "/sim/faults": {
        const added = this.faults.add(body);
        return added.ok ? jsonReply(200, { rules: added.value }) : errorReply(added.error);
      }
      default:
        return errorReply(apiError(404, "NOT_FOUND", `no such control API: ${method} ${path}`));
    }
  }
}
