// Random malformed input to every function: each answer is a listed error code, and nothing is
// written (payNotify records each delivery by design, and changes nothing else).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult, FunctionResult } from "../../shared/contracts/api";
import type { TestStack } from "../helpers/stack";
import { caller, database, ERROR_CODES, findTrain, newUser, ok, passengers, startPayStack, token } from "./helpers";

let stack: TestStack;
const user = newUser("fuzz");
beforeAll(async () => {
  stack = await startPayStack();
  const call = caller(stack, user);
  ok(await call("login", {}));
  const train = await findTrain(call, "G1");
  // One real order, so that a fuzzed request has something it could wrongly touch.
  ok(
    await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() }),
  ) as CreateOrderResult;
});
afterAll(async () => {
  await stack?.stop();
});

const COLLECTIONS = ["users", "trains", "orders", "refunds", "payment_events"];
async function snapshot(): Promise<string> {
  const db = database(stack);
  const parts = await Promise.all(COLLECTIONS.map(async (c) => JSON.stringify((await db.collection(c).limit(1000).get()).data)));
  return parts.join("\n");
}

const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.string({ minLength: 200, maxLength: 400 }),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.anything(), { maxKeys: 3 }),
);
/** What the function receives: the request after JSON (Infinity becomes null, undefined disappears). */
const onTheWire = (r: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
/** A trains filter value the function accepts (absent, null and "" mean "no filter"). */
const isAcceptableFilter = (v: unknown) =>
  v === null || (typeof v === "string" && (v.trim() === "" || (/^[\u4e00-\u9fa5A-Za-z]+$/.test(v.trim()) && v.trim().length <= 20)));
const badId = fc.oneof(junk, fc.stringMatching(/^\d{17}[0-9X]$/), fc.constant("11010519900307123X"));

/** Requests shaped like the real ones with at least one field broken. */
const requests: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  trains: fc
    .oneof(
      fc.record({ from: junk }),
      fc.record({ to: junk }),
      fc.record({ date: fc.oneof(fc.constant("2026-13-45x"), fc.constant("tomorrow"), fc.integer(), fc.constant(["2026-01-01"])) }),
    )
    .map(onTheWire)
    .filter((r) => !Object.values(r).every(isAcceptableFilter))
    .chain((search) =>
      fc.oneof(
        fc.constant(search),
        // An action other than "stations" (absent, null and "" mean a search).
        fc
          .record({ action: fc.oneof(junk, fc.constantFrom("list", "search", "Stations", "stations ")) })
          .map(onTheWire)
          .filter((r) => !(r.action === undefined || r.action === null || r.action === "" || r.action === "stations")),
      ),
    ),
  createOrder: fc.oneof(
    fc.record({
      trainId: junk,
      seatClass: fc.constantFrom("business", "first", "second"),
      passengers: fc.constant(passengers(1)),
      clientToken: fc.constant(token()),
    }),
    fc.record({
      trainId: fc.constant("G1-2026-01-01"),
      seatClass: junk,
      passengers: fc.constant(passengers(1)),
      clientToken: fc.constant(token()),
    }),
    fc.record({
      trainId: fc.constant("G1-2026-01-01"),
      seatClass: fc.constant("second"),
      passengers: fc.oneof(junk, fc.constant([]), fc.constant(passengers(6))),
      clientToken: fc.constant(token()),
    }),
    fc.record({
      trainId: fc.constant("G1-2026-01-01"),
      seatClass: fc.constant("second"),
      passengers: fc.array(fc.record({ name: fc.oneof(junk, fc.constant("张三")), idCardNo: badId }), { minLength: 1, maxLength: 5 }),
      clientToken: fc.constant(token()),
    }),
    fc.record({
      trainId: fc.constant("G1-2026-01-01"),
      seatClass: fc.constant("second"),
      passengers: fc.constant(passengers(1)),
      clientToken: fc.oneof(junk, fc.constant("short"), fc.constant("has space in it!")),
    }),
  ),
  refund: fc.oneof(
    fc.record({ orderId: junk, refundToken: fc.constant(token()) }),
    fc.record({
      orderId: fc.constant("0".repeat(24)),
      amount: fc.oneof(fc.constant(-1), fc.constant(0), fc.constant(1.5), fc.constant("100"), fc.constant(1e20)),
      refundToken: fc.constant(token()),
    }),
    fc.record({ orderId: fc.constant("0".repeat(24)), refundToken: junk }),
    fc.record({
      orderId: fc.constant("0".repeat(24)),
      reason: fc.string({ minLength: 81, maxLength: 120 }),
      refundToken: fc.constant(token()),
    }),
  ),
  orders: fc.oneof(
    fc.record({ action: junk }),
    fc.record({ action: fc.constantFrom("get", "sync", "mockPay"), orderId: junk }),
    fc.record({ action: fc.constant("delete"), orderId: fc.constant("0".repeat(24)) }),
  ),
};

