// The wechatpay-axios-plugin gateway against a real local HTTP peer (wxpay-peer.ts) that checks our
// request signatures and signs its answers: success mapping and every failure mapping.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatTradeBill } from "../../shared/wechatpay/bill";
import { createPaymentRuntime, type PaymentRuntime } from "../../shared/wechatpay/payment-from-env";
import { generateTestKeySet, testEnv, transactionResource, type TestKeySet, testRsaKeyPair } from "../../shared/wechatpay/testing";
import type { PaymentGateway } from "../../shared/wechatpay/types";
import { startPeer, type Peer } from "./wxpay-peer";

let keys: TestKeySet;
let peer: Peer;
let gw: PaymentGateway;

const txWire = (outTradeNo: string, over: Record<string, unknown> = {}) =>
  transactionResource(keys, {
    out_trade_no: outTradeNo,
    transaction_id: "4200000001202611270000000001",
    payer: { openid: "o-user" },
    ...over,
  });
const refundWire = {
  refund_id: "5030001",
  out_refund_no: "R2026X1",
  out_trade_no: "T2026ABCdef",
  transaction_id: "4200000001",
  status: "PROCESSING",
  amount: { total: 55300, refund: 100, currency: "CNY" },
};
const prepay = (over: Record<string, unknown> = {}) => ({
  outTradeNo: "T2026ABCdef",
  description: "G1 北京南→上海虹桥 二等座×1",
  amount: 55300,
  payerOpenid: "o-user",
  expiresAt: new Date(Date.now() + 15 * 60_000),
  attach: "order-1",
  ...over,
});

function runtime(overrides: Record<string, string> = {}): PaymentRuntime {
  const rt = createPaymentRuntime(
    testEnv(keys, { WECHAT_PAY_BASE_URL: peer.baseUrl, WECHAT_NOTIFY_URL: `${peer.baseUrl}notify`, ...overrides }),
  );
  if (!rt.ok) throw new Error(rt.error.message);
  return rt;
}

beforeAll(async () => {
  keys = generateTestKeySet({ platformCertificate: true });
  peer = await startPeer({
    mchid: keys.mchid,
    merchantSerial: keys.merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    signer: keys.wechatpay,
  });
  gw = runtime({ WECHAT_PAY_TIMEOUT_MS: "400" }).gateway;
});
afterAll(async () => {
  // The plugin's client is a promise-like Proxy: awaiting it would send POST /then. It never happened.
  expect(peer.requests.filter((r) => r.path.includes("then"))).toEqual([]);
  await peer.close();
});
beforeEach(() => {
  peer.requests.length = 0;
});

