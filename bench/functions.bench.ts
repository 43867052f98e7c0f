// createOrder and payNotify through the local stack (built bundles, WeChat Pay simulator): latency
// p50 / p99 at concurrency 1, 16 and 64, and database requests per call counted at the stack. Then
// the same two in-process, counting sequential round trips (requests sent together count once;
// targets: createOrder ≤ 4, payNotify ≤ 3). Every booking is a new user who logged in first (as the
// app does at launch; login is not timed). payNotify gets one valid signed TRANSACTION.SUCCESS
// per PENDING order the createOrder runs made, so every delivery takes the PENDING → PAID path.
import { createPrivateKey, randomBytes } from "node:crypto";
import type { CreateOrderResult } from "../shared/contracts/api";
import { buildTestNotification, transactionResource, type TestKeySet } from "../shared/wechatpay/testing";
import { loadOrCreateDevKeys } from "../dev/keys";
import { launchStack, type LocalStack } from "../dev/launch";
import { bookableTrains, idCard, logIn, unwrap } from "./lib/booking";
import { inProcessTrips } from "./lib/in-process-trips";
import { closedLoop } from "./lib/load";
import { adminCounters, counterDiff } from "./lib/stack-stats";
import { percentile, verdict } from "./lib/stats";
import { printTable, type Cell } from "./lib/table";
import { runIfMain } from "./lib/standalone";

const LEVELS = (process.env.BENCH_LEVELS ?? "1,16,64").split(",").map(Number);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? "200");
const ROUND_TRIP_SAMPLES = 20;
/** Sequential round trips on the happy path (issue 8). */
const TARGETS = { createOrder: 4, payNotify: 3 } as const;
const FUNCTIONS = ["createOrder", "payNotify"] as const;
const SEAT_CLASS = "second"; // 300 seats a train: bookings spread over trains never sell out
const BOOKING_DAYS = 13; // tomorrow … +13: every train in the catalog still departs in the future

/** Books one passenger per call, each from a new, logged-in user, round-robin over trains; keeps the orders. */
function booker(stack: LocalStack, trains: string[]) {
  let n = 0;
  let loggedIn = 0;
  const orders: CreateOrderResult[] = [];
  return {
    orders,
    /** Logs in the users of the next `count` bookings. */
    async prepare(count: number): Promise<void> {
      const ids = Array.from({ length: Math.max(0, n + count - loggedIn) }, (_, k) => `o-bench-${loggedIn + k}`);
      await logIn(stack, ids);
      loggedIn += ids.length;
    },
    async book(): Promise<void> {
      const i = n++;
      const data = {
        trainId: trains[i % trains.length],
        seatClass: SEAT_CLASS,
        passengers: [{ name: "乘客甲", idCardNo: idCard(i) }],
        clientToken: `bench-${i}-${randomBytes(4).toString("hex")}`,
      };
      orders.push(
        unwrap<CreateOrderResult>("createOrder", await stack.call("createOrder", data, { openid: `o-bench-${i}`, appid: "wx-bench" })),
      );
    },
  };
}

/** Posts a valid, freshly signed TRANSACTION.SUCCESS for each order it is given; 204 expected. */
function notifier(stack: LocalStack) {
  const k = loadOrCreateDevKeys(stack.dataDir);
  const keys = { mchid: k.mchid, appid: k.appid, apiV3Key: k.apiV3Key } as TestKeySet;
  const signer = { serial: k.wxpayPublicKeyId, privateKey: createPrivateKey(k.wxpayPrivateKeyPem) };
  const url = `${stack.baseUrl}/api/payment/notify`;
  return {
    /** Built outside the timed section: signing is WeChat Pay's cost, not ours. */
    build(o: CreateOrderResult) {
      const amount = { total: o.amount, payer_total: o.amount, currency: "CNY", payer_currency: "CNY" };
      return buildTestNotification(keys, signer, {
        resource: transactionResource(keys, {
          out_trade_no: o.outTradeNo,
          transaction_id: `4200${Date.now()}${randomBytes(4).readUInt32BE()}`,
          amount,
        }),
      });
    },
    async post(n: { headers: Record<string, string>; body: string }): Promise<void> {
      const res = await fetch(url, { method: "POST", headers: { ...n.headers, "content-type": "application/json" }, body: n.body });
      const text = await res.text();
      if (res.status !== 204) throw new Error(`payNotify: HTTP ${res.status} ${text.slice(0, 300)}`);
    },
  };
}

interface Requests {
  mean: number;
  max: number;
  /** Actions of one typical call, e.g. "database.queryDocument×1". */
  actions: string;
}

