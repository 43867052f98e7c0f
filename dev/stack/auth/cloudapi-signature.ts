// Verifies a Tencent Cloud API v3 request (TC3-HMAC-SHA256, what @cloudbase/manager-node sends):
//   canonical = "POST\n" path "\n" query "\n" "content-type:…\nhost:…\n" "\n" signedHeaders "\n" sha256(body)
// One deviation: the signed host is the Host header's hostname without its port, because
// manager-node signs `new URL(url).hostname` (the real endpoints have no port, so there it is the
// same thing).
import type { IncomingHttpHeaders } from "node:http";
import { checkSigned, parseAuthorization, sha256hex, type Credentials, type Verdict, headerText, splitUrl } from "./tc3";

/** Tencent Cloud refuses a timestamp more than five minutes off. */
const WINDOW_SECONDS = 300;

function hostnameOf(host: string): string {
  return host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d+$/, "");
}

export function verifyCloudApiRequest(
  req: { method: string; rawUrl: string; headers: IncomingHttpHeaders; body: Buffer },
  creds: Credentials,
  service: string,
  nowMs: number,
): Verdict {
  const auth = parseAuthorization(typeof req.headers.authorization === "string" ? req.headers.authorization : undefined);
  if (!auth || auth.signedParams) return { ok: false, reason: "missing or malformed TC3-HMAC-SHA256 Authorization" };
  if (!auth.signedHeaders.includes("host") || !auth.signedHeaders.includes("content-type")) {
    return { ok: false, reason: "host and content-type must be signed" };
  }
  const { path, query } = splitUrl(req.rawUrl);
  const value = (h: string) => (h === "host" ? hostnameOf(headerText(req.headers.host)) : headerText(req.headers[h]));
  const headers = auth.signedHeaders.map((h) => `${h}:${value(h)}\n`).join("");
  const canonical = `${req.method.toUpperCase()}\n${path}\n${query}\n${headers}\n${auth.signedHeaders.join(";")}\n${sha256hex(req.body)}`;
  return checkSigned(auth, creds, service, Number(req.headers["x-tc-timestamp"]), WINDOW_SECONDS, nowMs, canonical);
}
