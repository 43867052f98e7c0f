// Model-based concurrency and crash test of the payment core. Each run is a random program of
// bookings (the same token twice included), payments at WeChat Pay, duplicate and late notification
// deliveries, syncs, cancels racing payments, 退票 of tickets racing each other (same ticket, same
// and different tokens), operators' amount refunds, expiry, sweeps, WeChat Pay faults (refused,
// 5xx/timeout before or after taking effect) and crashes before or after the k-th database write of
// an action — run concurrently under fast-check's scheduler, which picks the interleaving of every
// database and WeChat Pay call. Then everything in flight is delivered and swept, and the
// invariants against WeChat Pay's own state (the simulator's ledger) must hold, seats and tickets
// included.
// Replay a failure: MODEL_SEED=<seed> MODEL_PATH=<path> npx vitest run test/services/model.test.ts
import fc from "fast-check";
import { beforeAll, expect, it, vi } from "vitest";
import { AppError } from "../../shared/errors";
import { IllegalTransition } from "../../shared/orders/state-machine";
import { createOrder } from "../../shared/services/booking";
import type { PaymentDeps } from "../../shared/services/deps";
import { cancelOrder, syncOrder } from "../../shared/services/traveller-orders";
import { requestOperatorRefund, requestTicketRefund } from "../../shared/services/refund-request";
import { sweep } from "../../shared/services/sweeper";
import { login } from "../../shared/services/users";
import type { Database } from "../../shared/store/database";
import type { OrderDoc } from "../../shared/store/model";
import { createRepos } from "../../shared/store/repos";
import { crashAt, Crash, WrappedDatabase } from "./db-wrappers";
import { scheduledGateway } from "./gateway-wrappers";
import { passengers, user, world, type World } from "./harness";
import { drain, violations } from "./invariants";
import { LedgerGateway, type Endpoint, type Fault } from "./ledger-gateway";
import { applyNotification } from "../../shared/services/notify";

let notificationSeq = 0;

type Action =
  | { t: "book"; u: number; tok: number; twice: boolean; refuseFirst: boolean }
  | { t: "pay"; k: number }
  | { t: "deliver"; dup: boolean }
  | { t: "sync"; k: number }
  | { t: "refund"; k: number; tok: number; part: "quarter" | "half" | "rest"; race: "none" | "sameToken" | "otherToken" }
  | { t: "return"; k: number; tok: number; ticket: number; all: boolean }
  | { t: "cancel"; k: number }
  | { t: "settle"; k: number; status: "SUCCESS" | "CLOSED" | "ABNORMAL" }
  | { t: "time"; minutes: number }
  | { t: "sweep" }
  | { t: "fault"; endpoint: Endpoint; fault: Fault };

const ACTION: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("book" as const),
      u: fc.nat(1),
      tok: fc.nat(2),
      twice: fc.boolean(),
      refuseFirst: fc.constantFrom(false, false, false, false, true),
    }),
  },
  { weight: 6, arbitrary: fc.record({ t: fc.constant("pay" as const), k: fc.nat(5) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant("deliver" as const), dup: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("sync" as const), k: fc.nat(5) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("refund" as const),
      k: fc.nat(5),
      tok: fc.nat(1),
      part: fc.constantFrom("quarter" as const, "half" as const, "rest" as const),
      race: fc.constantFrom("none" as const, "sameToken" as const, "otherToken" as const),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({ t: fc.constant("return" as const), k: fc.nat(5), tok: fc.nat(2), ticket: fc.nat(1), all: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("cancel" as const), k: fc.nat(5) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("settle" as const),
      k: fc.nat(5),
      status: fc.constantFrom("SUCCESS" as const, "SUCCESS" as const, "SUCCESS" as const, "CLOSED" as const, "ABNORMAL" as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("time" as const), minutes: fc.constantFrom(1, 3, 3, 16) }) },
  { weight: 2, arbitrary: fc.constant({ t: "sweep" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("fault" as const),
      endpoint: fc.constantFrom<Endpoint>("prepay", "query", "close", "refund", "refund", "refund_query"),
      fault: fc.oneof(
        fc.record({
          kind: fc.constant("refuse" as const),
          code: fc.constantFrom("FREQUENCY_LIMITED", "NOT_ENOUGH", "PARAM_ERROR"),
          status: fc.constantFrom(400, 403, 429),
        }),
        fc.constant({ kind: "unknown" as const }),
        fc.constant({ kind: "lost" as const }),
      ),
    }),
  },
);

/** An action, maybe started together with the next ones, maybe (one step in four) crashing at its
 *  k-th write. (fc.option's freq is the odds of *no* crash: { freq: 10 } crashed nine steps in ten,
 *  which left too few bookings standing to reach tickets, refunds and their races.) */
const CRASH = fc.record({ k: fc.integer({ min: 1, max: 5 }), when: fc.constantFrom("before" as const, "after" as const) });
const STEP = fc.record({
  action: ACTION,
  concurrentWithNext: fc.boolean(),
  crash: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: CRASH }),
});