describe("fuzz: malformed input to every function", () => {
  for (const [fn, arb] of Object.entries(requests)) {
    it(`${fn}: every malformed request gets a listed code and writes nothing`, async () => {
      const before = await snapshot();
      const call = caller(stack, user);
      await fc.assert(
        fc.asyncProperty(arb, async (data) => {
          const r = (await call(fn as "orders", data)) as FunctionResult<unknown>;
          expect(r.ok, JSON.stringify(data)).toBe(false);
          if (!r.ok) {
            expect(ERROR_CODES).toContain(r.error.code);
            expect(r.error.code).not.toBe("INTERNAL");
            expect(r.error.message).toMatch(/[\u4e00-\u9fa5]/); // Chinese, for users
            expect(r.error.message).not.toMatch(/at .*\.js|Error:|PRIVATE KEY/);
          }
        }),
        { numRuns: 40 },
      );
      expect(await snapshot()).toBe(before);
    });
  }

  it("login and every function: a body that is not an object is refused without a write", async () => {
    const before = await snapshot();
    for (const fn of ["login", "trains", "createOrder", "refund", "orders"]) {
      for (const body of ["[1,2]", '"text"', "42", "{not json"]) {
        const res = await stack.post(`/functions/${fn}`, body, { "content-type": "application/json", "x-wx-openid": user.openid });
        if (res.status === 200) {
          const result = (res.json as { result: FunctionResult<unknown> }).result;
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.code).toBe("INVALID_ARGUMENT");
        } else {
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        }
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it("payNotify: random bodies and headers are refused with 4xx, counted (never stored one by one), and change no order", async () => {
    const ordersBefore = JSON.stringify((await database(stack).collection("orders").limit(1000).get()).data);
    const eventsBefore = (await database(stack).collection("payment_events").count()).total;
    const countedBefore = await rejectionsCounted();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 300 }),
        fc.dictionary(
          fc.constantFrom("wechatpay-timestamp", "wechatpay-nonce", "wechatpay-serial", "wechatpay-signature", "x-other"),
          fc.string({ minLength: 1, maxLength: 40 }).filter((s) => /^[\x21-\x7e]+$/.test(s)),
        ),
        async (body, headers) => {
          const res = await stack.post("/api/payment/notify", body, { ...headers, "content-type": "application/json" });
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(res.json).toMatchObject({ code: "FAIL" });
        },
      ),
      { numRuns: 40 },
    );
    expect(JSON.stringify((await database(stack).collection("orders").limit(1000).get()).data)).toBe(ordersBefore);
    expect((await database(stack).collection("payment_events").count()).total).toBe(eventsBefore);
    expect((await rejectionsCounted()) - countedBefore).toBeGreaterThanOrEqual(40);
  });
});

async function rejectionsCounted(): Promise<number> {
  const days = (await database(stack).collection("notify_rejections").limit(100).get()).data as Array<{ total: number }>;
  return days.reduce((s, d) => s + d.total, 0);
}
describe("(end)", () => {
  it("counts are per day", async () => {
    const days = (await database(stack).collection("notify_rejections").limit(100).get()).data as Array<{
      _id: string;
      codes: Record<string, number>;
      total: number;
    }>;
    for (const d of days) {
      expect(d._id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Object.values(d.codes).reduce((a, b) => a + b, 0)).toBe(d.total);
    }
  });
});
