// "Called from the mini-program" is decided from what CloudBase documents: the WX_OPENID a
// callFunction from a mini-program carries, and the shape of an HTTP access event. The Web SDK's
// TCB_UUID / TCB_ISANONYMOUS_USER / TCB_CUSTOM_USER_ID decide nothing.
import { describe, expect, it } from "vitest";
import { callerFromEnv, hasMiniProgramCaller, isHttpAccessEvent } from "../../shared/runtime/identity";

const httpEvent = {
  path: "/api/payment/notify",
  httpMethod: "POST",
  headers: { "content-type": "application/json", "wechatpay-serial": "PUB_KEY_ID_0114" },
  queryStringParameters: {},
  requestContext: { appId: "1250000000", envId: "env-1", requestId: "r-1" },
  body: '{"id":"EV-1"}',
  isBase64Encoded: false,
};
const miniProgramEnv = {
  WX_OPENID: "o-user",
  WX_APPID: "wx1234567890abcdef",
  WX_CONTEXT_KEYS: "WX_OPENID,WX_APPID",
  TCB_SOURCE: "wx_client",
};
const webSdkMarkers = { TCB_UUID: "u-123", TCB_ISANONYMOUS_USER: "true", TCB_CUSTOM_USER_ID: "custom-1", TCB_SOURCE: "web" };

describe("caller identity", () => {
  it("a callFunction from the mini-program: WX_OPENID present, event is the caller's data", () => {
    expect(hasMiniProgramCaller(miniProgramEnv)).toBe(true);
    expect(callerFromEnv(miniProgramEnv)).toEqual({ openid: "o-user", appid: "wx1234567890abcdef" });
    expect(isHttpAccessEvent({ orderId: "x", userInfo: { openId: "o-user" } })).toBe(false);
  });

  it("an HTTP access call is recognised by its event, and accepted whatever TCB_* markers are set", () => {
    expect(isHttpAccessEvent(httpEvent)).toBe(true);
    expect(isHttpAccessEvent({ httpMethod: "GET", headers: {} })).toBe(true); // no body on a GET
    expect(isHttpAccessEvent({ httpMethod: "GET", headers: {}, body: null })).toBe(true);
    expect(hasMiniProgramCaller(webSdkMarkers)).toBe(false);
    expect(hasMiniProgramCaller({})).toBe(false);
    expect(callerFromEnv(webSdkMarkers)).toBeUndefined();
  });

  it("anything else is not an HTTP access event", () => {
    for (const e of [
      null,
      undefined,
      "POST",
      [],
      {},
      { httpMethod: "POST" },
      { httpMethod: "POST", headers: [] },
      { httpMethod: 1, headers: {} },
      { httpMethod: "POST", headers: {}, body: { id: 1 } },
      { httpMethod: "POST", headers: {}, isBase64Encoded: "yes" },
      { Type: "Timer", TriggerName: "everyMinute", Time: "2026-11-27T00:00:00Z", Message: "" },
    ]) {
      expect(isHttpAccessEvent(e), JSON.stringify(e)).toBe(false);
    }
  });
});
