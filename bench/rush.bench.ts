// A rush on one train: bookings per second when every booking is on the same train and class (one
// hot train document, its seats chosen and held by compare-and-set) against bookings spread over
// every train of the next days, at concurrency 16 and 64, through the local stack (built bundles,
// WeChat Pay simulator). Printed: both rates, their ratio hot / spread (target ≥ 0.5), and the
// database requests per booking under load, counted by the stack (above 5 means retries: a seat someone else took
// first, chosen again). A hot run books 240 of a train's 300 second-class seats, so the last ones
// are contended as in a real rush. Every booking is a new logged-in user (login is not timed).
import { randomBytes } from "node:crypto";
import type { CreateOrderResult } from "../shared/contracts/api";
import { launchStack } from "../dev/launch";
import { bookableTrains, idCard, logIn, unwrap } from "./lib/booking";
import { closedLoop } from "./lib/load";
import { adminCounters, counterDiff } from "./lib/stack-stats";
import { median, percentile, verdict } from "./lib/stats";
import { printTable, type Cell } from "./lib/table";
import { runIfMain } from "./lib/standalone";

const LEVELS = (process.env.BENCH_RUSH_LEVELS ?? "16,64").split(",").map(Number);
const ROUNDS = Number(process.env.BENCH_RUSH_ROUNDS ?? "3");
const BOOKINGS = 240;
const SEAT_CLASS = "second";
const TARGET_RATIO = 0.5;

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
  trips: number;
}

export async function run(): Promise<void> {
  const stack = await launchStack({ env: { WXPAY_SIM_TIME_SCALE: "0.001" } });
  try {
    const trains = await bookableTrains(stack, SEAT_CLASS, 13);
    const free = (t: (typeof trains)[number]) => t.seats.find((s) => s.code === SEAT_CLASS)!.remaining;
    const hotPool = trains.filter((t) => free(t) >= BOOKINGS + 20).map((t) => t.trainId);
    const needHot = LEVELS.length * ROUNDS;
    if (hotPool.length < needHot + 1) throw new Error(`only ${hotPool.length} trains with ${BOOKINGS + 20} free seats`);
    const hot = hotPool.slice(0, needHot);
    const spread = trains.map((t) => t.trainId).filter((id) => !hot.includes(id));

    let user = 0;
    /** Logs in the users of the next `n` bookings, then books them (timed) on `trainOf(i)`. */
    const bookingRun = async (n: number, concurrency: number, trainOf: (i: number) => string): Promise<Measured> => {
      const first = user;
      user += n;
      await logIn(
        stack,
        Array.from({ length: n }, (_, k) => `o-rush-${first + k}`),
      );
      const before = await adminCounters(stack);
      const r = await closedLoop(n, concurrency, async (i) => {
        const u = first + i;
        const data = {
          trainId: trainOf(i),
          seatClass: SEAT_CLASS,
          passengers: [{ name: "乘客甲", idCardNo: idCard(u) }],
          clientToken: `rush-${u}-${randomBytes(4).toString("hex")}`,
        };
        unwrap<CreateOrderResult>("createOrder", await stack.call("createOrder", data, { openid: `o-rush-${u}`, appid: "wx-bench" }));
      });
      const trips = counterDiff(before, await adminCounters(stack)).requests / n;
      return { perSecond: (n * 1000) / r.elapsedMs, p50: percentile(r.latenciesMs, 50), p99: percentile(r.latenciesMs, 99), trips };
    };

    let spreadNext = 0;
    const spreadTrain = () => spread[spreadNext++ % spread.length]!;
    const rows: Cell[][] = [];
    const summary: Cell[][] = [];
    let h = 0;
    for (const c of LEVELS) {
      await bookingRun(Math.max(20, 2 * c), c, spreadTrain); // warm-up: grows the function pool
      const ratios: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which goes first, so drift in the machine's load falls on both.
        const hotTrain = hot[h++]!;
        const runHot = () => bookingRun(BOOKINGS, c, () => hotTrain);
        const runSpread = () => bookingRun(BOOKINGS, c, spreadTrain);
        const [a, b] = round % 2 === 0 ? [await runSpread(), await runHot()] : [await runHot(), await runSpread()];
        const [s, x] = round % 2 === 0 ? [a, b] : [b, a];
        ratios.push(x.perSecond / s.perSecond);
        rows.push([`c${c} round ${round + 1} spread`, s.perSecond, s.p50, s.p99, s.trips.toFixed(2)]);
        rows.push([`c${c} round ${round + 1} hot (${hotTrain})`, x.perSecond, x.p50, x.p99, x.trips.toFixed(2)]);
      }
      const ratio = median(ratios);
      summary.push([
        `concurrency ${c}`,
        ratio.toFixed(2),
        `≥ ${TARGET_RATIO}`,
        verdict(ratio >= TARGET_RATIO),
        ratios.map((r) => r.toFixed(2)).join(" "),
      ]);
    }

    console.log(
      `createOrder, ${BOOKINGS} bookings per run, one passenger each, ${SEAT_CLASS} class; spread over ${spread.length} trains vs one train (300 seats)`,
    );
    printTable(["run", "bookings/s", "p50 ms", "p99 ms", "db requests/booking"], rows);
    console.log(`\nhot / spread bookings per second (median of ${ROUNDS} rounds)`);
    printTable(["level", "ratio", "target", "verdict", "per round"], summary);
  } catch (e) {
    console.error(stack.stderr().split("\n").slice(-20).join("\n"));
    throw e;
  } finally {
    await stack.stop();
  }
}

runIfMain(import.meta.url, run);
