// Request bodies and query strings → typed input, or INVALID_ARGUMENT naming the field.
import { AppError } from "../../errors";
import { asObject, oneOf, optFen, optStr, ORDER_ID, str, TOKEN, type Obj } from "../../validate";
import {
  ROLES,
  type LoginRequest,
  type ManualRefundRequest,
  type NewOperatorRequest,
  type OperatorChange,
  type OrderSearchQuery,
  type RerouteRequest,
  type Role,
} from "../contract";
import { ORDER_STATUSES } from "../orders";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const BILL_DATE = DATE;
export const REFUND_ID = /^[0-9a-f]{24}$/;
export const EXCEPTION_KEY = /^[A-Z_]+:[0-9A-Za-z_:.|*@-]{1,120}$/;

export function jsonBody(body: string): Obj {
  let v: unknown;
  try {
    v = body === "" ? {} : JSON.parse(body);
  } catch {
    throw new AppError("INVALID_ARGUMENT", "请求体不是合法的 JSON");
  }
  return asObject(v);
}

export function loginInput(o: Obj): LoginRequest {
  // Not trimmed or pattern-checked: a wrong value is simply a failed login.
  const username = o.username;
  const password = o.password;
  if (typeof username !== "string" || typeof password !== "string" || username.length > 64 || password.length > 256)
    throw new AppError("INVALID_ARGUMENT", "请输入用户名和密码");
  return { username, password };
}

export function searchInput(q: Record<string, string>): OrderSearchQuery {
  const out: OrderSearchQuery = {
    orderId: optStr(q, "orderId", { max: 24, pattern: ORDER_ID }),
    outTradeNo: optStr(q, "outTradeNo", { max: 32, pattern: /^[0-9A-Za-z_\-|*]{6,32}$/ }),
    transactionId: optStr(q, "transactionId", { max: 32, pattern: /^[0-9A-Za-z_-]{1,32}$/ }),
    openid: optStr(q, "openid", { max: 128, pattern: /^[0-9A-Za-z_-]{1,128}$/ }),
    from: optStr(q, "from", { max: 10, pattern: DATE }),
    to: optStr(q, "to", { max: 10, pattern: DATE }),
  };
  if (q.status) out.status = oneOf(q, "status", ORDER_STATUSES);
  for (const k of Object.keys(out) as (keyof OrderSearchQuery)[]) if (out[k] === undefined) delete out[k];
  if (Object.keys(out).length === 0) throw new AppError("INVALID_ARGUMENT", "请至少输入一个查询条件");
  return out;
}

export function refundInput(o: Obj): ManualRefundRequest {
  const amount = optFen(o, "amount");
  if (amount === undefined) throw new AppError("INVALID_ARGUMENT", "参数 amount 必须是正整数（单位：分）");
  return { amount, reason: str(o, "reason", { max: 80 }), requestToken: str(o, "requestToken", { max: 64, pattern: TOKEN }) };
}

export function rerouteInput(o: Obj): RerouteRequest {
  const type = oneOf(o, "type", ["USER_BANK_CARD", "MERCHANT_BANK_CARD"] as const);
  if (type === "MERCHANT_BANK_CARD") return { type };
  return {
    type,
    bankType: str(o, "bankType", { max: 16, pattern: /^[A-Z0-9_]{1,16}$/ }),
    bankAccount: str(o, "bankAccount", { min: 8, max: 30, pattern: /^\d{8,30}$/ }),
    realName: str(o, "realName", { max: 50 }),
  };
}

export const noteInput = (o: Obj): string => str(o, "note", { min: 2, max: 500 });

export function newOperatorInput(o: Obj): NewOperatorRequest {
  const password = o.password;
  if (typeof password !== "string") throw new AppError("INVALID_ARGUMENT", "参数 password 必须是字符串");
  return { username: str(o, "username", { max: 32 }), role: oneOf(o, "role", ROLES) as Role, password };
}

export function operatorChangeInput(o: Obj): OperatorChange {
  const out: OperatorChange = {};
  if (o.role !== undefined) out.role = oneOf(o, "role", ROLES) as Role;
  if (o.disabled !== undefined) {
    if (typeof o.disabled !== "boolean") throw new AppError("INVALID_ARGUMENT", "参数 disabled 必须是布尔值");
    out.disabled = o.disabled;
  }
  if (o.password !== undefined) {
    if (typeof o.password !== "string") throw new AppError("INVALID_ARGUMENT", "参数 password 必须是字符串");
    out.password = o.password;
  }
  return out;
}
