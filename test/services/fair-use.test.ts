// Fair use in-process: one unpaid order per user, one live ticket per ID number per train, a few
// bookings a minute; and createOrder's database round trips on the happy path.
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { PassengerInput } from "../../shared/contracts/api";
import { AppError } from "../../shared/errors";
import { createOrder } from "../../shared/services/booking";
import { BOOKINGS_PER_MINUTE } from "../../shared/services/fair-use";
import { cancelOrder, syncOrder } from "../../shared/services/traveller-orders";
import { login } from "../../shared/services/users";
import type { OrderDoc } from "../../shared/store/model";
import { passengers, user, world, type World } from "./harness";
import { deliverAll, violations } from "./invariants";

const orderOf = (w: World, id: string) => (w.mem.all("orders") as unknown as OrderDoc[]).find((o) => o._id === id)!;
const bookAs = (w: World, tag: string, token: string, people: PassengerInput[] = passengers(1), trainId = w.train._id) =>
  createOrder(w.deps, { trainId, seatClass: "second", passengers: people, clientToken: token }, user(tag));
const errorOf = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof AppError)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
};

beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "error").mockImplementation(() => undefined);
});

describe("one unpaid order per user", () => {
  it("a second booking answers ORDER_STATE with the pending order, writes nothing that stays, and is allowed once that order is paid or cancelled", async () => {
    const w = await world();
    await login(w.deps, user("u"));
    const people = passengers(1);
    const first = await bookAs(w, "u", "first-token", people);
    const e = await errorOf(bookAs(w, "u", "second-token"));
    expect(e.code).toBe("ORDER_STATE");
    expect(e.data).toEqual({ pendingOrderId: first.orderId });
    expect((w.mem.all("orders") as unknown as OrderDoc[]).map((o) => o._id)).toEqual([first.orderId]);
    // The same booking again (a retry with its token) is not refused.
    expect((await bookAs(w, "u", "first-token", people)).orderId).toBe(first.orderId);

    await cancelOrder(w.deps, orderOf(w, first.orderId));
    const second = await bookAs(w, "u", "third-token");
    // Paid and seen by sync (the pay page calls it): free at once.
    expect(w.wx.pay(orderOf(w, second.orderId).prepayId!)).toBe(true);
    await syncOrder(w.deps, orderOf(w, second.orderId));
    await bookAs(w, "u", "fourth-token");
    expect(violations(w, false)).toEqual([]);
  });

  it("an order paid without the user's sync (notification only) frees the slot too: the next booking reads it", async () => {
    const w = await world();
    await login(w.deps, user("n"));
    const o = await bookAs(w, "n", "paid-by-notification");
    w.wx.pay(orderOf(w, o.orderId).prepayId!);
    await deliverAll(w);
    expect(orderOf(w, o.orderId).status).toBe("PAID");
    await bookAs(w, "n", "next-one");
  });

  it("an expired unpaid order no longer blocks", async () => {
    const w = await world();
    await bookAs(w, "x", "will-expire");
    w.clock.advance(16 * 60_000);
    await bookAs(w, "x", "after-expiry");
  });

  it("two bookings of one user with different tokens at once: one order stays payable", async () => {
    const w = await world();
    await login(w.deps, user("twice"));
    const r = await Promise.allSettled([bookAs(w, "twice", "tap-a"), bookAs(w, "twice", "tap-b")]);
    expect(r.filter((x) => x.status === "fulfilled")).toHaveLength(1);
    expect((w.mem.all("orders") as unknown as OrderDoc[]).filter((o) => o.status === "PENDING")).toHaveLength(1);
    expect(violations(w, false)).toEqual([]);
  });
});

describe("one live ticket per ID number per train", () => {
  it("another order for the same passenger on the same train is CONFLICT; on another train, or once the first is cancelled, it is fine", async () => {
    const w = await world();
    const same = passengers(1);
    const a = await bookAs(w, "p1", "pa", same);
    const e = await errorOf(bookAs(w, "p2", "pb", same));
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toContain(same[0]!.name);
    const other = (w.mem.all("trains") as unknown as World["train"][]).find(
      (t) => t._id !== w.train._id && t.departAt > w.clock.now() + 3600_000,
    )!;
    await bookAs(w, "p3", "pc", same, other._id);
    await cancelOrder(w.deps, orderOf(w, a.orderId));
    await bookAs(w, "p4", "pd", same);
    expect(violations(w, false)).toEqual([]);
  });
});

describe("bookings per minute", () => {
  it(`after ${BOOKINGS_PER_MINUTE} bookings in a minute the next is RATE_LIMITED with when to retry; the next minute it works`, async () => {
    const w = await world();
    await login(w.deps, user("r"));
    w.clock.t = Math.floor(w.clock.t / 60_000) * 60_000 + 15_000; // 15 s into a minute
    for (let i = 0; i < BOOKINGS_PER_MINUTE; i++) {
      const o = await bookAs(w, "r", `rate-${i}`);
      await cancelOrder(w.deps, orderOf(w, o.orderId));
    }
    const before = (w.mem.all("orders") as unknown[]).length;
    const e = await errorOf(bookAs(w, "r", "rate-over"));
    expect(e.code).toBe("RATE_LIMITED");
    expect(e.data).toEqual({ retryAfterSeconds: 45 });
    expect((w.mem.all("orders") as unknown[]).length).toBe(before);
    w.clock.advance(45_000);
    await bookAs(w, "r", "rate-next-minute");
  });
});

describe("database round trips", () => {
  it("createOrder takes 5 on the happy path (a logged-in user): train, order, slot, seats, prepay", async () => {
    const w = await world();
    await login(w.deps, user("rt"));
    const before = w.mem.ops.length;
    await bookAs(w, "rt", "round-trips", passengers(3));
    expect(w.mem.ops.slice(before).map((o) => `${o.op} ${o.coll}`)).toEqual([
      "get trains",
      "insert orders",
      "update users",
      "update trains",
      "update orders",
    ]);
  });
});
