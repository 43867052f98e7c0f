// Fault injection: latency, 5xx, no answer, tampered response signature, limited to N uses,
// and "applied" faults where the request takes effect but the answer is lost.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually, freshDataDir, Sim, verifyWechatpaySignature } from "./harness";

let sim: Sim;
beforeAll(async () => {
  sim = await Sim.start();
});
afterEach(async () => {
  await sim.control("DELETE", "/sim/faults");
});
afterAll(async () => sim?.stop());

const query = (no: string) => sim.call("GET", `/v3/pay/transactions/out-trade-no/${no}?mchid=${sim.keys.mchid}`);

describe("fault injection", () => {
  it("validates rules and lists them", async () => {
    for (const bad of [
      { endpoint: "nope", status: 500 },
      { endpoint: "query" },
      { endpoint: "query", status: 404 },
      { endpoint: "query", status: 500, timeout: true },
      { endpoint: "query", latencyMs: 5, extra: 1 },
    ]) {
      const r = await sim.control("POST", "/sim/faults", bad);
      expect(r.status).toBe(400);
    }
    const ok = await sim.control("POST", "/sim/faults", {
      rules: [
        { endpoint: "jsapi", latencyMs: 10, times: 2 },
        { endpoint: "*", tamperSignature: true },
      ],
    });
    expect(ok.json.rules).toMatchObject([
      { id: expect.any(Number), endpoint: "jsapi", latencyMs: 10, remaining: 2 },
      { endpoint: "*", tamperSignature: true },
    ]);
    expect((await sim.control("GET", "/sim/faults")).json.rules).toHaveLength(2);
    expect((await sim.control("DELETE", "/sim/faults")).json.rules).toEqual([]);
  });

  it("latency delays the answer", async () => {
    await sim.control("POST", "/sim/faults", { endpoint: "query", latencyMs: 300, times: 1 });
    const t0 = Date.now();
    const r = await query("FAULT_LAT_0001");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(r.json.code).toBe("ORDER_NOT_EXIST");
    expect((await sim.control("GET", "/sim/faults")).json.rules).toEqual([]); // used up
  });

  it("5xx answers SYSTEM_ERROR (signed) and does nothing; N times only", async () => {
    await sim.control("POST", "/sim/faults", { endpoint: "jsapi", status: 503, times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await sim.call("POST", "/v3/pay/transactions/jsapi", sim.prepayBody("FAULT_5XX_0001"));
      expect([r.status, r.json.code]).toEqual([503, "SYSTEM_ERROR"]);
      expect(verifyWechatpaySignature(r.headers, r.raw, sim.trustedKeys()).ok).toBe(true);
    }
    expect((await query("FAULT_5XX_0001")).json.code).toBe("ORDER_NOT_EXIST");
    const ok = await sim.call("POST", "/v3/pay/transactions/jsapi", sim.prepayBody("FAULT_5XX_0001"));
    expect(ok.status).toBe(200);
  });

  it("a 4xx refusal answers the given code (signed) and does nothing; it cannot be 'applied'", async () => {
    expect((await sim.control("POST", "/sim/faults", { endpoint: "jsapi", status: 403, code: "NO_AUTH", applied: true })).status).toBe(400);
    await sim.control("POST", "/sim/faults", { endpoint: "jsapi", status: 403, code: "NO_AUTH", times: 1 });
    const r = await sim.call("POST", "/v3/pay/transactions/jsapi", sim.prepayBody("FAULT_4XX_0001"));
    expect([r.status, r.json.code]).toEqual([403, "NO_AUTH"]);
    expect(verifyWechatpaySignature(r.headers, r.raw, sim.trustedKeys()).ok).toBe(true);
    expect((await query("FAULT_4XX_0001")).json.code).toBe("ORDER_NOT_EXIST");
  });

  it("applied 5xx: the request takes effect but the answer is an error (outcome unknown)", async () => {
    await sim.control("POST", "/sim/faults", { endpoint: "jsapi", status: 500, applied: true, times: 1 });
    const r = await sim.call("POST", "/v3/pay/transactions/jsapi", sim.prepayBody("FAULT_APPLIED01"));
    expect(r.status).toBe(500);
    expect((await query("FAULT_APPLIED01")).json.trade_state).toBe("NOTPAY");
  });

  /** A call the test gives up on itself, once the simulator has taken the request (its fault used
   *  up): no answer may have come by then. */
  async function givenUp(method: string, path: string, body: unknown, taken: () => Promise<boolean>): Promise<string> {
    const client = new AbortController();
    let outcome = "pending";
    const call = sim.call(method, path, body, { signal: client.signal }).then(
      () => (outcome = "answered"),
      (e: Error) => (outcome = e.name),
    );
    await eventually(async () => ((await taken()) ? true : undefined));
    const before = outcome;
    client.abort();
    await call;
    return `${before} → ${outcome}`;
  }
  const faultUsedUp = async () => (await sim.control("GET", "/sim/faults")).json.rules.length === 0;

  it("timeout: no answer until the client gives up; the next call is answered", async () => {
    await sim.control("POST", "/sim/faults", { endpoint: "query", timeout: true, times: 1 });
    expect(await givenUp("GET", `/v3/pay/transactions/out-trade-no/FAULT_TIMEOUT1?mchid=${sim.keys.mchid}`, undefined, faultUsedUp)).toBe(
      "pending → AbortError",
    );
    expect((await query("FAULT_TIMEOUT1")).json.code).toBe("ORDER_NOT_EXIST");
  });

  it("applied timeout: the close takes effect, its answer never comes", async () => {
    await sim.prepay("FAULT_TIMEOUT2");
    await sim.control("POST", "/sim/faults", { endpoint: "close", timeout: true, applied: true, times: 1 });
    const closed = async () => (await faultUsedUp()) && (await query("FAULT_TIMEOUT2")).json.trade_state === "CLOSED";
    expect(await givenUp("POST", "/v3/pay/transactions/out-trade-no/FAULT_TIMEOUT2/close", { mchid: sim.keys.mchid }, closed)).toBe(
      "pending → AbortError",
    );
  });

  it("close() of the plugin releases a request held by a timeout fault", async () => {
    const other = await Sim.start({}, freshDataDir());
    await other.control("POST", "/sim/faults", { endpoint: "*", timeout: true, times: 1000 });
    const pending = other.call("GET", "/v3/certificates", undefined, { timeoutMs: 30_000 }).then(
      () => "answered",
      () => "cut",
    );
    // Held once the simulator has taken it (one use of the rule gone).
    await eventually(async () => ((await other.control("GET", "/sim/faults")).json.rules[0].remaining === 999 ? true : undefined));
    const t0 = Date.now();
    await other.plugin.close!(); // the plugin alone, the server still listens
    expect(await pending).toBe("cut");
    expect(Date.now() - t0).toBeLessThan(20_000); // cut by close(), not by the client's 30 s
    await other.stop();
  });

  it("tampered signature: the answer is well-formed but does not verify", async () => {
    await sim.control("POST", "/sim/faults", { endpoint: "*", tamperSignature: true, times: 1 });
    const bad = await query("FAULT_TAMPER_01");
    expect(bad.json.code).toBe("ORDER_NOT_EXIST");
    expect(bad.headers["wechatpay-signature"]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(verifyWechatpaySignature(bad.headers, bad.raw, sim.trustedKeys()).ok).toBe(false);
    const good = await query("FAULT_TAMPER_01");
    expect(verifyWechatpaySignature(good.headers, good.raw, sim.trustedKeys()).ok).toBe(true);
  });
});
