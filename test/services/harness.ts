// Services in-process: the local stack's database engine (MemoryDatabase), a fake clock, and the
// WeChat Pay simulator's ledger as the gateway. No HTTP, no wall-clock waits.
import { prng } from "./interleave";
import { MemoryDatabase } from "../../dev/stack/db/memory-database";
import { catalogFor, type TrainDoc } from "../../shared/catalog/catalog";
import { seedTrains } from "../../shared/catalog/seed";
import type { PassengerInput } from "../../shared/contracts/api";
import { idCardCheckChar } from "../../shared/orders/idcard";
import type { PaymentDeps } from "../../shared/services/deps";
import type { Database } from "../../shared/store/database";
import { createRepos } from "../../shared/store/repos";
import { DATABASE } from "../../shared/store/schema";
import { LedgerGateway, MERCHANT } from "./ledger-gateway";

export class FakeClock {
  constructor(public t: number) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface World {
  mem: MemoryDatabase;
  clock: FakeClock;
  wx: LedgerGateway;
  deps: PaymentDeps;
  /** A train departing in a day or two (or `daysAhead` days), with its seat counts. */
  train: TrainDoc;
}

/** 2026-12-02 09:00 China time: trains of the next days are on sale. */
export const T0 = Date.parse("2026-12-02T09:00:00+08:00");

export async function world(
  opts: { db?: (mem: MemoryDatabase) => Database; trainNo?: string; seed?: number; daysAhead?: number; onlyTrain?: boolean } = {},
): Promise<World> {
  // As strict as CloudBase: declared collections only, every query served by a declared index.
  const mem = new MemoryDatabase({ declaration: DATABASE });
  const clock = new FakeClock(T0);
  const wx = new LedgerGateway(clock.now);
  const db = opts.db ? opts.db(mem) : mem;
  const repos = createRepos(db);
  const ahead = opts.daysAhead ?? 1;
  const trainNo = opts.trainNo ?? "G1";
  const train = catalogFor(T0, ahead + 2).find((t) => t.trainNo === trainNo && t.departAt > T0 + ahead * 86400_000);
  if (!train) throw new Error(`no ${trainNo}`);
  // The whole catalog of the days needed, or (many short runs) just the one train.
  if (opts.onlyTrain) await createRepos(mem).trains.insert(train);
  else await seedTrains(createRepos(mem), T0, ahead + 2);
  const deps: PaymentDeps = {
    db: repos,
    now: clock.now,
    random: prng(opts.seed ?? 1), // seat choices repeat from run to run
    mode: "wechatpay",
    merchant: MERCHANT,
    gateway: async () => wx,
    orderTtlMinutes: 15,
  };
  return { mem, clock, wx, deps, train };
}

let seq = 100;
export function idCard(): string {
  const first17 = `110105${1970 + (seq % 40)}0${1 + (seq % 9)}1${seq % 10}${String(seq++ % 1000).padStart(3, "0")}`;
  return first17 + idCardCheckChar(first17);
}
export const passengers = (n: number): PassengerInput[] =>
  Array.from({ length: n }, (_, i) => ({ name: `乘客${"甲乙丙丁戊己庚辛"[i]}`, idCardNo: idCard() }));
export const user = (tag: string) => ({ openid: `o-${tag}`, appid: MERCHANT.appid });
