// Answers in the HTTP access format, with the headers every console answer carries.
import type { HttpAnswer } from "../../runtime/http-access";
import type { OpsErrorBody, OpsErrorCode } from "../contract";
import { statusOf } from "../errors";

const COMMON: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** The page: its own scripts only (no eval, no inline script); Element Plus sets inline styles. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function json(statusCode: number, value: unknown, extra: Record<string, string> = {}): HttpAnswer {
  return {
    statusCode,
    headers: {
      ...COMMON,
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": API_CSP,
      ...extra,
    },
    body: JSON.stringify(value),
    isBase64Encoded: false,
  };
}

export function error(code: OpsErrorCode, message: string, extra: Record<string, string> = {}): HttpAnswer {
  const body: OpsErrorBody = { error: { code, message } };
  return json(statusOf(code), body, extra);
}

export function text(statusCode: number, body: string, type: string, extra: Record<string, string> = {}): HttpAnswer {
  return {
    statusCode,
    headers: { ...COMMON, "content-type": type, "cache-control": "no-store", "content-security-policy": API_CSP, ...extra },
    body,
    isBase64Encoded: false,
  };
}

export function bytes(body: Buffer, type: string, extra: Record<string, string>): HttpAnswer {
  return { statusCode: 200, headers: { ...COMMON, "content-type": type, ...extra }, body: body.toString("base64"), isBase64Encoded: true };
}

export function redirect(location: string): HttpAnswer {
  return { statusCode: 308, headers: { ...COMMON, location, "cache-control": "no-store" }, body: "", isBase64Encoded: false };
}
