// Fair use in-process: one unpaid order per user, one live ticket per ID number per train, a few
// bookings a minute; the slot taken beside the order's insert (a booking in flight, a booking that
// died between the two writes, a reused token). Round trips: round-trips.test.ts.
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { PassengerInput } from "../../shared/contracts/api";
import { AppError } from "../../shared/errors";
import { createOrder } from "../../shared/services/booking";
import { BOOKINGS_PER_MINUTE, SLOT_IN_FLIGHT_MS } from "../../shared/services/fair-use";
import { cancelOrder, syncOrder } from "../../shared/services/traveller-orders";
import { login } from "../../shared/services/users";
import { orderIdFor } from "../../shared/orders/ids";
import type { PaymentDeps } from "../../shared/services/deps";
import type { OrderDoc, UserDoc } from "../../shared/store/model";
import { createRepos } from "../../shared/store/repos";
import { Crash, crashAt, gate, WrappedDatabase } from "./db-wrappers";
import { passengers, user, world, type World } from "./harness";
import { deliverAll, violations } from "./invariants";
import { remaining } from "./scenario";

const orderOf = (w: World, id: string) => (w.mem.all("orders") as unknown as OrderDoc[]).find((o) => o._id === id)!;
const bookAs = (w: World, tag: string, token: string, people: PassengerInput[] = passengers(1), trainId = w.train._id) =>
  createOrder(w.deps, { trainId, seatClass: "second", passengers: people, clientToken: token }, user(tag));
/** What `p` was rejected with (fails the test if it was fulfilled). */
const thrown = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (x: unknown) => x,
  );
const errorOf = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await thrown(p);
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

