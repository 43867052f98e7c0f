// Database round trips on the happy path, counted in-process (dev/round-trips.ts): every request,
// and the sequential round trips ("waves") they form — requests sent together cost one. Issue 8's
// targets: createOrder ≤ 4, payNotify ≤ 3. The bench prints the same counts (bench/functions.bench.ts).
import { describe, expect, it } from "vitest";
import { RoundTripCounter } from "../../dev/round-trips";
import { applyNotification } from "../../shared/services/notify";
import { login } from "../../shared/services/users";
import { world, passengers, user } from "./harness";
import { LedgerGateway } from "./ledger-gateway";
import { book, captureLogs, orderDoc, prepayOf } from "./scenario";

captureLogs();

async function counted() {
  let counter: RoundTripCounter | undefined;
  const w = await world({ db: (mem) => (counter = new RoundTripCounter(mem)).db });
  return { w, counter: counter! };
}

describe("database round trips on the happy path", () => {
  it("createOrder (a logged-in user): 5 requests in 4 sequential round trips — the order's insert and the slot's take go together", async () => {
    const { w, counter } = await counted();
    await login(w.deps, user("rt"));
    counter.reset();
    await book(w, "rt", { input: { trainId: w.train._id, seatClass: "second", passengers: passengers(3), clientToken: "round-trips" } });
    expect(counter.trace).toEqual([["get trains"], ["insert orders", "update users"], ["update trains"], ["update orders"]]);
    expect({ requests: counter.requests, waves: counter.waves }).toEqual({ requests: 5, waves: 4 });
  });

  it("payNotify (a verified TRANSACTION.SUCCESS applied by the service): 3 requests in 3 sequential round trips", async () => {
    const { w, counter } = await counted();
    await login(w.deps, user("pn"));
    const order = await book(w, "pn");
    expect(w.wx.pay(prepayOf(w, order.orderId))).toBe(true);
    const n = w.wx.outbox.shift()!;
    counter.reset();
    expect((await applyNotification(w.deps, LedgerGateway.parsed(n, "rt-1"))).decision).toBe("APPLIED");
    expect(orderDoc(w, order.orderId).status).toBe("PAID");
    expect({ requests: counter.requests, waves: counter.waves }).toEqual({ requests: 3, waves: 3 });
  });
});
