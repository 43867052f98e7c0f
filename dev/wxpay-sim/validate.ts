// Field rules of the JSAPI prepay and refund requests, as WeChat Pay documents them.
// Each failure is a PARAM_ERROR naming the field (WeChat's messages also name it).
import { paramError, type Checked } from "./api-error";
import { parseRfc3339WithOffset } from "./china-time";

export interface PrepayInput {
  appid: string;
  mchid: string;
  description: string;
  out_trade_no: string;
  time_expire?: string;
  expiresAt?: number;
  attach?: string;
  notify_url: string;
  amount: { total: number; currency: string };
  payer: { openid: string };
}

export interface RefundInput {
  transaction_id?: string;
  out_trade_no?: string;
  out_refund_no: string;
  reason?: string;
  notify_url?: string;
  amount: { refund: number; total: number; currency: string };
}

export interface AbnormalRefundInput {
  out_refund_no: string;
  type: "USER_BANK_CARD" | "MERCHANT_BANK_CARD";
  /** USER_BANK_CARD only; bank_account and real_name still encrypted. */
  bank_type?: string;
  bank_account?: string;
  real_name?: string;
}

type Json = Record<string, unknown>;

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const chars = (s: string) => [...s].length;

/** Parses the request body as a JSON object, or explains why not. */
export function parseJsonObject(body: Buffer): Checked<Json> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return { ok: false, error: paramError("请求体不是合法的JSON (body is not valid JSON)") };
  }
  return isObject(value) ? { ok: true, value } : { ok: false, error: paramError("请求体应为JSON对象 (body must be a JSON object)") };
}

function str(body: Json, field: string, max: number, required: boolean): string | undefined | Error {
  const v = body[field];
  if (v === undefined || v === null)
    return required ? new Error(`输入源"/body/${field}"映射到字段"${field}"必填性规则校验失败，此字段为必填项`) : undefined;
  if (typeof v !== "string") return new Error(`输入源"/body/${field}"映射到字段"${field}"类型校验失败，应为string`);
  if (required && v.length === 0) return new Error(`${field} 不能为空`);
  if (chars(v) > max) return new Error(`${field} 长度超过${max} (longer than ${max} characters)`);
  return v;
}

/** http(s) URL rule shared by prepay and refund notify_url. */
export function checkNotifyUrl(url: string): string | null {
  if (chars(url) > 255) return "notify_url 长度不能超过255";
  if (url.includes("?")) return "notify_url 不能携带参数 (no query string)";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "notify_url 格式错误 (not an absolute URL)";
  }
  if (parsed.protocol === "https:") return null;
  // WeChat Pay requires https; plain http is accepted for loopback only because the simulator is local.
  if (parsed.protocol === "http:" && LOOPBACK_HOSTS.has(parsed.hostname)) return null;
  return "notify_url 必须为https地址 (https required; http only on loopback in the simulator)";
}

function amountInt(amount: Json, field: string): number | Error {
  const v = amount[field];
  if (typeof v !== "number" || !Number.isInteger(v)) return new Error(`amount.${field} 必须为整数(分) (integer fen)`);
  if (v <= 0) return new Error(`amount.${field} 必须大于0`);
  if (v > 100_000_000_00) return new Error(`amount.${field} 超出范围`);
  return v;
}

function currency(amount: Json): string | Error {
  const c = amount.currency ?? "CNY";
  return c === "CNY" ? "CNY" : new Error("amount.currency 仅支持CNY");
}

export function validatePrepay(body: Json, nowMs: number): Checked<PrepayInput> {
  const fail = (message: string): Checked<PrepayInput> => ({ ok: false, error: paramError(message) });
  const appid = str(body, "appid", 32, true);
  if (appid instanceof Error) return fail(appid.message);
  const mchid = str(body, "mchid", 32, true);
  if (mchid instanceof Error) return fail(mchid.message);
  const description = str(body, "description", 127, true);
  if (description instanceof Error) return fail(description.message);
  const outTradeNo = str(body, "out_trade_no", 32, true);
  if (outTradeNo instanceof Error) return fail(outTradeNo.message);
  if (!OUT_TRADE_NO.test(outTradeNo!)) return fail("out_trade_no 须为6-32位数字、大小写字母或_-|* (6–32 of [0-9A-Za-z_-|*])");
  const attach = str(body, "attach", 128, false);
  if (attach instanceof Error) return fail(attach.message);
  const notifyUrl = str(body, "notify_url", 255, true);
  if (notifyUrl instanceof Error) return fail(notifyUrl.message);
  const urlProblem = checkNotifyUrl(notifyUrl!);
  if (urlProblem) return fail(urlProblem);

  const timeExpire = str(body, "time_expire", 64, false);
  if (timeExpire instanceof Error) return fail(timeExpire.message);
  let expiresAt: number | undefined;
  if (timeExpire !== undefined) {
    const parsed = parseRfc3339WithOffset(timeExpire);
    if (parsed === null) return fail("time_expire 格式错误，应为 yyyy-MM-DDTHH:mm:ss+TIMEZONE (RFC 3339 with offset)");
    if (parsed < nowMs + 60_000) return fail("time_expire 须晚于当前时间至少1分钟 (at least 1 minute ahead)");
    expiresAt = parsed;
  }

  if (!isObject(body.amount)) return fail("amount 必填且为对象");
  const total = amountInt(body.amount, "total");
  if (total instanceof Error) return fail(total.message);
  const cur = currency(body.amount);
  if (cur instanceof Error) return fail(cur.message);

  if (!isObject(body.payer)) return fail("payer 必填且为对象");
  const openid = str(body.payer, "openid", 128, true);
  if (openid instanceof Error) return fail(openid.message.replace("/body/openid", "/body/payer/openid"));

  return {
    ok: true,
    value: {
      appid: appid!,
      mchid: mchid!,
      description: description!,
      out_trade_no: outTradeNo!,
      ...(timeExpire !== undefined ? { time_expire: timeExpire, expiresAt } : {}),
      ...(attach !== undefined ? { attach } : {}),
      notify_url: notifyUrl!,
      amount: { total, currency: cur },
      payer: { openid: openid! },
    },
  };
}