describe("the slot taken beside the order's insert", () => {
  const userDoc = (w: World, tag: string) => (w.mem.all("users") as unknown as UserDoc[]).find((u) => u._id === user(tag).openid)!;
  const bookWith = (deps: PaymentDeps, w: World, tag: string, token: string, people: PassengerInput[] = passengers(1)) =>
    createOrder(deps, { trainId: w.train._id, seatClass: "second", passengers: people, clientToken: token }, user(tag));
  const isInsert = (op: string, coll: string) => op === "insert" && coll === "orders";
  /** One turn of the event loop: every database operation already started has been applied. */
  const settled = () => new Promise<void>((r) => setImmediate(r));

  it("a second booking that reads the slot while the first one's order is still being inserted gets CONFLICT and changes nothing; the first goes through", async () => {
    const w = await world();
    await login(w.deps, user("race"));
    const held = gate(w.mem, isInsert);
    const first = bookWith({ ...w.deps, db: createRepos(held.db) }, w, "race", "first");
    await held.reached;
    await settled();
    const orderId = orderIdFor(user("race").openid, "first");
    expect(userDoc(w, "race")).toMatchObject({ pendingOrderId: orderId, pendingSince: w.clock.now() });
    expect(w.mem.all("orders")).toEqual([]);

    w.clock.advance(1_000);
    const slotBefore = structuredClone(userDoc(w, "race"));
    const seatsBefore = remaining(w);
    const e = await errorOf(bookAs(w, "race", "second"));
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toBe("上一笔预订正在处理，请稍后重试");
    expect(e.data).toBeUndefined();
    expect(userDoc(w, "race")).toEqual(slotBefore);
    expect(w.mem.all("orders")).toEqual([]);
    expect(remaining(w)).toBe(seatsBefore);

    held.open();
    expect((await first).orderId).toBe(orderId);
    expect(orderOf(w, orderId)).toMatchObject({ status: "PENDING", prepayId: expect.any(String) });
    expect(violations(w, false)).toEqual([]);
  });

  it(`a slot whose order never reached the database (the call died between) is a booking in flight for ${SLOT_IN_FLIGHT_MS / 1000} s, then free; the same token resumes it at once`, async () => {
    const w = await world();
    for (const tag of ["died", "retried"]) await login(w.deps, user(tag));
    // The insert is lost on its way; the slot's take lands; then the process is gone.
    let dead = false;
    const dying = new WrappedDatabase(w.mem, async (op, coll, run) => {
      if (dead || isInsert(op, coll)) throw new Crash(1, "before");
      const r = await run();
      if (op === "update" && coll === "users") dead = true;
      return r;
    });
    const tookAt = w.clock.now();
    for (const tag of ["died", "retried"]) {
      expect(await thrown(bookWith({ ...w.deps, db: createRepos(dying) }, w, tag, "lost"))).toBeInstanceOf(Crash);
      dead = false;
      expect(userDoc(w, tag)).toMatchObject({ pendingOrderId: orderIdFor(user(tag).openid, "lost"), pendingSince: tookAt });
    }
    expect(w.mem.all("orders")).toEqual([]);

    // The page keeps the token when it got no answer: the retry takes over its own slot.
    w.clock.advance(1_000);
    const resumed = await bookAs(w, "retried", "lost");
    expect(orderOf(w, resumed.orderId).status).toBe("PENDING");

    // Another booking: in flight until SLOT_IN_FLIGHT_MS after the take, free from then on.
    const slotBefore = structuredClone(userDoc(w, "died"));
    w.clock.t = tookAt + SLOT_IN_FLIGHT_MS - 1;
    expect((await errorOf(bookAs(w, "died", "next"))).code).toBe("CONFLICT");
    expect(userDoc(w, "died")).toEqual(slotBefore);
    w.clock.t = tookAt + SLOT_IN_FLIGHT_MS;
    const next = await bookAs(w, "died", "next");
    expect(userDoc(w, "died")).toMatchObject({ pendingOrderId: next.orderId, pendingSince: w.clock.now() });
    expect(violations(w, false)).toEqual([]);
  });

  it("a slot stored before pendingSince was kept, naming a missing order, is free as before", async () => {
    const w = await world();
    await login(w.deps, user("old"));
    await createRepos(w.mem).users.update(
      { _id: user("old").openid },
      { $set: { pendingOrderId: "gone", pendingUntil: w.clock.now() + 600_000 } },
    );
    await bookAs(w, "old", "fresh");
  });

  it("a reused token with other content (CONFLICT) keeps a slot it found held for that order, and changes nothing", async () => {
    const w = await world();
    await login(w.deps, user("had"));
    const first = await bookAs(w, "had", "token");
    const before = structuredClone(userDoc(w, "had"));
    expect((await errorOf(bookAs(w, "had", "token"))).code).toBe("CONFLICT");
    expect(userDoc(w, "had")).toEqual(before);
    expect((await errorOf(bookAs(w, "had", "other"))).data).toEqual({ pendingOrderId: first.orderId });
  });

  it("a reused token with other content, for an order no longer unpaid: the slot it took is given back with its count (nothing changed)", async () => {
    const w = await world();
    await login(w.deps, user("took"));
    const first = await bookAs(w, "took", "token");
    await cancelOrder(w.deps, orderOf(w, first.orderId));
    const before = structuredClone(userDoc(w, "took"));
    expect(before.pendingOrderId).toBeUndefined();
    expect((await errorOf(bookAs(w, "took", "token"))).code).toBe("CONFLICT");
    expect(userDoc(w, "took")).toEqual(before);
  });

  it("twin calls with one token and different content: the one refused (CONFLICT) never frees the slot the other's order holds", async () => {
    const w = await world();
    await login(w.deps, user("twins"));
    // B takes the slot first, its insert held; A then finds the slot its own (same order id), inserts, goes through.
    const held = gate(w.mem, isInsert);
    const b = errorOf(bookWith({ ...w.deps, db: createRepos(held.db) }, w, "twins", "same"));
    await held.reached;
    await settled();
    const a = await bookAs(w, "twins", "same");
    held.open();
    expect((await b).code).toBe("CONFLICT");
    expect(userDoc(w, "twins").pendingOrderId).toBe(a.orderId);
    expect((await errorOf(bookAs(w, "twins", "another"))).data).toEqual({ pendingOrderId: a.orderId });
    expect(violations(w, false)).toEqual([]);
  });

  it("twin calls with one token: the one whose insert fails never frees the slot the other's order holds (one payable order)", async () => {
    const w = await world();
    await login(w.deps, user("lost-twin"));
    // B takes the slot first, its insert held and then refused (a 5xx); A finds the slot its own
    // (same order id), inserts and goes through; then B's insert fails.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let reach!: () => void;
    const reached = new Promise<void>((r) => (reach = r));
    const failing = new WrappedDatabase(w.mem, async (op, coll, run) => {
      if (!isInsert(op, coll)) return run();
      reach();
      await released;
      throw new Error("insert refused (5xx)");
    });
    const b = thrown(bookWith({ ...w.deps, db: createRepos(failing) }, w, "lost-twin", "same"));
    await reached;
    await settled();
    const a = await bookAs(w, "lost-twin", "same");
    release();
    await b;
    expect(userDoc(w, "lost-twin").pendingOrderId).toBe(a.orderId);
    expect((await errorOf(bookAs(w, "lost-twin", "another"))).data).toEqual({ pendingOrderId: a.orderId });
    expect(violations(w, false)).toEqual([]);
  });

  it("a retry that resumes an order written earlier (the slot never taken) holds the slot until that order's expiry, not the retry's", async () => {
    const w = await world();
    await login(w.deps, user("resume"));
    const people = passengers(1);
    // Dies right after the order's insert: the slot's take, sent beside it, never lands.
    expect(await thrown(bookWith({ ...w.deps, db: createRepos(crashAt(w.mem, 1, "after")) }, w, "resume", "tok", people))).toBeInstanceOf(
      Crash,
    );
    const orderId = orderIdFor(user("resume").openid, "tok");
    expect(orderOf(w, orderId).prepayId).toBeUndefined();
    expect(userDoc(w, "resume").pendingOrderId).toBeUndefined();
    w.clock.advance(5 * 60_000);
    await bookAs(w, "resume", "tok", people);
    expect(userDoc(w, "resume")).toMatchObject({ pendingOrderId: orderId, pendingUntil: orderOf(w, orderId).expiresAt });
  });
});
