// `POST /functions/<name>` the way wx.cloud.callFunction answers: `{ result }`, or HTTP 500
// `{ errCode, errMsg }` when the function throws or times out; 404 for an unknown function.
import type { IncomingMessage } from "node:http";
import type { StackError } from "../errors";
import { isPlainObject, parseJsonBody } from "../http-body";
import type { FunctionHost, Identity } from "./host";
import type { Outcome } from "./pool";

/** errCodes as wx.cloud.callFunction reports them. */
export const FN_ERR = {
  /** The function threw (or its instance crashed / failed to load). */
  EXECUTION_FAILED: -504002,
  TIMEOUT: -504003,
  NOT_FOUND: -501000,
  INVALID_PARAM: -501007,
} as const;

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
}

export function outcomeToHttp(outcome: Outcome): HttpAnswer {
  if (outcome.ok) return { status: 200, body: { result: outcome.result } };
  if (outcome.kind === "timeout") {
    return { status: 500, body: { errCode: FN_ERR.TIMEOUT, errMsg: `functions invoke timeout: ${outcome.message}` } };
  }
  return { status: 500, body: { errCode: FN_ERR.EXECUTION_FAILED, errMsg: `functions execute fail | errMsg: ${outcome.message}` } };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.length > 0 ? s : undefined;
}

/** Identity from the x-wx-* headers; absent openid means an anonymous (server-side) call. */
export function identityOf(req: IncomingMessage): Identity | undefined {
  const openid = header(req, "x-wx-openid");
  if (!openid) return undefined;
  return {
    openid,
    appid: header(req, "x-wx-appid"),
    unionid: header(req, "x-wx-unionid"),
    clientIp: req.socket.remoteAddress?.replace(/^::ffff:/, ""),
  };
}

export async function callFunction(host: FunctionHost, name: string, req: IncomingMessage, body: Buffer): Promise<HttpAnswer> {
  if (!host.entryOf(name)) {
    return { status: 404, body: { errCode: FN_ERR.NOT_FOUND, errMsg: `FunctionName parameter could not be found: ${name}` } };
  }
  let data: unknown;
  try {
    data = parseJsonBody(body);
  } catch (e) {
    return { status: 400, body: { errCode: FN_ERR.INVALID_PARAM, errMsg: (e as StackError).message, code: (e as StackError).code } };
  }
  if (!isPlainObject(data)) {
    return { status: 400, body: { errCode: FN_ERR.INVALID_PARAM, errMsg: "the call data must be a JSON object" } };
  }
  const identity = identityOf(req);
  // Like callFunction from a mini-program: the event is the data plus the caller's userInfo.
  const event = identity ? { ...data, userInfo: { appId: identity.appid ?? "", openId: identity.openid } } : data;
  return outcomeToHttp(await host.invoke(name, event, { kind: "callFunction", identity }));
}