export function validateRefund(body: Json): Checked<RefundInput> {
  const fail = (message: string): Checked<RefundInput> => ({ ok: false, error: paramError(message) });
  const transactionId = str(body, "transaction_id", 32, false);
  if (transactionId instanceof Error) return fail(transactionId.message);
  const outTradeNo = str(body, "out_trade_no", 32, false);
  if (outTradeNo instanceof Error) return fail(outTradeNo.message);
  if (transactionId === undefined && outTradeNo === undefined) return fail("transaction_id 与 out_trade_no 必须二选一 (one is required)");
  const outRefundNo = str(body, "out_refund_no", 64, true);
  if (outRefundNo instanceof Error) return fail(outRefundNo.message);
  if (!OUT_REFUND_NO.test(outRefundNo!)) return fail("out_refund_no 须为1-64位数字、大小写字母或_-|*@");
  const reason = str(body, "reason", 80, false);
  if (reason instanceof Error) return fail(reason.message);
  const notifyUrl = str(body, "notify_url", 255, false);
  if (notifyUrl instanceof Error) return fail(notifyUrl.message);
  if (notifyUrl !== undefined) {
    const urlProblem = checkNotifyUrl(notifyUrl);
    if (urlProblem) return fail(urlProblem);
  }
  if (!isObject(body.amount)) return fail("amount 必填且为对象");
  const refund = amountInt(body.amount, "refund");
  if (refund instanceof Error) return fail(refund.message);
  const total = amountInt(body.amount, "total");
  if (total instanceof Error) return fail(total.message);
  if (body.amount.currency === undefined) return fail("amount.currency 必填");
  const cur = currency(body.amount);
  if (cur instanceof Error) return fail(cur.message);
  if (refund > total) return fail("amount.refund 不能大于 amount.total");
  return {
    ok: true,
    value: {
      ...(transactionId !== undefined ? { transaction_id: transactionId } : {}),
      ...(outTradeNo !== undefined ? { out_trade_no: outTradeNo } : {}),
      out_refund_no: outRefundNo!,
      ...(reason !== undefined ? { reason } : {}),
      ...(notifyUrl !== undefined ? { notify_url: notifyUrl } : {}),
      amount: { refund, total, currency: cur },
    },
  };
}

/** 发起异常退款's body: out_refund_no and type always; bank_type (≤ 16), bank_account and real_name
 *  (ciphertexts, ≤ 1024) when the money goes to the user's card. */
export function validateAbnormalRefund(body: Json): Checked<AbnormalRefundInput> {
  const fail = (message: string): Checked<AbnormalRefundInput> => ({ ok: false, error: paramError(message) });
  const outRefundNo = str(body, "out_refund_no", 64, true);
  if (outRefundNo instanceof Error) return fail(outRefundNo.message);
  const type = str(body, "type", 32, true);
  if (type instanceof Error) return fail(type.message);
  if (type !== "USER_BANK_CARD" && type !== "MERCHANT_BANK_CARD") return fail("type 须为 USER_BANK_CARD 或 MERCHANT_BANK_CARD");
  if (type === "MERCHANT_BANK_CARD") return { ok: true, value: { out_refund_no: outRefundNo!, type } };
  const bankType = str(body, "bank_type", 16, true);
  if (bankType instanceof Error) return fail(`${bankType.message} (退款至用户时必填)`);
  const account = str(body, "bank_account", 1024, true);
  if (account instanceof Error) return fail(`${account.message} (退款至用户时必填)`);
  const name = str(body, "real_name", 1024, true);
  if (name instanceof Error) return fail(`${name.message} (退款至用户时必填)`);
  return { ok: true, value: { out_refund_no: outRefundNo!, type, bank_type: bankType!, bank_account: account!, real_name: name! } };
}

/** Key order and spacing do not make two requests different; values do. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