describe("axios gateway: successful calls", () => {
  it("JSAPI prepay sends the documented body, signed, and returns the prepay id + Request-ID", async () => {
    peer.answer = () => ({ body: { prepay_id: "wx27201500000000000001" } });
    const input = prepay();
    const r = await gw.jsapiPrepay(input);
    expect(r).toMatchObject({ kind: "ok", value: { prepayId: "wx27201500000000000001" }, requestId: expect.any(String) });
    const [req] = peer.requests;
    expect(req).toMatchObject({ method: "POST", path: "/v3/pay/transactions/jsapi" });
    const body = JSON.parse(req!.body);
    expect(body).toMatchObject({
      appid: keys.appid,
      mchid: keys.mchid,
      description: "G1 北京南→上海虹桥 二等座×1",
      out_trade_no: "T2026ABCdef",
      attach: "order-1",
      notify_url: `${peer.baseUrl}notify`,
      amount: { total: 55300, currency: "CNY" },
      payer: { openid: "o-user" },
    });
    expect(body.time_expire).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(Date.parse(body.time_expire)).toBe(Math.floor(input.expiresAt.getTime() / 1000) * 1000);
  });

  it("queries by out_trade_no (id kept verbatim in a placeholder) and by transaction_id", async () => {
    peer.answer = (req) => ({ body: txWire("T2026ABCdef", { transaction_id: req.path.includes("/id/") ? "4200000009" : "4200000001" }) });
    const a = await gw.queryByOutTradeNo("T2026ABCdef");
    expect(peer.requests[0]).toMatchObject({ method: "GET", path: `/v3/pay/transactions/out-trade-no/T2026ABCdef?mchid=${keys.mchid}` });
    expect(a).toMatchObject({
      kind: "ok",
      value: { outTradeNo: "T2026ABCdef", tradeState: "SUCCESS", payerOpenid: "o-user", amount: { total: 55300, payerTotal: 55300 } },
    });
    const b = await gw.queryByTransactionId("4200000009");
    expect(peer.requests[1]!.path).toBe(`/v3/pay/transactions/id/4200000009?mchid=${keys.mchid}`);
    expect(b).toMatchObject({ kind: "ok", value: { transactionId: "4200000009" } });
  });

  it("closes (204, signed empty body) and maps ORDERPAID to a business error", async () => {
    peer.answer = () => ({ status: 204 });
    expect(await gw.close("T2026ABCdef")).toMatchObject({ kind: "ok" });
    expect(peer.requests[0]).toMatchObject({ method: "POST", path: "/v3/pay/transactions/out-trade-no/T2026ABCdef/close" });
    expect(JSON.parse(peer.requests[0]!.body)).toEqual({ mchid: keys.mchid });
    peer.answer = () => ({ status: 400, body: { code: "ORDERPAID", message: "订单已支付" }, signer: null });
    expect(await gw.close("T2026ABCdef")).toMatchObject({
      kind: "business_error",
      httpStatus: 400,
      code: "ORDERPAID",
      message: "订单已支付",
    });
  });

  it("refunds and queries a refund", async () => {
    peer.answer = () => ({ body: refundWire });
    const r = await gw.refund({ outTradeNo: "T2026ABCdef", outRefundNo: "R2026X1", refund: 100, total: 55300, reason: "行程变更" });
    expect(r).toMatchObject({ kind: "ok", value: { refundId: "5030001", status: "PROCESSING", amount: { refund: 100, total: 55300 } } });
    expect(JSON.parse(peer.requests[0]!.body)).toEqual({
      out_trade_no: "T2026ABCdef",
      out_refund_no: "R2026X1",
      reason: "行程变更",
      notify_url: `${peer.baseUrl}notify`,
      amount: { refund: 100, total: 55300, currency: "CNY" },
    });
    const q = await gw.queryRefund("R2026X1");
    expect(peer.requests[1]).toMatchObject({ method: "GET", path: "/v3/refund/domestic/refunds/R2026X1" });
    expect(q).toMatchObject({ kind: "ok", value: { outRefundNo: "R2026X1" } });
  });

  it("downloads the trade bill, checks its SHA1 and parses it", async () => {
    const file = Buffer.from(
      formatTradeBill(
        ["交易时间", "商户订单号", "交易状态", "应结订单金额"],
        [["2026-11-27 10:00:00", "T2026ABCdef", "SUCCESS", "553.00"]],
        ["总交易单数", "应结订单总金额"],
        ["1", "553.00"],
      ),
    );
    let hash = createHash("sha1").update(file).digest("hex");
    peer.answer = (req) =>
      req.path.startsWith("/v3/bill/tradebill")
        ? { body: { hash_type: "SHA1", hash_value: hash, download_url: `${peer.baseUrl}v3/billdownload/file?token=abc` } }
        : { body: file, signer: null };
    const r = await gw.tradeBill("2026-11-27");
    expect(peer.requests.map((q) => q.path)).toEqual([
      "/v3/bill/tradebill?bill_date=2026-11-27&bill_type=ALL",
      "/v3/billdownload/file?token=abc",
    ]);
    expect(r).toMatchObject({ kind: "ok", value: { rows: [{ 商户订单号: "T2026ABCdef" }], summary: { 总交易单数: "1" } } });
    hash = "0".repeat(40);
    expect(await gw.tradeBill("2026-11-27")).toMatchObject({ kind: "unknown", reason: expect.stringContaining("SHA1") });
  });
});

