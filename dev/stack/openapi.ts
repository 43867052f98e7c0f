// 云调用 (wx-server-sdk's cloud.openapi.*) as the local stack answers it. wx-server-sdk 4.0.2 sends
// each call through its @cloudbase/node-sdk to the environment's API (here POST /admin) as signed
// multipart/form-data: `action=wx.openApi`, `apiName` (e.g. "subscribeMessage.send") and
// `requestData`, a protobuf CommApiData whose OpenApiData pairs hold each request field as JSON
// bytes; it expects a protobuf CommOpenApiResp back (respData = WeChat's JSON answer). Only
// subscribeMessage.send is emulated: it checks the fields by WeChat's rules, records the message
// (GET /dev/messages) and answers like WeChat, errcode 0 or 47003 (a value breaks its field's rule).
import type { IncomingMessage, ServerResponse } from "node:http";
import { verifySdkMultipart } from "./auth/sdk-signature";
import type { Credentials } from "./auth/tc3";
import { errorMessage } from "./errors";
import { sendJson } from "./http-body";

/** Subscription template ids the stack gives its functions unless the environment sets others. */
export const LOCAL_TEMPLATE_IDS: Record<string, string> = {
  SUBSCRIBE_TPL_TICKET_ISSUED: "local-tpl-ticket-issued",
  SUBSCRIBE_TPL_REFUND_SUCCESS: "local-tpl-refund-success",
  SUBSCRIBE_TPL_DEPARTURE_REMINDER: "local-tpl-departure-reminder",
};

/** A multipart/form-data body's fields (files as their bytes). */
export function parseMultipart(body: Buffer, contentType: string): Map<string, Buffer> | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const fields = new Map<string, Buffer>();
  let at = body.indexOf(delimiter);
  if (at < 0) return undefined;
  for (;;) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") return fields; // the closing delimiter
    const headerEnd = body.indexOf("\r\n\r\n", start);
    const next = body.indexOf(delimiter, start);
    if (headerEnd < 0 || next < 0 || headerEnd > next) return undefined;
    const name = /name="([^"]*)"/i.exec(body.subarray(start, headerEnd).toString("utf8"))?.[1];
    if (name === undefined) return undefined;
    fields.set(name, body.subarray(headerEnd + 4, next - 2)); // the part ends with CRLF before the delimiter
    at = next;
  }
}

// ---- protobuf, the few messages used (field numbers from wx-server-sdk's src/protobuf/openapi) ----

function varint(buf: Buffer, pos: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (let i = pos; i < buf.length && shift < 35; i++) {
    value += (buf[i]! & 0x7f) * 2 ** shift;
    if ((buf[i]! & 0x80) === 0) return [value, i + 1];
    shift += 7;
  }
  throw new Error("truncated varint");
}

