// Notifications as a merchant receives them: exact bytes signed, resource decrypts with the
// APIv3 key, WeChat's retry schedule (time-scaled), duplicate / SIGNTEST / drop options.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETRY_SCHEDULE_S } from "../../dev/wxpay-sim/notifier";
import { decryptResource, eventually, Receiver, Sim, verifyWechatpaySignature } from "./harness";

const SCALE = 0.001; // 15 s → 15 ms
let sim: Sim;
beforeAll(async () => {
  // A hanging receiver is given up after 3 s: long enough that a loaded machine never times out a real answer.
  sim = await Sim.start({ timeScale: SCALE, notifyTimeoutMs: 3000 });
});
afterAll(async () => sim?.stop());

interface Attempt {
  kind: string;
  status: number | null;
  error?: string;
  answer: string;
  serial: string;
}
interface Delivery {
  id: string;
  eventType: string;
  status: string;
  signtestRejected?: boolean;
  attempts: Attempt[];
}

async function deliveriesOf(outTradeNo: string): Promise<Delivery[]> {
  return (await sim.control("GET", `/sim/notifications?out_trade_no=${outTradeNo}`)).json.notifications;
}

async function settled(outTradeNo: string): Promise<Delivery> {
  return eventually(async () => {
    const [d] = await deliveriesOf(outTradeNo);
    return d && d.status !== "pending" ? d : undefined;
  });
}