/** Errors an action may end with: typed refusals and injected crashes. Anything else is a bug. */
function expected(e: unknown): void {
  if (process.env.MODEL_DEBUG)
    process.stderr.write(`action error: ${(e as Error).name} ${(e as { code?: string }).code ?? ""} ${(e as Error).message}\n`);
  if (e instanceof AppError || e instanceof Crash) return;
  if (e instanceof IllegalTransition) throw e;
  throw e;
}

async function run(
  s: fc.Scheduler,
  steps: { action: Action; concurrentWithNext: boolean; crash: { k: number; when: "before" | "after" } | null }[],
): Promise<World> {
  const w = await world({ onlyTrain: true });
  const scheduledDb: Database = new WrappedDatabase(w.mem, (op, coll, go) => s.schedule(Promise.resolve(), `${op} ${coll}`).then(go));
  const gw = scheduledGateway(s, w.wx);
  const base: PaymentDeps = { ...w.deps, db: createRepos(scheduledDb), gateway: async () => gw };
  const travellers = [passengers(1), passengers(2), passengers(1), passengers(2), passengers(1), passengers(1)];
  // The app logs in at launch (it makes the user document the booking slot lives in).
  for (const u of [0, 1]) await login(w.deps, user(`u${u}`));
  const ordersNow = () =>
    (w.mem.all("orders") as unknown as OrderDoc[]).sort((a, b) => a.createdAt - b.createdAt || a._id.localeCompare(b._id));
  const pick = (k: number) => {
    const all = ordersNow();
    return all.length ? all[k % all.length] : undefined;
  };

  async function exec(a: Action, deps: PaymentDeps): Promise<void> {
    switch (a.t) {
      case "book": {
        // The same user and token always ask for the same thing (a retry, a double tap).
        const input = {
          trainId: w.train._id,
          seatClass: "business" as const,
          passengers: travellers[a.u * 3 + a.tok]!,
          clientToken: `tok${a.tok}`,
        };
        // refuseFirst: WeChat Pay refuses the first of them (a twin may still get its prepay).
        if (a.refuseFirst) w.wx.fail("prepay", { kind: "refuse", code: "PARAM_ERROR" });
        const once = () => createOrder(deps, input, user(`u${a.u}`)).then(() => undefined, expected);
        await Promise.all(a.twice ? [once(), once()] : [once()]);
        return;
      }
      case "pay": {
        // Whatever prepay WeChat Pay holds for the order: a payer may hold pay params for an order
        // we have given up on (adversarial on purpose: the invariants must hold all the same).
        const o = pick(a.k);
        const prepayId = o && w.wx.store.state.orders[o.outTradeNo]?.prepayId;
        if (prepayId) w.wx.pay(prepayId);
        return;
      }
      case "deliver": {
        // The oldest pending notification; with dup it stays pending (WeChat Pay sends it again,
        // maybe while this delivery is still being handled).
        const n = a.dup ? w.wx.outbox[0] : w.wx.outbox.shift();
        // Not acknowledged (a crash, an error): WeChat Pay sends it again later.
        const requeue = (e: unknown) => {
          if (n && !w.wx.outbox.includes(n)) w.wx.outbox.push(n);
          expected(e);
        };
        const once = () =>
          n ? applyNotification(deps, LedgerGateway.parsed(n, `m-${++notificationSeq}`)).then(() => undefined, requeue) : Promise.resolve();
        await Promise.all(a.dup ? [once(), once()] : [once()]);
        return;
      }
      case "sync": {
        const o = pick(a.k);
        if (o) await syncOrder(deps, o, { fn: "model" }, 1000);
        return;
      }
      case "refund": {
        const o = pick(a.k);
        if (!o) return;
        const amount = a.part === "quarter" ? Math.floor(o.amount / 4) : a.part === "half" ? Math.floor(o.amount / 2) : undefined;
        const once = (tok: string) =>
          requestOperatorRefund(deps, { orderId: o._id, refundToken: tok, ...(amount !== undefined ? { amount } : {}) }).then(
            () => undefined,
            expected,
          );
        // A refund racing itself (double tap) or another refund of the same order.
        const racing = a.race === "none" ? [] : [once(a.race === "sameToken" ? `r${a.tok}` : `r${a.tok}-other`)];
        await Promise.all([once(`r${a.tok}`), ...racing]);
        return;
      }
      case "return": {
        // 退票 at whatever time the program has reached (fee tiers move with the clock).
        const o = pick(a.k);
        if (!o) return;
        const ids = a.all ? o.tickets.map((t) => t.ticketId) : [o.tickets[a.ticket % o.tickets.length]!.ticketId];
        await requestTicketRefund(deps, { orderId: o._id, ticketIds: ids, refundToken: `t${a.tok}` }, { openid: o.openid, appid: "wx" });
        return;
      }
      case "cancel": {
        const o = pick(a.k);
        if (o) await cancelOrder(deps, o);
        return;
      }
      case "settle": {
        const open = Object.values(w.wx.store.state.refunds).filter((r) => r.status === "PROCESSING");
        const r = open[a.k % Math.max(open.length, 1)];
        if (r) w.wx.settleRefund(r.outRefundNo, a.status);
        return;
      }
      case "time":
        w.clock.advance(a.minutes * 60_000);
        return;
      case "sweep":
        await sweep(deps);
        return;
      case "fault":
        w.wx.fail(a.endpoint, a.fault);
        return;
    }
  }

  // Prologue: two paid orders, so that most programs are about what happens to paid money.
  for (const u of [0, 1]) {
    await s.waitFor(exec({ t: "book", u, tok: 2, twice: false, refuseFirst: false }, base));
    await s.waitFor(exec({ t: "pay", k: u }, base));
  }
  let group: Promise<void>[] = [];
  for (const step of steps) {
    const deps = step.crash ? { ...base, db: createRepos(crashAt(scheduledDb, step.crash.k, step.crash.when)) } : base;
    group.push(exec(step.action, deps).catch(expected));
    if (!step.concurrentWithNext) {
      await s.waitFor(Promise.all(group));
      group = [];
    }
  }
  await s.waitFor(Promise.all(group));
  // Everything in flight is delivered, settled and swept, without faults or crashes.
  w.wx.clearFaults();
  await drain(w, 6);
  return w;
}