/** Fields of one message: number → values (length-delimited as bytes, varints as numbers). */
function fieldsOf(buf: Buffer): Map<number, (Buffer | number)[]> {
  const out = new Map<number, (Buffer | number)[]>();
  let pos = 0;
  while (pos < buf.length) {
    const [key, p] = varint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let value: Buffer | number;
    if (wire === 0) [value, pos] = varint(buf, p);
    else if (wire === 2) {
      const [len, q] = varint(buf, p);
      if (q + len > buf.length) throw new Error("truncated field");
      value = buf.subarray(q, q + len);
      pos = q + len;
    } else throw new Error(`wire type ${wire} not expected`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

/** CommApiData { apiType = 1, openapiData = 2 { pairs = 1 { key = 1, value = 2 } }, appid = 6 }:
 *  the request's fields, each value parsed from its JSON. */
export function decodeOpenApiRequest(buf: Buffer): Record<string, unknown> {
  const data = fieldsOf(buf).get(2)?.[0];
  if (!Buffer.isBuffer(data)) throw new Error("no openapiData");
  const out: Record<string, unknown> = {};
  for (const pair of fieldsOf(data).get(1) ?? []) {
    if (!Buffer.isBuffer(pair)) continue;
    const f = fieldsOf(pair);
    const key = f.get(1)?.[0];
    const value = f.get(2)?.[0];
    if (Buffer.isBuffer(key) && Buffer.isBuffer(value)) out[key.toString("utf8")] = JSON.parse(value.toString("utf8"));
  }
  return out;
}

function lengthDelimited(field: number, bytes: Buffer): Buffer {
  const len: number[] = [];
  let n = bytes.length;
  do {
    len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.concat([Buffer.from([field * 8 + 2, ...len]), bytes]);
}

/** CommOpenApiResp { respData = 1, contentType = 2 }: WeChat's JSON answer. */
export function encodeOpenApiResponse(json: unknown): Buffer {
  return Buffer.concat([lengthDelimited(1, Buffer.from(JSON.stringify(json))), lengthDelimited(2, Buffer.from("application/json"))]);
}

// ---- subscribeMessage.send ----

export interface RecordedMessage {
  at: string;
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
  errcode: number;
  errmsg: string;
}

/** WeChat's rules for a value by its key's kind (thing1 → thing), the ones our templates use. */
const RULES: Record<string, (v: string) => boolean> = {
  thing: (v) => [...v].length >= 1 && [...v].length <= 20,
  character_string: (v) => /^[\x21-\x7e]{1,32}$/.test(v),
  time: (v) => /^(\d{4}年\d{1,2}月\d{1,2}日 )?\d{1,2}:\d{2}$/.test(v),
  date: (v) => /^\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?$/.test(v),
  amount: (v) => /^[¥￥$]?\d{1,10}(\.\d{1,2})?元?$/.test(v),
  phrase: (v) => /^[\u4e00-\u9fff]{1,5}$/.test(v),
};

/** Why WeChat would refuse this message (47003 / 40037 / 40003), or undefined. */
function refusalOf(req: Record<string, unknown>): { errcode: number; errmsg: string } | undefined {
  if (typeof req.touser !== "string" || req.touser === "") return { errcode: 40003, errmsg: "invalid openid" };
  if (typeof req.template_id !== "string" || req.template_id === "") return { errcode: 40037, errmsg: "invalid template id" };
  const data = req.data;
  if (typeof data !== "object" || data === null) return { errcode: 47003, errmsg: "argument invalid! data is empty" };
  for (const [key, v] of Object.entries(data as Record<string, unknown>)) {
    const kind = key.replace(/\d+$/, "");
    const value = (v as { value?: unknown } | null)?.value;
    const rule = RULES[kind];
    if (typeof value !== "string" || (rule && !rule(value)))
      return { errcode: 47003, errmsg: `argument invalid! data.${key}.value invalid` };
  }
  return undefined;
}

/** What would have been sent, in order (bounded: a long-running stack keeps the latest). */
export class MessageOutbox {
  readonly messages: RecordedMessage[] = [];
  constructor(private readonly max = 1000) {}

  /** Answers one openapi call: the JSON WeChat would answer. */
  call(apiName: string, req: Record<string, unknown>): { errcode: number; errmsg: string } {
    if (apiName !== "subscribeMessage.send")
      return { errcode: 48001, errmsg: `api unauthorized: ${apiName} is not emulated by the local stack` };
    const answer = refusalOf(req) ?? { errcode: 0, errmsg: "ok" };
    this.messages.push({
      at: new Date().toISOString(),
      touser: String(req.touser ?? ""),
      templateId: String(req.template_id ?? ""),
      ...(typeof req.page === "string" ? { page: req.page } : {}),
      data: (req.data ?? {}) as RecordedMessage["data"],
      ...answer,
    });
    if (this.messages.length > this.max) this.messages.splice(0, this.messages.length - this.max);
    return answer;
  }
}

/** POST /admin as multipart/form-data: signed like a database request, answered in protobuf. */
export function answerOpenApi(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  credentials: Credentials,
  outbox: MessageOutbox,
): void {
  const refuse = (status: number, code: string, message: string) => sendJson(res, status, { code, message });
  const fields = parseMultipart(body, String(req.headers["content-type"]));
  if (!fields) {
    refuse(400, "INVALID_PARAM", "malformed multipart/form-data body");
    return;
  }
  const verdict = verifySdkMultipart({ method: "POST", rawUrl: req.url ?? "/", headers: req.headers }, fields, credentials, Date.now());
  if (!verdict.ok) {
    refuse(401, "SIGN_PARAM_INVALID", `request signature refused: ${verdict.reason}`);
    return;
  }
  const action = fields.get("action")?.toString("utf8");
  const requestData = fields.get("requestData");
  if (action !== "wx.openApi" || !requestData) {
    refuse(400, "INVALID_PARAM", `action ${String(action).slice(0, 40)} is not emulated`);
    return;
  }
  let request: Record<string, unknown>;
  try {
    request = decodeOpenApiRequest(requestData);
  } catch (e) {
    refuse(400, "INVALID_PARAM", `requestData: ${errorMessage(e)}`);
    return;
  }
  const answer = outbox.call(fields.get("apiName")?.toString("utf8") ?? "", request);
  res.writeHead(200, { "content-type": "application/octet-stream" });
  res.end(encodeOpenApiResponse(answer));
}
