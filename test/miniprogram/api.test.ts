import "./dom-globals";
// The typed function client and the payment launcher, with the platform faked.
import { describe, it, expect, afterEach } from "vitest";
import { installPlatform, mpRequire, callsOf, ok, fail } from "./harness";

interface ApiModule {
  call(name: string, data: object): Promise<unknown>;
}
interface ErrorsModule {
  ApiCallError: new (...a: never[]) => { code: string; message: string; retryable: boolean };
}
interface PaymentModule {
  launchPayment(params: object, amountText: string): Promise<{ kind: string }>;
  prepayIdOf(pkg: string): string;
}
interface ConfigModule {
  config: { localDev: { enabled: boolean; baseUrl: string; openid: string } };
}

const api = mpRequire<ApiModule>("services/api");
const { ApiCallError } = mpRequire<ErrorsModule>("services/errors");
const payment = mpRequire<PaymentModule>("services/payment");
const { config } = mpRequire<ConfigModule>("config");

const PARAMS = { timeStamp: "1", nonceStr: "n", package: "prepay_id=wx_abc", signType: "RSA", paySign: "s" };

/** Records wx.request and answers with the given status and body. */
function fakeRequest(answer: (url: string, data: unknown) => { statusCode: number; data: unknown } | "down") {
  const requests: { url: string; method?: string; data: unknown; header: Record<string, string> }[] = [];
  (globalThis as unknown as { wx: Record<string, unknown> }).wx.request = (o: {
    url: string;
    method?: string;
    data: unknown;
    header: Record<string, string>;
    success(r: { statusCode: number; data: unknown }): void;
    fail(e: { errMsg: string }): void;
  }) => {
    requests.push({ url: o.url, method: o.method, data: o.data, header: o.header });
    const a = answer(o.url, o.data);
    setTimeout(() => (a === "down" ? o.fail({ errMsg: "request:fail" }) : o.success(a)), 0);
    return {};
  };
  return requests;
}

afterEach(() => {
  config.localDev.enabled = false;
});

describe("services/api call()", () => {
  it("answers the data of { ok: true }", async () => {
    const p = installPlatform({ trains: () => ok({ trains: [] }) });
    await expect(api.call("trains", { date: "2026-11-28" })).resolves.toEqual({ trains: [] });
    expect(callsOf(p, "trains")[0].data).toEqual({ date: "2026-11-28" });
  });

  it("turns { ok: false } into a typed error with the server's code and Chinese message", async () => {
    installPlatform({ createOrder: () => fail("SOLD_OUT", "余票不足") });
    const err = await api.call("createOrder", {}).catch((e) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err).toMatchObject({ code: "SOLD_OUT", message: "余票不足", retryable: false });
  });

  it("an unknown code or a malformed answer becomes INTERNAL", async () => {
    installPlatform({ a: () => fail("WHATEVER", "x"), b: () => "not an envelope" });
    await expect(api.call("a", {})).rejects.toMatchObject({ code: "INTERNAL" });
    await expect(api.call("b", {})).rejects.toMatchObject({ code: "INTERNAL", retryable: true });
  });

  it("a call that never got an answer is a retryable NETWORK error", async () => {
    installPlatform({});
    await expect(api.call("trains", {})).rejects.toMatchObject({ code: "NETWORK", retryable: true });
  });

  it("local development mode sends calls to the local stack with the dev openid, only inside DevTools", async () => {
    const p = installPlatform({ trains: () => ok({ trains: ["cloud"] }) });
    const requests = fakeRequest(() => ({ statusCode: 200, data: { result: ok({ trains: ["local"] }) } }));
    config.localDev.enabled = true;

    // on a phone the switch is ignored
    await expect(api.call("trains", {})).resolves.toEqual({ trains: ["cloud"] });
    expect(requests).toHaveLength(0);

    p.platform = "devtools";
    await expect(api.call("trains", { from: "北京南" })).resolves.toEqual({ trains: ["local"] });
    expect(requests).toEqual([
      {
        url: `${config.localDev.baseUrl}/functions/trains`,
        method: "POST",
        data: { from: "北京南" },
        header: expect.objectContaining({ "x-wx-openid": config.localDev.openid }),
      },
    ]);
    expect(callsOf(p, "trains")).toHaveLength(1);
  });

  it("local stack failures: HTTP 500 is a retryable INTERNAL, no answer is NETWORK", async () => {
    const p = installPlatform({});
    p.platform = "devtools";
    config.localDev.enabled = true;
    fakeRequest(() => ({ statusCode: 500, data: { errCode: -1, errMsg: "function threw" } }));
    await expect(api.call("trains", {})).rejects.toMatchObject({ code: "INTERNAL", retryable: true });
    fakeRequest(() => "down");
    await expect(api.call("trains", {})).rejects.toMatchObject({ code: "NETWORK", retryable: true });
  });
});

describe("services/payment launchPayment()", () => {
  it("maps wx.requestPayment success, cancel and failure", async () => {
    const p = installPlatform({});
    await expect(payment.launchPayment(PARAMS, "¥1.00")).resolves.toEqual({ kind: "success" });
    expect(p.payments).toEqual([PARAMS]);
    p.payResult = "cancel";
    await expect(payment.launchPayment(PARAMS, "¥1.00")).resolves.toEqual({ kind: "cancel" });
    p.payResult = "fail";
    await expect(payment.launchPayment(PARAMS, "¥1.00")).resolves.toMatchObject({ kind: "fail" });
  });

  it("in local development mode pays through the simulator's POST /sim/pay with the prepay id", async () => {
    expect(payment.prepayIdOf("prepay_id=wx_abc")).toBe("wx_abc");
    const p = installPlatform({});
    p.platform = "devtools";
    config.localDev.enabled = true;
    const requests = fakeRequest(() => ({ statusCode: 200, data: { out_trade_no: "T1", transaction_id: "42" } }));
    await expect(payment.launchPayment(PARAMS, "¥1.00")).resolves.toEqual({ kind: "success" });
    expect(requests.map((r) => [r.url, r.data])).toEqual([[`${config.localDev.baseUrl}/sim/pay`, { prepay_id: "wx_abc" }]]);
    expect(p.payments).toHaveLength(0);
    // the stand-in payment sheet can be cancelled
    p.modalConfirm = false;
    await expect(payment.launchPayment(PARAMS, "¥1.00")).resolves.toEqual({ kind: "cancel" });
    expect(requests).toHaveLength(1);
  });
});
