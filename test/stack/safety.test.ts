// A stack left running is safe from the web pages the developer opens: a foreign Host (DNS
// rebinding) or Origin is refused, stack endpoints take JSON only (a browser "simple" text/plain
// POST to /admin used to delete every train), /admin requires the per-start signature, and the
// functions, the simulator and the HTTP access route still work for their real callers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { statSync } from "node:fs";
import { sign } from "@cloudbase/signature-nodejs";
import { stackFilePath } from "../../dev/stack-file";
import { startTestStack, type TestStack } from "../helpers/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** A raw request: fetch cannot send another Host. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body = "",
): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = new URL(stack.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { "content-length": String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const host = () => new URL(stack.baseUrl).host;
const deleteAllTrains = { action: "database.removeDocument", collectionName: "trains", query: "{}", multi: true };

/** Tomorrow's trains, read through the trains function (what a user sees). */
async function seededTrains(): Promise<number> {
  const today = new Date(Date.now() + 8 * 3600_000 + 86400_000).toISOString().slice(0, 10);
  const r = await stack.call<{ ok: boolean; data: { trains: unknown[] } }>("trains", { date: today }, { openid: "safety-user" });
  expect(r.status).toBe(200);
  return r.result.data.trains.length;
}

async function functionCalls(): Promise<number> {
  return ((await stack.get("/dev/stats")).json as { functions: { calls: number } }).functions.calls;
}

describe("Host", () => {
  it("a foreign Host is refused on every route before anything runs", async () => {
    const before = await functionCalls();
    for (const [method, path] of [
      ["POST", "/admin"],
      ["POST", "/functions/trains"],
      ["POST", "/timers/sweeper"],
      ["GET", "/dev/stats"],
      ["GET", "/dev/messages"],
      ["POST", "/sim/pay"],
      ["POST", "/api/payment/notify"],
    ] as const) {
      const r = await raw(
        method,
        path,
        { host: `rebind.example:${new URL(stack.baseUrl).port}`, "content-type": "application/json" },
        "{}",
      );
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.json.code ?? r.json.errMsg).toBeDefined();
    }
    const other = await raw("GET", "/dev/stats", { host: "localhost:1" });
    expect(other.status).toBe(403);
    expect(await functionCalls()).toBe(before);
  });

  it("the bound address is accepted", async () => {
    expect((await raw("GET", "/dev/stats", { host: host() })).status).toBe(200);
  });
});

describe("Origin", () => {
  it("a web page's Origin is refused, also on the HTTP access route and the simulator", async () => {
    const before = await functionCalls();
    for (const path of ["/functions/trains", "/api/payment/notify", "/sim/pay", "/timers/sweeper"]) {
      const r = await raw("POST", path, { host: host(), origin: "https://evil.example", "content-type": "application/json" }, "{}");
      expect(r.status, path).toBe(403);
      expect(JSON.stringify(r.json)).toContain("FORBIDDEN_ORIGIN");
    }
    expect((await raw("GET", "/dev/stats", { host: host(), origin: "null" })).status).toBe(403);
    expect(await functionCalls()).toBe(before);
  });

  it("no Origin (SDKs, WeChat Pay, curl) or the stack's own origin is let through", async () => {
    const own = await raw("POST", "/functions/trains", { host: host(), origin: stack.baseUrl, "content-type": "application/json" }, "{}");
    expect(own.status).toBe(200);
    // WeChat Pay's notification comes without Origin: it reaches payNotify, which judges it itself.
    const notify = await raw("POST", "/api/payment/notify", { host: host(), "content-type": "application/json" }, "{}");
    expect(notify.status).not.toBe(403);
    expect(JSON.stringify(notify.json)).not.toContain("FORBIDDEN");
  });
});

describe("JSON only", () => {
  it("a browser simple text/plain POST to /admin (delete every train) is refused and nothing is deleted", async () => {
    const before = await seededTrains();
    expect(before).toBeGreaterThan(0);
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const r = await raw("POST", "/admin", { host: host(), "content-type": type }, JSON.stringify(deleteAllTrains));
      expect(r.status, type).toBe(415);
      expect(r.json.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
    // multipart/form-data is how wx-server-sdk's 云调用 arrives: a form a page could post gets no
    // further than the signature check (and is never a database request).
    const form = (name: string, value: string) => `--x\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body = `${form("action", "wx.openApi")}${form("apiName", "subscribeMessage.send")}${form("requestData", "x")}--x--\r\n`;
    const unsigned = await raw("POST", "/admin", { host: host(), "content-type": "multipart/form-data; boundary=x" }, body);
    expect(unsigned.status).toBe(401);
    expect(unsigned.json.code).toBe("SIGN_PARAM_INVALID");
    const garbled = await raw(
      "POST",
      "/admin",
      { host: host(), "content-type": "multipart/form-data; boundary=x" },
      JSON.stringify(deleteAllTrains),
    );
    expect(garbled.status).toBe(400);
    expect((await raw("POST", "/admin", { host: host() }, JSON.stringify(deleteAllTrains))).status).toBe(415);
    expect(await seededTrains()).toBe(before);
  });

  it("functions, timers and the simulator's control API take JSON only", async () => {
    const before = await functionCalls();
    for (const path of ["/functions/trains", "/timers/sweeper", "/sim/pay", "/sim/faults"]) {
      const r = await raw("POST", path, { host: host(), "content-type": "text/plain" }, "{}");
      expect(r.status, path).toBe(415);
    }
    expect(await functionCalls()).toBe(before);
  });
});

describe("/admin requires the per-start signature", () => {
  const signed = (body: Record<string, unknown>, secretId: string, secretKey: string, timestamp = Math.floor(Date.now() / 1000) - 1) => {
    const url = `${stack.baseUrl}/admin?env=local-env`;
    const headers: Record<string, string> = { "content-type": "application/json", host: host(), "user-agent": "probe" };
    const s = sign({ secretId, secretKey, method: "post", url, params: body, headers, withSignedParams: true, timestamp });
    return { ...headers, authorization: s.authorization, "x-timestamp": String(s.timestamp) };
  };

  it("unsigned, wrongly signed, tampered or stale requests are refused and change nothing", async () => {
    const before = await seededTrains();
    const { secretId, secretKey } = stack.connection;
    const body = JSON.stringify(deleteAllTrains);
    const attempts: Record<string, string>[] = [
      { host: host(), "content-type": "application/json" },
      signed(deleteAllTrains, "local", "local"),
      signed(deleteAllTrains, secretId, "not-the-key"),
      // Signed for a harmless count, sent with the delete.
      signed({ action: "database.calculateDocument", collectionName: "trains", query: '{"date":"2000-01-01"}' }, secretId, secretKey),
      signed(deleteAllTrains, secretId, secretKey, Math.floor(Date.now() / 1000) - 3600),
    ];
    for (const headers of attempts) {
      const r = await raw("POST", "/admin?env=local-env", headers, body);
      expect(r.status).toBe(401);
      expect(r.json.code).toBe("SIGN_PARAM_INVALID");
    }
    expect(await seededTrains()).toBe(before);
  });

  it("the SDK signing with $DATA_DIR/stack.json (mode 0600) is accepted; the functions still work", async () => {
    expect(statSync(stackFilePath(stack.dataDir)).mode & 0o777).toBe(0o600);
    expect(stack.connection.url).toBe(stack.baseUrl);
    const r = await stack.admin({ action: "database.calculateDocument", collectionName: "trains", query: '{"date":"2000-01-01"}' });
    expect(r.json).toMatchObject({ data: { total: 0 } });
    // The functions reach the database with the credentials the stack gave their instances.
    expect(await seededTrains()).toBeGreaterThan(0);
  });
});

describe("percent-encoding", () => {
  it("a malformed escape in /functions/ or /timers/ is 400, not 500", async () => {
    for (const path of ["/functions/%E0%A4%A", "/functions/who%ZZami", "/timers/%"]) {
      const r = await raw("POST", path, { host: host(), "content-type": "application/json" }, "{}");
      expect(r.status, path).toBe(400);
      expect(r.json.errCode).toBe(-501007);
    }
  });
});

describe("guard configuration", () => {
  it("accepts the bound address (both spellings for localhost) and listed origins only", async () => {
    const { guardConfig, parseAllowedOrigins } = await import("../../dev/stack/guard");
    const local = guardConfig("localhost", 3000, parseAllowedOrigins(" http://127.0.0.1:5173 , ,https://tool.example "));
    expect([...local.hosts].sort()).toEqual(["127.0.0.1:3000", "localhost:3000"]);
    expect([...local.origins].sort()).toEqual([
      "http://127.0.0.1:3000",
      "http://127.0.0.1:5173",
      "http://localhost:3000",
      "https://tool.example",
    ]);
    expect([...guardConfig("::1", 4000).hosts]).toEqual(["[::1]:4000"]);
  });
});