/** Database requests of `samples` sequential calls, each measured alone on an otherwise idle stack. */
async function countRequests(stack: LocalStack, samples: number, call: (i: number) => Promise<void>): Promise<Requests> {
  const per: number[] = [];
  const totals: Record<string, number> = {};
  for (let i = 0; i < samples; i++) {
    const before = await adminCounters(stack);
    await call(i);
    const d = counterDiff(before, await adminCounters(stack));
    per.push(d.requests);
    for (const [a, c] of Object.entries(d.byAction)) totals[a] = (totals[a] ?? 0) + c;
  }
  const actions = Object.entries(totals)
    .map(([a, c]) => `${a.replace(/^database\./, "")}×${+(c / samples).toFixed(2)}`)
    .join(", ");
  return { mean: per.reduce((s, x) => s + x, 0) / samples, max: Math.max(...per), actions };
}

/** Warm-up at the level (grows the function pool to that concurrency), then REQUESTS timed calls. */
async function latencyRows(stack: LocalStack, name: string, op: (i: number) => Promise<void>): Promise<Cell[][]> {
  const rows: Cell[][] = [];
  let i = 0;
  for (const c of LEVELS) {
    await closedLoop(Math.max(20, 2 * c), c, () => op(i++));
    const before = await adminCounters(stack);
    const r = await closedLoop(REQUESTS, c, () => op(i++));
    // Requests under load: above the idle count means retries (e.g. lost compare-and-sets).
    const requests = counterDiff(before, await adminCounters(stack)).requests / REQUESTS;
    rows.push([
      name,
      c,
      REQUESTS,
      percentile(r.latenciesMs, 50),
      percentile(r.latenciesMs, 99),
      (REQUESTS * 1000) / r.elapsedMs,
      requests.toFixed(2),
    ]);
  }
  return rows;
}

/** Calls the latency runs will make, so the payNotify side can have one PENDING order for each. */
const callsPerFunction = () => LEVELS.reduce((s, c) => s + Math.max(20, 2 * c) + REQUESTS, 0);

export async function run(): Promise<void> {
  const stack = await launchStack({ env: { WXPAY_SIM_TIME_SCALE: "0.001" } });
  try {
    const trains = (await bookableTrains(stack, SEAT_CLASS, BOOKING_DAYS)).map((t) => t.trainId);
    const booking = booker(stack, trains);
    const notify = notifier(stack);
    await booking.prepare(2 * callsPerFunction() + 2 * ROUND_TRIP_SAMPLES);

    // Latency. createOrder's own orders (all PENDING) are what payNotify then pays.
    const rows = await latencyRows(stack, "createOrder", () => booking.book());
    const pending = [...booking.orders];
    const needed = callsPerFunction() + ROUND_TRIP_SAMPLES;
    while (pending.length < needed) {
      await booking.book();
      pending.push(booking.orders.at(-1)!);
    }
    const deliveries = pending.map((o) => notify.build(o));
    let next = 0;
    rows.push(...(await latencyRows(stack, "payNotify", () => notify.post(deliveries[next++]!))));

    // Requests, at concurrency 1, after the warm-up above (no first-call setup counted).
    const createRequests = await countRequests(stack, ROUND_TRIP_SAMPLES, () => booking.book());
    const notifyRequests = await countRequests(stack, ROUND_TRIP_SAMPLES, () => notify.post(deliveries[next++]!));
    const trips = await inProcessTrips(ROUND_TRIP_SAMPLES);

    console.log(`latency through the local stack (${trains.length} trains, ${REQUESTS} timed requests per level after a warm-up; ms)`);
    printTable(["function", "concurrency", "requests", "p50 ms", "p99 ms", "req/s", "db requests/call"], rows);
    console.log(`\ndatabase requests per call (POST /admin counted by the stack, ${ROUND_TRIP_SAMPLES} calls each at concurrency 1)`);
    printTable(
      ["function", "mean", "max", "actions per call"],
      [
        ["createOrder", createRequests.mean, createRequests.max, createRequests.actions],
        ["payNotify", notifyRequests.mean, notifyRequests.max, notifyRequests.actions],
      ],
      2,
    );
    console.log(
      `\nsequential database round trips per call (in-process, dev/round-trips.ts: requests sent together count once; max of ${ROUND_TRIP_SAMPLES} calls)`,
    );
    printTable(
      ["function", "requests", "round trips", "target", "verdict"],
      FUNCTIONS.map((f) => [f, trips[f].requests, trips[f].waves, `≤ ${TARGETS[f]}`, verdict(trips[f].waves <= TARGETS[f])]),
    );
    for (const f of FUNCTIONS) console.log(`${f}: ${trips[f].trace}`);
  } catch (e) {
    console.error(stack.stderr().split("\n").slice(-20).join("\n"));
    throw e;
  } finally {
    await stack.stop();
  }
}

runIfMain(import.meta.url, run);
