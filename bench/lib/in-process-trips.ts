// Sequential database round trips of createOrder and of the service payNotify applies a verified
// notification with, in-process: the services over the stack's own database engine
// (MemoryDatabase, declared collections and indexes) behind dev/round-trips.ts, the offline mock
// gateway and the real clock. Requests sent together count as one round trip; nothing is timed, so
// the counts do not move with the machine's load.
import { RoundTripCounter } from "../../dev/round-trips";
import { MemoryDatabase } from "../../dev/stack/db/memory-database";
import type { TrainDoc } from "../../shared/catalog/catalog";
import { seedTrains } from "../../shared/catalog/seed";
import { createOrder } from "../../shared/services/booking";
import type { PaymentDeps } from "../../shared/services/deps";
import { applyNotification } from "../../shared/services/notify";
import { login } from "../../shared/services/users";
import { createRepos } from "../../shared/store/repos";
import { DATABASE } from "../../shared/store/schema";
import { createMockGateway } from "../../shared/wechatpay/gateway-mock";
import { idCard } from "./booking";

export interface Trips {
  /** Database requests of one call. */
  requests: number;
  /** Sequential round trips of that call. */
  waves: number;
  /** The waves of the last call, e.g. "get trains | insert orders + update users | …". */
  trace: string;
}

const MERCHANT = { mchid: "1900000109", appid: "wx-bench" };

/** `samples` bookings, each by a new logged-in user, then each one's TRANSACTION.SUCCESS applied:
 *  the largest counts seen per call. */
export async function inProcessTrips(samples: number): Promise<{ createOrder: Trips; payNotify: Trips }> {
  const mem = new MemoryDatabase({ declaration: DATABASE });
  const counter = new RoundTripCounter(mem);
  await seedTrains(createRepos(mem), Date.now(), 3);
  const trains = (mem.all("trains") as unknown as TrainDoc[]).filter((t) => t.departAt > Date.now() + 86400_000);
  const gateway = createMockGateway({ mode: "mock", ...MERCHANT, baseUrl: "http://127.0.0.1:9" });
  const deps: PaymentDeps = {
    db: createRepos(counter.db),
    now: Date.now,
    mode: "mock",
    merchant: MERCHANT,
    gateway: async () => gateway,
    orderTtlMinutes: 15,
  };
  // The services log one line per decision: not the bench's output.
  const log = console.log;
  console.log = () => undefined;
  try {
    return await sample(samples, counter, deps, trains);
  } finally {
    console.log = log;
  }
}

async function sample(
  samples: number,
  counter: RoundTripCounter,
  deps: PaymentDeps,
  trains: TrainDoc[],
): Promise<{ createOrder: Trips; payNotify: Trips }> {
  const most = { createOrder: { requests: 0, waves: 0, trace: "" }, payNotify: { requests: 0, waves: 0, trace: "" } };
  const measure = async (which: keyof typeof most, call: () => Promise<unknown>) => {
    counter.reset();
    await call();
    const m = most[which];
    m.requests = Math.max(m.requests, counter.requests);
    m.waves = Math.max(m.waves, counter.waves);
    m.trace = counter.trace.map((w) => w.join(" + ")).join(" | ");
  };
  for (let i = 0; i < samples; i++) {
    const caller = { openid: `o-trips-${i}`, appid: MERCHANT.appid };
    await login(deps, caller);
    const train = trains[i % trains.length]!;
    let booked: Awaited<ReturnType<typeof createOrder>> | undefined;
    await measure("createOrder", async () => {
      booked = await createOrder(
        deps,
        { trainId: train._id, seatClass: "second", passengers: [{ name: "乘客甲", idCardNo: idCard(i) }], clientToken: `trips-${i}` },
        caller,
      );
    });
    const o = booked!;
    await measure("payNotify", async () => {
      const r = await applyNotification(deps, {
        id: `trips-${i}`,
        createTime: new Date().toISOString(),
        summary: "支付成功",
        serial: "in-process",
        eventType: "TRANSACTION.SUCCESS",
        transaction: {
          ...MERCHANT,
          outTradeNo: o.outTradeNo,
          transactionId: `4200000000${String(i).padStart(18, "0")}`,
          tradeState: "SUCCESS",
          successTime: new Date().toISOString(),
          amount: { total: o.amount, payerTotal: o.amount, currency: "CNY", payerCurrency: "CNY" },
        },
      });
      if (r.decision !== "APPLIED") throw new Error(`payNotify in-process: ${r.decision} ${r.detail ?? ""}`);
    });
  }
  return most;
}