// Thousands of decisions per run: the structured log goes nowhere here.
beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "error").mockImplementation(() => undefined);
});

/** How often the runs reached the states that matter (printed, so a weak generator shows). */
const reached: Record<string, number> = {};
function tally(w: World): void {
  const orders = w.mem.all("orders") as unknown as OrderDoc[];
  const refunds = w.mem.all("refunds") as unknown as { automatic: boolean; status: string; orderId: string; failure?: string }[];
  const mark = (k: string, yes: boolean) => void (reached[k] = (reached[k] ?? 0) + (yes ? 1 : 0));
  mark(
    "booked",
    orders.some((o) => o.prepayId),
  );
  mark(
    "paid",
    orders.some((o) => o.transactionId),
  );
  mark(
    "refunded",
    refunds.some((r) => r.status === "SUCCESS"),
  );
  mark(
    "ticket returned",
    orders.some((o) => o.tickets.some((t) => t.status === "REFUNDED")),
  );
  mark(
    "ticket return refused (racing)",
    refunds.some((r) => r.failure === "TICKET_STATE"),
  );
  mark(
    "cancelled",
    orders.some((o) => o.timeline.some((t) => t.note === "用户取消订单")),
  );
  mark(
    "REFUNDED by tickets",
    orders.some((o) => o.status === "REFUNDED" && o.refundedAmount < o.amount),
  );
  mark(
    "two refunds on one order",
    orders.some((o) => Object.keys(o.refundCredits).length >= 2),
  );
  mark(
    "paid after closing",
    orders.some((o) => o.status === "CLOSED" && o.transactionId),
  );
  mark(
    "refund refused",
    refunds.some((r) => r.status === "FAILED"),
  );
  mark(
    "sold out",
    (w.mem.all("trains") as unknown as World["train"][]).some((t) => t._id === w.train._id && t.seats.business.remaining === 0),
  );
}

const replay = process.env.MODEL_SEED ? { seed: Number(process.env.MODEL_SEED), path: process.env.MODEL_PATH, endOnFailure: true } : {};

it("random concurrent programs with faults and crashes keep money and seats consistent with WeChat Pay", async () => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), fc.array(STEP, { minLength: 8, maxLength: 40 }), async (s, steps) => {
      runs++;
      const w = await run(s, steps);
      tally(w);
      expect(violations(w, true)).toEqual([]);
    }),
    { numRuns: Number(process.env.MODEL_RUNS ?? 300), ...replay },
  );
  if (process.env.MODEL_STATS) process.stderr.write(`model: ${runs} runs; reached ${JSON.stringify(reached)}\n`);
  if (!process.env.MODEL_SEED) expect(runs).toBeGreaterThanOrEqual(Number(process.env.MODEL_RUNS ?? 300));
}, 600_000);
