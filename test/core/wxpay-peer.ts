// A tiny WeChat Pay peer on 127.0.0.1 for the gateway tests: it checks our Authorization signature
// like WeChat Pay does and signs its answers with a test key via node:crypto. It plays the other side
// of the protocol; each test says what to answer. (The full simulator lives in dev/wxpay-sim/.)
import { createVerify, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signWechatpayMessage, type SigningIdentity } from "../../shared/wechatpay/testing";

export interface PeerRequest {
  method: string;
  /** Path with query, as signed. */
  path: string;
  body: string;
  headers: IncomingMessage["headers"];
}

export interface PeerAnswer {
  status?: number;
  body?: string | Buffer | object;
  /** Sign with this identity (default: the peer's). null: send no Wechatpay-* headers. */
  signer?: SigningIdentity | null;
  /** Change the body after signing. */
  tamper?: boolean;
  timestamp?: number;
  signature?: string;
  delayMs?: number;
}

export interface Peer {
  baseUrl: string;
  requests: PeerRequest[];
  answer: (req: PeerRequest) => PeerAnswer;
  close(): Promise<void>;
}

export async function startPeer(opts: {
  mchid: string;
  merchantSerial: string;
  merchantPublicKey: KeyObject;
  signer: SigningIdentity;
}): Promise<Peer> {
  const sockets = new Set<import("node:net").Socket>();
  const peer: Peer = {
    baseUrl: "",
    requests: [],
    answer: () => ({ status: 404, body: { code: "NOT_FOUND", message: "no route" } }),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const request: PeerRequest = { method: req.method ?? "", path: req.url ?? "", body, headers: req.headers };
      peer.requests.push(request);
      const send = (a: PeerAnswer) => {
        const status = a.status ?? 200;
        const raw =
          a.body === undefined ? "" : Buffer.isBuffer(a.body) ? a.body : typeof a.body === "string" ? a.body : JSON.stringify(a.body);
        const signer = a.signer === undefined ? opts.signer : a.signer;
        const headers: Record<string, string> = signer
          ? signWechatpayMessage(raw, signer, {
              ...(a.timestamp !== undefined ? { timestamp: a.timestamp } : {}),
              ...(a.signature !== undefined ? { signature: a.signature } : {}),
            })
          : { "Request-ID": "08PEER-UNSIGNED" };
        const out = a.tamper ? Buffer.from(String(raw).replace(/.$/, (c) => (c === "}" ? " }" : c + " "))) : Buffer.from(raw);
        if (raw.length > 0) headers["Content-Type"] = Buffer.isBuffer(a.body) ? "application/octet-stream" : "application/json";
        res.writeHead(status, headers);
        res.end(out);
      };
      const problem = checkAuthorization(request, opts);
      if (problem) return send({ status: 401, body: { code: "SIGN_ERROR", message: problem }, signer: null });
      const a = peer.answer(request);
      if (a.delayMs) setTimeout(() => send(a), a.delayMs).unref();
      else send(a);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  peer.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return peer;
}

function checkAuthorization(
  req: PeerRequest,
  opts: { mchid: string; merchantSerial: string; merchantPublicKey: KeyObject },
): string | undefined {
  const auth = req.headers.authorization ?? "";
  if (!auth.startsWith("WECHATPAY2-SHA256-RSA2048 ")) return "Authorization schema";
  const fields = Object.fromEntries([...auth.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  if (fields.mchid !== opts.mchid) return "mchid";
  if (fields.serial_no !== opts.merchantSerial) return "serial_no";
  if (Math.abs(Number(fields.timestamp) - Date.now() / 1000) > 300) return "timestamp";
  const message = `${req.method}\n${req.path}\n${fields.timestamp}\n${fields.nonce_str}\n${req.body}\n`;
  const ok = createVerify("RSA-SHA256")
    .update(message)
    .verify(opts.merchantPublicKey, fields.signature ?? "", "base64");
  return ok ? undefined : "signature";
}
