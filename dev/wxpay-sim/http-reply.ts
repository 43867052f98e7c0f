// What a route answers, before the transport signs (or not) and writes it.
import type { ApiError } from "./api-error";

export interface Reply {
  status: number;
  body?: Buffer;
  contentType?: string;
  /** Bill downloads are not signed by WeChat Pay (their SHA1 is checked instead). */
  unsigned?: boolean;
}

export function jsonReply(status: number, value: unknown): Reply {
  return { status, body: Buffer.from(JSON.stringify(value), "utf8"), contentType: "application/json; charset=utf-8" };
}

export function errorReply(e: ApiError): Reply {
  return jsonReply(e.status, { code: e.code, message: e.message });
}
