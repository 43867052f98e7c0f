import { createVerify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { signPayParams } from "../../shared/wechatpay/pay-params";
import { createPaymentRuntime } from "../../shared/wechatpay/payment-from-env";
import { generateTestKeySet, payParamsMessage, testEnv, type TestKeySet } from "../../shared/wechatpay/testing";

let keys: TestKeySet;
beforeAll(() => {
  keys = generateTestKeySet();
});

const verifies = (message: string, sig: string) => createVerify("RSA-SHA256").update(message).verify(keys.merchantPublicKey, sig, "base64");

describe("mini-program pay params", () => {
  it("have the shapes wx.requestPayment needs and verify with the merchant public key", () => {
    const now = new Date("2026-11-27T12:00:00Z");
    const p = signPayParams(keys.appid, keys.merchantPrivateKey, "wx27200000000000001", now);
    expect(typeof p.timeStamp).toBe("string");
    expect(p.timeStamp).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(p.timeStamp).toMatch(/^\d{10}$/);
    expect(p.package).toBe("prepay_id=wx27200000000000001");
    expect(p.signType).toBe("RSA");
    expect(p.nonceStr).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(verifies(`${keys.appid}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`, p.paySign)).toBe(true);
    // The prefix is part of what is signed: without it the signature is wrong.
    expect(verifies(`${keys.appid}\n${p.timeStamp}\n${p.nonceStr}\nwx27200000000000001\n`, p.paySign)).toBe(false);
  });

  it("come from the wechatpay gateway signed with the configured key, fresh nonce each time", () => {
    const rt = createPaymentRuntime(testEnv(keys));
    if (!rt.ok) throw new Error(rt.error.message);
    const a = rt.gateway.payParams("wx_prepay_1");
    const b = rt.gateway.payParams("wx_prepay_1");
    expect(a.nonceStr).not.toBe(b.nonceStr);
    expect(verifies(payParamsMessage(keys.appid, a), a.paySign)).toBe(true);
    expect(verifies(payParamsMessage("wxotherapp", a), a.paySign)).toBe(false);
  });
});