describe("axios gateway: failures", () => {
  it("maps a WeChat Pay 4xx to business_error; a 5xx or a non-WeChat error page is outcome unknown", async () => {
    peer.answer = () => ({ status: 400, body: { code: "PARAM_ERROR", message: "out_trade_no 格式错误" }, signer: null });
    expect(await gw.jsapiPrepay(prepay())).toEqual({
      kind: "business_error",
      httpStatus: 400,
      code: "PARAM_ERROR",
      message: "out_trade_no 格式错误",
      requestId: "08PEER-UNSIGNED",
    });
    peer.answer = () => ({ status: 500, body: { code: "SYSTEM_ERROR", message: "系统繁忙" }, signer: null });
    expect(await gw.queryByOutTradeNo("T2026ABCdef")).toMatchObject({ kind: "unknown", reason: expect.stringContaining("SYSTEM_ERROR") });
    peer.answer = () => ({ status: 502, body: "<html>bad gateway</html>", signer: null });
    expect(await gw.queryByOutTradeNo("T2026ABCdef")).toMatchObject({ kind: "unknown", reason: expect.stringContaining("502") });
    peer.answer = () => ({ status: 429, body: { code: "FREQUENCY_LIMITED", message: "频率超限" }, signer: null });
    expect(await gw.queryByOutTradeNo("T2026ABCdef")).toMatchObject({ kind: "business_error", httpStatus: 429, code: "FREQUENCY_LIMITED" });
  });

  it("maps 500 OPENID_MISMATCH and INVALID_TRANSACTIONID to config_error naming the variable to check", async () => {
    peer.answer = () => ({ status: 500, body: { code: "OPENID_MISMATCH", message: "openid和appid不匹配" }, signer: null });
    expect(await gw.jsapiPrepay(prepay())).toEqual({
      kind: "config_error",
      code: "OPENID_MISMATCH",
      httpStatus: 500,
      variable: "WECHAT_APPID",
      message: "WeChat Pay refused with OPENID_MISMATCH: check WECHAT_APPID",
      requestId: "08PEER-UNSIGNED",
    });
    peer.answer = () => ({ status: 500, body: { code: "INVALID_TRANSACTIONID", message: "订单号非法" }, signer: null });
    expect(await gw.queryByTransactionId("4200000009")).toMatchObject({
      kind: "config_error",
      code: "INVALID_TRANSACTIONID",
      variable: "WECHAT_MCHID",
    });
    // Any other 500 stays "outcome unknown", whatever its code.
    peer.answer = () => ({ status: 500, body: { code: "BANK_ERROR", message: "银行系统异常" }, signer: null });
    expect(await gw.jsapiPrepay(prepay())).toMatchObject({ kind: "unknown", reason: expect.stringContaining("BANK_ERROR") });
  });

  it("reports a timeout as unknown (the request may have taken effect)", async () => {
    peer.answer = () => ({ body: { prepay_id: "late" }, delayMs: 1500 });
    const r = await gw.jsapiPrepay(prepay());
    expect(r).toMatchObject({ kind: "unknown" });
    expect(peer.requests).toHaveLength(1);
  });

  it.each([
    ["a tampered body", { tamper: true }],
    ["an unknown serial", { signer: { serial: "PUB_KEY_ID_0119UNKNOWN", privateKey: null as never } }],
    ["a stale timestamp", { timestamp: Math.floor(Date.now() / 1000) - 301 }],
    ["the SIGNTEST probe", { signature: "WECHATPAY/SIGNTEST/AAAA" }],
    ["missing signature headers", { signer: null }],
  ])("reports a 2xx answer with %s as unknown", async (_name, fault) => {
    const signer =
      "signer" in fault && fault.signer && fault.signer.privateKey === null
        ? { ...fault.signer, privateKey: keys.wechatpay.privateKey }
        : undefined;
    peer.answer = () => ({ body: { prepay_id: "wx1" }, ...fault, ...(signer ? { signer } : {}) });
    const r = await gw.jsapiPrepay(prepay());
    expect(r).toMatchObject({ kind: "unknown", reason: expect.stringMatching(/EV3_RES_/) });
  });

  it("reports a 2xx answer without the expected fields as unknown", async () => {
    peer.answer = () => ({ body: { something: "else" } });
    expect(await gw.jsapiPrepay(prepay())).toMatchObject({ kind: "unknown" });
  });

  it("reports a refused connection as unknown", async () => {
    const rt = runtime({ WECHAT_PAY_BASE_URL: "http://127.0.0.1:9/", WECHAT_NOTIFY_URL: "http://127.0.0.1:9/notify" });
    expect(await rt.gateway.queryByOutTradeNo("T2026ABCdef")).toMatchObject({ kind: "unknown" });
  });

  it("refuses bad amounts and ids locally: nothing is sent", async () => {
    for (const over of [
      { amount: 0 },
      { amount: 12.5 },
      { amount: -100 },
      { outTradeNo: "bad id!" },
      { description: "x".repeat(128) },
      { expiresAt: new Date() },
    ]) {
      expect(await gw.jsapiPrepay(prepay(over))).toMatchObject({ kind: "business_error", code: "PARAM_ERROR", local: true });
    }
    expect(await gw.refund({ outTradeNo: "T2026ABCdef", outRefundNo: "R1", refund: 101, total: 100 })).toMatchObject({ local: true });
    expect(await gw.tradeBill("2026-13-01")).toMatchObject({ local: true });
    expect(peer.requests).toEqual([]);
  });

  it("the server rejects our signature when the merchant serial is wrong (peer checks real signatures)", async () => {
    const rt = runtime({ WECHAT_SERIAL_NO: "ABCDEF0123456789" });
    peer.answer = () => ({ body: txWire("T2026ABCdef") });
    expect(await rt.gateway.queryByOutTradeNo("T2026ABCdef")).toMatchObject({
      kind: "business_error",
      httpStatus: 401,
      code: "SIGN_ERROR",
    });
  });
});

