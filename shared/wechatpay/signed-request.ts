// A minimal signed HTTP call over node:http/https, for /v3/certificates (which the platform-certificate
// store needs before the plugin client can be built, and which a notify-only function must do without
// loading the plugin).
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { KeyObject } from "node:crypto";
import { signRequest } from "./signer";

export interface SignedCallConfig {
  mchid: string;
  merchantSerial: string;
  merchantPrivateKey: KeyObject;
  baseUrl: string;
  timeoutMs: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type CallResult = { ok: true; response: RawResponse } | { ok: false; reason: string };

/** GET `path` (relative to the base URL, with query) signed by the merchant. Never rejects. */
export function signedGet(config: SignedCallConfig, path: string): Promise<CallResult> {
  const url = new URL(path.replace(/^\//, ""), config.baseUrl);
  const authorization = signRequest({
    mchid: config.mchid,
    serial: config.merchantSerial,
    privateKey: config.merchantPrivateKey,
    method: "GET",
    pathWithQuery: url.pathname + url.search,
    body: "",
  });
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      url,
      {
        method: "GET",
        headers: { Authorization: authorization, Accept: "application/json", "User-Agent": "train-pay-core/1" },
        timeout: config.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ ok: true, response: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) } }),
        );
        res.on("error", (e) => resolve({ ok: false, reason: `response error: ${e.message}` }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${config.timeoutMs} ms`)));
    req.on("error", (e) => resolve({ ok: false, reason: e.message }));
    req.end();
  });
}
