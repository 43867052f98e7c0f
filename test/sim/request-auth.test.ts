// The simulator refuses what WeChat Pay refuses: any request that is not signed by the merchant
// over the exact method, path, query, timestamp, nonce and body bytes.
import { testRsaKeyPair } from "../../shared/wechatpay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sim, verifyWechatpaySignature } from "./harness";

let sim: Sim;
beforeAll(async () => {
  sim = await Sim.start({ signMode: "pubkey" });
});
afterAll(async () => sim?.stop());

const query = (no: string) => `/v3/pay/transactions/out-trade-no/${no}?mchid=`;

describe("request authentication", () => {
  it("accepts a correctly signed request, with the Authorization fields in any order", async () => {
    const r1 = await sim.call("GET", query("T20261127000001") + sim.keys.mchid);
    expect(r1.status).toBe(404); // authenticated; the order just does not exist
    expect(r1.json.code).toBe("ORDER_NOT_EXIST");
    const r2 = await sim.call("GET", query("T20261127000001") + sim.keys.mchid, undefined, {
      fieldOrder: ["signature", "serial_no", "timestamp", "mchid", "nonce_str"],
    });
    expect(r2.json.code).toBe("ORDER_NOT_EXIST");
  });

  it("refuses a request signed with another key", async () => {
    const { privateKey } = testRsaKeyPair();
    const r = await sim.call("POST", "/v3/pay/transactions/jsapi", sim.prepayBody("AUTH_WRONG_KEY"), { key: privateKey });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe("SIGN_ERROR");
    expect(typeof r.json.message).toBe("string");
  });

  it("refuses a wrong merchant serial, a wrong mchid", async () => {
    const a = await sim.call("GET", query("AUTHX1") + sim.keys.mchid, undefined, { serial: "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C" });
    expect([a.status, a.json.code]).toEqual([401, "SIGN_ERROR"]);
    const b = await sim.call("GET", query("AUTHX1") + sim.keys.mchid, undefined, { mchid: "1900000002" });
    expect([b.status, b.json.code]).toEqual([401, "SIGN_ERROR"]);
  });

  it("accepts the serial in lower case but refuses a timestamp more than 300 s away", async () => {
    const ok = await sim.call("GET", query("AUTHX2") + sim.keys.mchid, undefined, { serial: sim.keys.merchantSerialNo.toLowerCase() });
    expect(ok.json.code).toBe("ORDER_NOT_EXIST");
    const now = Math.floor(Date.now() / 1000);
    // Well past the window: a second ticking between here and the check must not matter.
    for (const ts of [now - 310, now + 310]) {
      const r = await sim.call("GET", query("AUTHX2") + sim.keys.mchid, undefined, { timestamp: ts });
      expect([r.status, r.json.code]).toEqual([401, "SIGN_ERROR"]);
    }
    const edge = await sim.call("GET", query("AUTHX2") + sim.keys.mchid, undefined, { timestamp: now - 290 });
    expect(edge.json.code).toBe("ORDER_NOT_EXIST");
  });

  it("refuses a body changed after signing (one byte, or only the spacing)", async () => {
    const body = sim.prepayBody("AUTH_BODY_CHANGED");
    const signed = JSON.stringify(body);
    const r1 = await sim.call("POST", "/v3/pay/transactions/jsapi", body, { sendBody: signed.replace("55300", "55301") });
    expect([r1.status, r1.json.code]).toEqual([401, "SIGN_ERROR"]);
    const r2 = await sim.call("POST", "/v3/pay/transactions/jsapi", body, { sendBody: JSON.stringify(body, null, 1) });
    expect([r2.status, r2.json.code]).toEqual([401, "SIGN_ERROR"]);
    // Nothing was created by the refused requests.
    const q = await sim.call("GET", query("AUTH_BODY_CHANGED") + sim.keys.mchid);
    expect(q.json.code).toBe("ORDER_NOT_EXIST");
  });

  it("refuses a signature over another query string", async () => {
    // Signed for one mchid value, sent with another query: the path+query is part of the message.
    const path = query("AUTHX3") + sim.keys.mchid;
    const r = await sim.call("GET", path, undefined, {});
    expect(r.json.code).toBe("ORDER_NOT_EXIST");
    const { createSign } = await import("node:crypto");
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = createSign("RSA-SHA256").update(`GET\n${path}\n${ts}\nabc\n\n`).sign(sim.merchantKey, "base64");
    const auth = `WECHATPAY2-SHA256-RSA2048 mchid="${sim.keys.mchid}",nonce_str="abc",signature="${sig}",timestamp="${ts}",serial_no="${sim.keys.merchantSerialNo}"`;
    const res = await fetch(sim.baseUrl + path + "&x=1", { headers: { Authorization: auth } });
    expect(res.status).toBe(401);
  });

  it("refuses a missing or malformed Authorization header", async () => {
    for (const authorization of [null, "Bearer abc", 'WECHATPAY2-SHA256-RSA2048 mchid="1"', "WECHATPAY2-SHA256-RSA2048 garbage"]) {
      const r = await sim.call("GET", query("AUTHX4") + sim.keys.mchid, undefined, { authorization });
      expect([r.status, r.json.code]).toEqual([401, "SIGN_ERROR"]);
    }
  });

  it("signs every answer, 401 errors included, with the WeChat Pay public key", async () => {
    const { privateKey } = testRsaKeyPair();
    const r = await sim.call("GET", query("AUTHX5") + sim.keys.mchid, undefined, { key: privateKey });
    expect(r.status).toBe(401);
    expect(r.headers["request-id"]).toMatch(/^[0-9A-F]{32}$/);
    expect(r.headers["wechatpay-signature-type"]).toBe("WECHATPAY2-SHA256-RSA2048");
    const v = verifyWechatpaySignature(r.headers, r.raw, sim.trustedKeys());
    expect(v).toEqual({ ok: true, serial: sim.keys.wxpayPublicKeyId });
    // The same headers do not verify other bytes.
    expect(verifyWechatpaySignature(r.headers, Buffer.concat([r.raw, Buffer.from(" ")]), sim.trustedKeys()).ok).toBe(false);
  });

  it("answers unknown /v3 paths 404 NOT_FOUND (signed) and leaves other paths to the stack", async () => {
    const r = await sim.call("GET", "/v3/pay/transactions/native");
    expect([r.status, r.json.code]).toEqual([404, "NOT_FOUND"]);
    expect(verifyWechatpaySignature(r.headers, r.raw, sim.trustedKeys()).ok).toBe(true);
    const other = await fetch(sim.baseUrl + "/api/payment/notify", { method: "POST", body: "{}" });
    expect(await other.text()).toBe("not the plugin's");
    const v3x = await fetch(sim.baseUrl + "/v3x/anything");
    expect(await v3x.text()).toBe("not the plugin's");
  });
});
