// Every gateway call against the WeChat Pay simulator (dev/wxpay-sim), hosted here on a bare node:http
// server through its StackPlugin interface, plus the simulator's notifications through our parser.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWxPaySimPlugin, type WxPaySimPlugin } from "../../dev/wxpay-sim";
import { createPaymentRuntime, type PaymentRuntime } from "../../shared/wechatpay/payment-from-env";
import { dataDirWithKeys } from "../helpers/tmp";
import type { NotificationInput } from "../../shared/wechatpay/types";

interface Host {
  baseUrl: string;
  plugin: WxPaySimPlugin;
  deliveries: NotificationInput[];
  close(): Promise<void>;
}

const dataDir = dataDirWithKeys("wxsim-core-");

async function host(signMode: "pubkey" | "cert" | "both"): Promise<Host> {
  const plugin = createWxPaySimPlugin({ timeScale: 0.001, signMode });
  const deliveries: NotificationInput[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/api/payment/notify") {
        // Keep the exact bytes as an HTTP trigger would hand them over (base64).
        deliveries.push({
          headers: { ...req.headers } as NotificationInput["headers"],
          body: body.toString("base64"),
          isBase64Encoded: true,
        });
        res.writeHead(204).end();
        return;
      }
      if (!(await plugin.handle(req, res, body, url))) res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await plugin.start?.({ baseUrl, dataDir });
  return {
    baseUrl,
    plugin,
    deliveries,
    close: async () => {
      await plugin.close?.();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function control(h: Host, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(h.baseUrl + path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function waitFor<T>(get: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function runtimeFor(h: Host, overrides: Record<string, string> = {}): PaymentRuntime {
  const rt = createPaymentRuntime({ ...h.plugin.functionEnv!(), WECHAT_PAY_TIMEOUT_MS: "1000", ...overrides });
  if (!rt.ok) throw new Error(rt.error.message);
  return rt;
}

let seq = 0;
const newOrder = () => `T2026CORE${Date.now().toString(36).toUpperCase()}${seq++}`;
const prepayReq = (outTradeNo: string, amount = 55300) => ({
  outTradeNo,
  description: "G1 北京南→上海虹桥 二等座×1",
  amount,
  payerOpenid: "o-sim-user",
  expiresAt: new Date(Date.now() + 15 * 60_000),
  attach: "order",
});

describe("gateway against the simulator (public-key mode)", () => {
  let h: Host;
  let rt: PaymentRuntime;
  beforeAll(async () => {
    h = await host("pubkey");
    rt = runtimeFor(h);
  });
  afterAll(async () => h?.close());

  it("prepay → pay → query (both ways) → notification → refund → refund query → close refused → bill", async () => {
    const gw = rt.gateway;
    const outTradeNo = newOrder();
    const request = prepayReq(outTradeNo);
    const prepay = await gw.jsapiPrepay(request);
    if (prepay.kind !== "ok") throw new Error(JSON.stringify(prepay));
    expect(prepay.requestId).toBeTruthy();
    // Same out_trade_no, same body: same prepay_id. Different body: refused.
    expect(await gw.jsapiPrepay(request)).toMatchObject({ kind: "ok", value: { prepayId: prepay.value.prepayId } });
    expect(await gw.jsapiPrepay({ ...request, amount: 100 })).toMatchObject({ kind: "business_error", httpStatus: expect.any(Number) });
    expect(gw.payParams(prepay.value.prepayId).package).toBe(`prepay_id=${prepay.value.prepayId}`);

    expect(await gw.queryByOutTradeNo(outTradeNo)).toMatchObject({ kind: "ok", value: { tradeState: "NOTPAY", outTradeNo } });
    const paid = await control(h, "/sim/pay", { prepay_id: prepay.value.prepayId });
    const transactionId = paid.transaction_id as string;
    expect(await gw.queryByOutTradeNo(outTradeNo)).toMatchObject({
      kind: "ok",
      value: { tradeState: "SUCCESS", transactionId, payerOpenid: "o-sim-user", amount: { total: 55300 } },
    });
    expect(await gw.queryByTransactionId(transactionId)).toMatchObject({ kind: "ok", value: { outTradeNo, transactionId } });

    const delivery = await waitFor(() => h.deliveries.find((d) => d.headers["wechatpay-serial"] !== undefined));
    const event = await rt.notifications.parse(delivery);
    expect(event).toMatchObject({
      ok: true,
      event: { eventType: "TRANSACTION.SUCCESS", transaction: { outTradeNo, transactionId, amount: { total: 55300 } } },
    });

    expect(await gw.close(outTradeNo)).toMatchObject({ kind: "business_error", code: "ORDERPAID" });

    const outRefundNo = `R${outTradeNo}`;
    const refund = await gw.refund({ outTradeNo, outRefundNo, refund: 10000, total: 55300, reason: "行程变更" });
    expect(refund).toMatchObject({ kind: "ok", value: { outRefundNo, outTradeNo, amount: { refund: 10000, total: 55300 } } });
    expect(await gw.queryRefund(outRefundNo)).toMatchObject({ kind: "ok", value: { outRefundNo } });
    expect(await gw.refund({ outTradeNo, outRefundNo: `${outRefundNo}X`, refund: 50000, total: 55300 })).toMatchObject({
      kind: "business_error",
    });

    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const bill = await gw.tradeBill(today);
    if (bill.kind !== "ok") throw new Error(JSON.stringify(bill));
    expect(bill.value.rows.some((r) => Object.values(r).includes(outTradeNo))).toBe(true);
    expect(Object.keys(bill.value.summary).length).toBeGreaterThan(0);
  });

  it("closes an unpaid order (204)", async () => {
    const outTradeNo = newOrder();
    expect((await rt.gateway.jsapiPrepay(prepayReq(outTradeNo))).kind).toBe("ok");
    expect(await rt.gateway.close(outTradeNo)).toMatchObject({ kind: "ok" });
    expect(await rt.gateway.queryByOutTradeNo(outTradeNo)).toMatchObject({ kind: "ok", value: { tradeState: "CLOSED" } });
  });

  it("maps business errors, injected 5xx, tampered signatures and timeouts", async () => {
    const gw = rt.gateway;
    expect(await gw.queryByOutTradeNo("T2026NOSUCHORDER")).toMatchObject({
      kind: "business_error",
      httpStatus: 404,
      code: "ORDER_NOT_EXIST",
    });
    await control(h, "/sim/faults", { endpoint: "query", status: 500, times: 1 });
    expect(await gw.queryByOutTradeNo("T2026NOSUCHORDER")).toMatchObject({
      kind: "unknown",
      reason: expect.stringContaining("SYSTEM_ERROR"),
    });
    const outTradeNo = newOrder();
    expect((await gw.jsapiPrepay(prepayReq(outTradeNo))).kind).toBe("ok");
    await control(h, "/sim/faults", { endpoint: "query", tamperSignature: true, times: 1 });
    expect(await gw.queryByOutTradeNo(outTradeNo)).toMatchObject({ kind: "unknown", reason: expect.stringContaining("EV3_RES_") });
    await control(h, "/sim/faults", { endpoint: "query", timeout: true, times: 1 });
    expect(await gw.queryByOutTradeNo(outTradeNo)).toMatchObject({ kind: "unknown" });
    expect(await gw.queryByOutTradeNo(outTradeNo)).toMatchObject({ kind: "ok" });
  });

  it("refuses the simulator's SIGNTEST probe and accepts the real delivery", async () => {
    const outTradeNo = newOrder();
    const prepay = await rt.gateway.jsapiPrepay(prepayReq(outTradeNo));
    if (prepay.kind !== "ok") throw new Error("prepay");
    const before = h.deliveries.length;
    await control(h, "/sim/pay", { prepay_id: prepay.value.prepayId, notification: { signtest: true } });
    await waitFor(() => (h.deliveries.length >= before + 2 ? true : undefined));
    const results = await Promise.all(h.deliveries.slice(before).map((d) => rt.notifications.parse(d)));
    expect(results.some((r) => !r.ok && r.code === "BAD_SIGNATURE")).toBe(true);
    expect(results.some((r) => r.ok && r.event.eventType === "TRANSACTION.SUCCESS")).toBe(true);
  });

  it("a merchant without the simulator's key: every answer is unknown (unknown serial)", async () => {
    const { generateTestKeySet } = await import("../../shared/wechatpay/testing");
    const other = generateTestKeySet();
    const stranger = runtimeFor(h, { WECHAT_PUBLIC_KEY_ID: other.wechatpay.serial, WECHAT_PUBLIC_KEY: other.wechatpay.publicKeyPem });
    expect(await stranger.gateway.queryByOutTradeNo("T2026NOSUCHORDER")).toMatchObject({ kind: "business_error" }); // 4xx are not verified
    const outTradeNo = newOrder();
    expect(await stranger.gateway.jsapiPrepay(prepayReq(outTradeNo))).toMatchObject({
      kind: "unknown",
      reason: expect.stringContaining("EV3_RES_HEADER_PLATFORM_SERIAL"),
    });
  });
});

describe("gateway against the simulator (platform-certificate mode)", () => {
  let h: Host;
  beforeAll(async () => {
    h = await host("cert");
  });
  afterAll(async () => h?.close());

  it("downloads /v3/certificates and verifies answers and notifications with them", async () => {
    const rt = runtimeFor(h, { WECHAT_PUBLIC_KEY_ID: "", WECHAT_PUBLIC_KEY: "" });
    const outTradeNo = newOrder();
    const prepay = await rt.gateway.jsapiPrepay(prepayReq(outTradeNo));
    if (prepay.kind !== "ok") throw new Error(JSON.stringify(prepay));
    await control(h, "/sim/pay", { prepay_id: prepay.value.prepayId });
    expect(await rt.gateway.queryByOutTradeNo(outTradeNo)).toMatchObject({ kind: "ok", value: { tradeState: "SUCCESS" } });
    const delivery = await waitFor(() => h.deliveries[0]);
    expect(await rt.notifications.parse(delivery)).toMatchObject({ ok: true, event: { eventType: "TRANSACTION.SUCCESS" } });
  });
});
