// Notification parser on fixtures built here with node:crypto (independent of the simulator).
import { createSecretKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createNotificationParser } from "../../shared/wechatpay/notification";
import { StaticKeyStore } from "../../shared/wechatpay/key-store";
import {
  buildTestNotification,
  generateTestKeySet,
  refundResource,
  signWechatpayMessage,
  transactionResource,
  type TestKeySet,
  testRsaKeyPair,
} from "../../shared/wechatpay/testing";
import type { NotificationParser, NotificationResult } from "../../shared/wechatpay/types";

let keys: TestKeySet;
let parser: NotificationParser;

beforeAll(() => {
  keys = generateTestKeySet({ platformCertificate: true });
  const store = new StaticKeyStore(
    new Map([[keys.wechatpay.serial, keys.wechatpay.publicKey]]),
    new Map([[keys.platform!.serial, keys.platform!.publicKey]]),
  );
  parser = createNotificationParser({ apiV3Key: createSecretKey(Buffer.from(keys.apiV3Key)), keys: store });
});

function rejected(result: NotificationResult): string {
  expect(result.ok).toBe(false);
  return result.ok ? "accepted" : result.code;
}

describe("notification parser", () => {
  it("accepts a valid TRANSACTION.SUCCESS and maps it to camelCase", async () => {
    const n = buildTestNotification(keys, keys.wechatpay, { id: "EV-1" });
    const r = await parser.parse(n);
    expect(r.ok).toBe(true);
    if (!r.ok || r.event.eventType !== "TRANSACTION.SUCCESS") throw new Error("wrong event");
    expect(r.event.id).toBe("EV-1");
    expect(r.event.serial).toBe(keys.wechatpay.serial);
    expect(r.event.transaction).toMatchObject({
      appid: keys.appid,
      mchid: keys.mchid,
      outTradeNo: "T20261127ABCDEF01",
      transactionId: "4200002345202611271234567890",
      tradeState: "SUCCESS",
      payerOpenid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
      amount: { total: 55300, payerTotal: 55300, currency: "CNY", payerCurrency: "CNY" },
    });
  });

  it.each(["REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED"] as const)("accepts %s as a RefundRecord", async (eventType) => {
    const status = eventType.slice("REFUND.".length) as "SUCCESS" | "ABNORMAL" | "CLOSED";
    const n = buildTestNotification(keys, keys.wechatpay, {
      eventType,
      resource: refundResource(keys, status, { amount: { total: 100, refund: 40 } }),
    });
    const r = await parser.parse(n);
    if (!r.ok || r.event.eventType === "TRANSACTION.SUCCESS" || r.event.eventType === "UNHANDLED")
      throw new Error(`rejected: ${JSON.stringify(r)}`);
    expect(r.event.eventType).toBe(eventType);
    expect(r.event.refund).toMatchObject({ status, outRefundNo: "R20261127ABCDEF01", amount: { total: 100, refund: 40 } });
  });

  it("chooses the key by Wechatpay-Serial: a platform certificate works next to a public key", async () => {
    const r = await parser.parse(buildTestNotification(keys, keys.platform!));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.event.serial).toBe(keys.platform!.serial);
    // Lower-case hex serial names the same certificate.
    const lower = buildTestNotification(keys, { ...keys.platform!, serial: keys.platform!.serial.toLowerCase() });
    expect((await parser.parse(lower)).ok).toBe(true);
  });

  it("matches header names case-insensitively (Node lower-cases them)", async () => {
    const n = buildTestNotification(keys, keys.wechatpay);
    const lower = Object.fromEntries(Object.entries(n.headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect((await parser.parse({ headers: lower, body: n.body })).ok).toBe(true);
  });

  it("accepts a base64 body with isBase64Encoded, and refuses the base64 text without the flag", async () => {
    const n = buildTestNotification(keys, keys.wechatpay);
    const b64 = Buffer.from(n.body, "utf8").toString("base64");
    expect((await parser.parse({ headers: n.headers, body: b64, isBase64Encoded: true })).ok).toBe(true);
    expect(rejected(await parser.parse({ headers: n.headers, body: b64 }))).toBe("BAD_SIGNATURE");
    expect(rejected(await parser.parse({ headers: n.headers, body: "%%%not base64", isBase64Encoded: true }))).toBe("BAD_BODY");
  });

  it("accepts an empty associated_data", async () => {
    const n = buildTestNotification(keys, keys.wechatpay, { associatedData: "" });
    expect(JSON.parse(n.body).resource.associated_data).toBe("");
    expect((await parser.parse(n)).ok).toBe(true);
  });

  it("refuses a body changed by one byte", async () => {
    const n = buildTestNotification(keys, keys.wechatpay);
    const i = n.body.indexOf("支付成功") >= 0 ? n.body.lastIndexOf('"') - 1 : 10;
    const flipped = n.body.slice(0, i) + String.fromCharCode(n.body.charCodeAt(i) ^ 1) + n.body.slice(i + 1);
    expect(flipped).not.toBe(n.body);
    expect(rejected(await parser.parse({ headers: n.headers, body: flipped }))).toBe("BAD_SIGNATURE");
  });

  it("refuses re-serialized JSON (same data, other bytes)", async () => {
    const n = buildTestNotification(keys, keys.wechatpay);
    const pretty = JSON.stringify(JSON.parse(n.body), null, 2);
    const ascii = JSON.stringify(JSON.parse(n.body)).replace(
      /[\u0080-\uffff]/g,
      (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
    );
    expect(rejected(await parser.parse({ headers: n.headers, body: pretty }))).toBe("BAD_SIGNATURE");
    expect(ascii).not.toBe(n.body);
    expect(rejected(await parser.parse({ headers: n.headers, body: ascii }))).toBe("BAD_SIGNATURE");
  });

  it("refuses a signature made with another key under a known serial", async () => {
    const other = testRsaKeyPair();
    const n = buildTestNotification(keys, { serial: keys.wechatpay.serial, privateKey: other.privateKey });
    expect(rejected(await parser.parse(n))).toBe("BAD_SIGNATURE");
  });

  it("refuses an unknown serial", async () => {
    const n = buildTestNotification(keys, { serial: "PUB_KEY_ID_0119UNKNOWN", privateKey: keys.wechatpay.privateKey });
    expect(rejected(await parser.parse(n))).toBe("UNKNOWN_SERIAL");
  });

  it("refuses a timestamp more than 300 s away, either direction, and accepts 300 s", async () => {
    const now = new Date();
    const t = Math.floor(now.getTime() / 1000);
    for (const ts of [t - 301, t + 301]) {
      expect(rejected(await parser.parse(buildTestNotification(keys, keys.wechatpay, { timestamp: ts }), now))).toBe("STALE_TIMESTAMP");
    }
    expect((await parser.parse(buildTestNotification(keys, keys.wechatpay, { timestamp: t - 300 }), now)).ok).toBe(true);
    expect(
      rejected(await parser.parse(buildTestNotification(keys, keys.wechatpay, { timestamp: t }), new Date(now.getTime() + 3600_000))),
    ).toBe("STALE_TIMESTAMP");
  });

  it("refuses WeChat Pay's SIGNTEST probe like any bad signature", async () => {
    const n = buildTestNotification(keys, keys.wechatpay, { signature: "WECHATPAY/SIGNTEST/" + "A".repeat(300) });
    expect(rejected(await parser.parse(n))).toBe("BAD_SIGNATURE");
  });

  it.each(["Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial", "Wechatpay-Signature"])("refuses a missing %s", async (name) => {
    const n = buildTestNotification(keys, keys.wechatpay);
    const headers: Record<string, string> = { ...n.headers };
    delete headers[name];
    expect(rejected(await parser.parse({ headers, body: n.body }))).toBe("MISSING_HEADER");
  });

  it("refuses a repeated signature header", async () => {
    const n = buildTestNotification(keys, keys.wechatpay);
    const headers = { ...n.headers, "wechatpay-signature": [n.headers["Wechatpay-Signature"]!, "x"] };
    delete (headers as Record<string, unknown>)["Wechatpay-Signature"];
    expect(rejected(await parser.parse({ headers, body: n.body }))).toBe("MISSING_HEADER");
  });

  it("refuses a validly signed body that is not JSON (signature checked first)", async () => {
    const body = "this is not json";
    expect(rejected(await parser.parse({ headers: signWechatpayMessage(body, keys.wechatpay), body }))).toBe("BAD_BODY");
    // The same body with a bad signature is a signature failure: nothing is parsed before verifying.
    const forged = { ...signWechatpayMessage(body, keys.wechatpay), "Wechatpay-Signature": "AAAA" };
    expect(rejected(await parser.parse({ headers: forged, body }))).toBe("BAD_SIGNATURE");
  });

  it("refuses a resource encrypted with another APIv3 key", async () => {
    const n = buildTestNotification(keys, keys.wechatpay, { apiV3Key: "X".repeat(32) });
    expect(rejected(await parser.parse(n))).toBe("DECRYPT_FAILED");
  });

  it("answers a verified event of an unknown type as UNHANDLED (to be acknowledged), not as a rejection", async () => {
    const n = buildTestNotification(keys, keys.wechatpay, { eventType: "TRANSACTION.CLOSED" });
    const r = await parser.parse(n);
    expect(r.ok && r.event.eventType === "UNHANDLED" && r.event.rawEventType).toBe("TRANSACTION.CLOSED");
    // Verification still comes first: the same body with a bad signature is refused.
    expect(rejected(await parser.parse({ ...n, headers: { ...n.headers, "Wechatpay-Signature": "AAAA" } }))).toBe("BAD_SIGNATURE");
  });

  it("refuses decrypted plaintext that is not JSON or lacks the documented fields", async () => {
    expect(rejected(await parser.parse(buildTestNotification(keys, keys.wechatpay, { plaintext: "nope" })))).toBe("BAD_BODY");
    const noAmount = transactionResource(keys, { amount: { total: "55300" } });
    expect(rejected(await parser.parse(buildTestNotification(keys, keys.wechatpay, { resource: noAmount })))).toBe("BAD_BODY");
    const notPaid = transactionResource(keys, { trade_state: "NOTPAY" });
    expect(rejected(await parser.parse(buildTestNotification(keys, keys.wechatpay, { resource: notPaid })))).toBe("BAD_BODY");
  });
});