describe("payment notification", () => {
  it("is signed over the exact bytes and decrypts with the APIv3 key to the paid transaction", async () => {
    const receiver = await Receiver.start(() => ({ status: 204 }));
    try {
      const { transactionId } = await sim.paidOrder("NOTIFY_OK_0001", receiver.url);
      const [got] = await receiver.waitFor(1);
      const v = verifyWechatpaySignature(got!.headers, got!.raw, sim.trustedKeys());
      expect(v).toEqual({ ok: true, serial: sim.keys.wxpayPublicKeyId });
      expect(got!.headers["wechatpay-signature-type"]).toBe("WECHATPAY2-SHA256-RSA2048");
      // Re-serialized JSON is other bytes: it must not verify (Chinese summary stays unescaped on the wire).
      const reserialized = Buffer.from(JSON.stringify(JSON.parse(got!.raw.toString()), null, 2));
      expect(verifyWechatpaySignature(got!.headers, reserialized, sim.trustedKeys()).ok).toBe(false);
      expect(got!.raw.toString()).toContain("支付成功");

      const body = JSON.parse(got!.raw.toString());
      expect(body).toMatchObject({ event_type: "TRANSACTION.SUCCESS", resource_type: "encrypt-resource", summary: "支付成功" });
      expect(body.create_time).toMatch(/\+08:00$/);
      expect(body.resource).toMatchObject({ algorithm: "AEAD_AES_256_GCM", associated_data: "transaction", original_type: "transaction" });
      expect(body.resource.nonce).toMatch(/^[A-Za-z0-9]{12}$/);
      const plain = JSON.parse(decryptResource(body.resource, sim.keys.apiV3Key));
      expect(plain).toMatchObject({
        appid: sim.keys.appid,
        mchid: sim.keys.mchid,
        out_trade_no: "NOTIFY_OK_0001",
        transaction_id: transactionId,
        trade_type: "JSAPI",
        trade_state: "SUCCESS",
        payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
        amount: { total: 55300, payer_total: 55300, currency: "CNY", payer_currency: "CNY" },
      });
      // A wrong key does not decrypt.
      expect(() => decryptResource(body.resource, "x".repeat(32))).toThrow();
      const d = await settled("NOTIFY_OK_0001");
      expect(d.status).toBe("delivered");
      expect(d.attempts).toHaveLength(1);
      expect(d.attempts[0]).toMatchObject({ kind: "delivery", status: 204 });
    } finally {
      await receiver.stop();
    }
  });

  it("a 500 answer is retried on the (scaled) schedule until a 2xx, with the same bytes, freshly signed", async () => {
    const receiver = await Receiver.start((_r, i) =>
      i < 3 ? { status: 500, body: '{"code":"FAIL","message":"db down"}' } : { status: 200 },
    );
    try {
      await sim.paidOrder("NOTIFY_RETRY_01", receiver.url);
      const got = await receiver.waitFor(4);
      const d = await settled("NOTIFY_RETRY_01");
      expect(d.status).toBe("delivered");
      expect(d.attempts.map((a) => a.status)).toEqual([500, 500, 500, 200]);
      expect(d.attempts[0]!.answer).toContain("db down");
      expect(new Set(got.map((g) => g.raw.toString())).size).toBe(1);
      expect(new Set(got.map((g) => g.headers["wechatpay-nonce"])).size).toBe(4);
      for (const g of got) expect(verifyWechatpaySignature(g.headers, g.raw, sim.trustedKeys()).ok).toBe(true);
      // Gaps follow 15 s, 15 s, 30 s × scale (15, 15, 30 ms), never shorter.
      const gaps = got.slice(1).map((g, i) => g.at - got[i]!.at);
      for (const [i, s] of RETRY_SCHEDULE_S.slice(0, 3).entries()) expect(gaps[i]).toBeGreaterThanOrEqual(s * 1000 * SCALE - 2);
    } finally {
      await receiver.stop();
    }
  });

  it("no answer within the wait counts as a failure and is retried", async () => {
    // Its own simulator with a short wait, so the test does not sit out the 3 s one. A loaded machine
    // may let a real answer miss so short a wait too: then it is one more timeout, and a retry.
    const quick = await Sim.start({ timeScale: SCALE, notifyTimeoutMs: 300 });
    const receiver = await Receiver.start((_r, i) => (i === 0 ? "hang" : { status: 204 }));
    try {
      await quick.paidOrder("NOTIFY_HANG_001", receiver.url);
      const d = await eventually(async () => {
        const [x] = (await quick.control("GET", "/sim/notifications?out_trade_no=NOTIFY_HANG_001")).json.notifications as Delivery[];
        return x?.status === "delivered" ? x : undefined;
      });
      const outcomes = d.attempts.map((a) => [a.status, a.error ?? null]);
      expect(outcomes[0]).toEqual([null, "timeout"]);
      expect(outcomes.at(-1)).toEqual([204, null]);
      for (const o of outcomes.slice(1, -1)) expect(o).toEqual([null, "timeout"]);
    } finally {
      await receiver.stop();
      await quick.stop();
    }
  });

  it("gives up after the 15 retries of the schedule (about 24 h unscaled)", async () => {
    expect(RETRY_SCHEDULE_S).toEqual([15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600]);
    // 86 640 s in all; scaled by 0.000005 that is 0.43 s.
    const fast = await Sim.start({ timeScale: 0.000005 });
    const failing = await Receiver.start(() => ({ status: 503 }));
    try {
      await fast.paidOrder("NOTIFY_GIVEUP02", failing.url);
      const d = await eventually(async () => {
        const [x] = (await fast.control("GET", "/sim/notifications")).json.notifications as Delivery[];
        return x?.status === "failed" ? x : undefined;
      }, 10_000);
      expect(d.attempts).toHaveLength(16);
      expect(failing.received).toHaveLength(16);
    } finally {
      await fast.stop();
      await failing.stop();
    }
  });

  it("duplicate: the same notification arrives twice at nearly the same moment", async () => {
    const receiver = await Receiver.start(() => ({ status: 200 }));
    try {
      await sim.paidOrder("NOTIFY_DUP_0001", receiver.url, { duplicate: true });
      const got = await receiver.waitFor(2);
      expect(got[0]!.raw.equals(got[1]!.raw)).toBe(true);
      expect(Math.abs(got[0]!.at - got[1]!.at)).toBeLessThan(1000); // sent together, not on the retry schedule
      for (const g of got) expect(verifyWechatpaySignature(g.headers, g.raw, sim.trustedKeys()).ok).toBe(true);
      const d = await settled("NOTIFY_DUP_0001");
      expect(d.attempts.map((a) => a.kind).sort()).toEqual(["delivery", "duplicate"]);
    } finally {
      await receiver.stop();
    }
  });

  it("SIGNTEST: a probe with a WECHATPAY/SIGNTEST/ signature comes first; a verifying receiver rejects it", async () => {
    const receiver = await Receiver.start((r) =>
      verifyWechatpaySignature(r.headers, r.raw, sim.trustedKeys()).ok
        ? { status: 204 }
        : { status: 401, body: '{"code":"FAIL","message":"bad signature"}' },
    );
    try {
      await sim.paidOrder("NOTIFY_SIGNTEST1", receiver.url, { signtest: true });
      const got = await receiver.waitFor(2);
      expect(String(got[0]!.headers["wechatpay-signature"])).toMatch(/^WECHATPAY\/SIGNTEST\//);
      expect(got[0]!.raw.equals(got[1]!.raw)).toBe(true);
      const d = await settled("NOTIFY_SIGNTEST1");
      expect(d.signtestRejected).toBe(true);
      expect(d.attempts.map((a) => [a.kind, a.status])).toEqual([
        ["signtest", 401],
        ["delivery", 204],
      ]);
    } finally {
      await receiver.stop();
    }
  });

  it("SIGNTEST accepted by a receiver that does not verify is recorded as such", async () => {
    const receiver = await Receiver.start(() => ({ status: 200 }));
    try {
      await sim.paidOrder("NOTIFY_SIGNTEST2", receiver.url, { signtest: true });
      const d = await settled("NOTIFY_SIGNTEST2");
      expect(d.signtestRejected).toBe(false);
    } finally {
      await receiver.stop();
    }
  });

  it("drop: never delivered (the merchant must query), and listed as dropped", async () => {
    const receiver = await Receiver.start(() => ({ status: 200 }));
    try {
      await sim.paidOrder("NOTIFY_DROP_001", receiver.url, { drop: true });
      // Dropped is decided when the payment is made: listed at once, no attempt ever scheduled.
      const [d] = await deliveriesOf("NOTIFY_DROP_001");
      expect(d).toMatchObject({ status: "dropped", attempts: [] });
      expect(receiver.received).toHaveLength(0);
      expect((await sim.call("GET", `/v3/pay/transactions/out-trade-no/NOTIFY_DROP_001?mchid=${sim.keys.mchid}`)).json.trade_state).toBe(
        "SUCCESS",
      );
      expect((await sim.control("POST", "/sim/pay", { prepay_id: "x", notification: { loud: true } })).status).toBe(400);
    } finally {
      await receiver.stop();
    }
  });

  it("close() stops pending deliveries; a restart resumes them", async () => {
    const slow = await Sim.start({ timeScale: 0.05 }); // first retry after 750 ms
    let answers = 0;
    const receiver = await Receiver.start(() => (++answers === 1 ? { status: 500 } : { status: 204 }));
    try {
      await slow.paidOrder("NOTIFY_STOP_001", receiver.url);
      const first = await eventually(async () => {
        const [x] = (await slow.control("GET", "/sim/notifications")).json.notifications as Array<Delivery & { nextAttemptAt?: number }>;
        return x?.attempts.length === 1 && x.nextAttemptAt ? x : undefined;
      });
      await slow.stop();
      // Past the moment the retry was due: a timer close() had missed would have delivered by then.
      await eventually(async () => (Date.now() > first.nextAttemptAt! + 100 ? true : undefined));
      expect(receiver.received).toHaveLength(1);
      const again = await Sim.start({ timeScale: 0.05 }, slow.dataDir);
      try {
        await receiver.waitFor(2);
        const d = await eventually(async () => {
          const [x] = (await again.control("GET", "/sim/notifications")).json.notifications as Delivery[];
          return x?.status === "delivered" ? x : undefined;
        });
        expect(d.attempts.map((a) => a.status)).toEqual([500, 204]);
      } finally {
        await again.stop();
      }
    } finally {
      await receiver.stop();
    }
  });

  it("a notify_url off loopback is never contacted (recorded as not delivered)", async () => {
    const prepayId = await sim.prepay("NOTIFY_REMOTE01", {}, "https://merchant.example.com/api/payment/notify");
    await sim.control("POST", "/sim/pay", { prepay_id: prepayId });
    const d = await settled("NOTIFY_REMOTE01");
    expect(d.status).toBe("failed");
    expect(d.attempts[0]!.error).toMatch(/^not delivered/);
  });
});