describe("platform-certificate mode", () => {
  it("downloads /v3/certificates once, verifies answers and notifications with it, refreshes on an unknown serial at most once per interval", async () => {
    const { certificatesAnswer, buildTestNotification, generateTestCertificate } = await import("../../shared/wechatpay/testing");
    const platform = keys.platform!;
    let certs: Array<{ serial: string; certificatePem: string }> = [platform];
    peer.answer = (req) =>
      req.path === "/v3/certificates"
        ? { body: certificatesAnswer(keys.apiV3Key, certs), signer: platform }
        : { body: txWire("T2026ABCdef"), signer: platform };
    const rt = runtime({ WECHAT_PUBLIC_KEY_ID: "", WECHAT_PUBLIC_KEY: "" });
    expect(await rt.gateway.queryByOutTradeNo("T2026ABCdef")).toMatchObject({ kind: "ok" });
    expect(await rt.gateway.queryByOutTradeNo("T2026ABCdef")).toMatchObject({ kind: "ok" });
    const downloads = () => peer.requests.filter((r) => r.path === "/v3/certificates").length;
    expect(downloads()).toBe(1);
    expect((await rt.notifications.parse(buildTestNotification(keys, platform))).ok).toBe(true);

    // An unknown serial within 60 s of the last download does not download again (bounded).
    const stranger = { serial: "7F00AA", privateKey: platform.privateKey };
    expect(await rt.notifications.parse(buildTestNotification(keys, stranger))).toMatchObject({ ok: false, code: "UNKNOWN_SERIAL" });
    expect(downloads()).toBe(1);

    // After the interval, a rotated certificate is fetched by the first notification that names it.
    const { PlatformCertificateStore } = await import("../../shared/wechatpay/platform-certs");
    const next = testRsaKeyPair();
    const cert = generateTestCertificate(next.privateKey, next.publicKey, "rotated");
    let now = Date.now();
    const config = rt.config.mode === "wechatpay" ? rt.config : undefined;
    if (!config) throw new Error("mode");
    const store = new PlatformCertificateStore({ ...config, apiV3Key: config.apiV3Key, clock: () => now });
    expect(await store.lookup(platform.serial)).toBeDefined();
    expect(downloads()).toBe(2);
    certs = [platform, { ...cert, certificatePem: cert.pem }];
    expect(await store.lookup(cert.serial)).toBeUndefined(); // within 60 s: no download
    expect(downloads()).toBe(2);
    now += 61_000;
    const [a, b] = await Promise.all([store.lookup(cert.serial), store.lookup(cert.serial)]);
    expect(a?.type).toBe("public");
    expect(b).toBe(a);
    expect(downloads()).toBe(3); // concurrent misses share one download
    expect(store.version).toBe(2);
  });

  it("refuses a /v3/certificates answer whose signature does not verify, and reports config_error when no key is left", async () => {
    const { certificatesAnswer } = await import("../../shared/wechatpay/testing");
    peer.answer = () => ({ body: certificatesAnswer(keys.apiV3Key, [keys.platform!]), signer: keys.platform!, tamper: true });
    const rt = runtime({ WECHAT_PUBLIC_KEY_ID: "", WECHAT_PUBLIC_KEY: "", WECHAT_PAY_TIMEOUT_MS: "1000" });
    expect(await rt.gateway.queryByOutTradeNo("T2026ABCdef")).toMatchObject({ kind: "config_error" });
    expect(peer.requests.map((r) => r.path)).toEqual(["/v3/certificates"]);
  });
});
