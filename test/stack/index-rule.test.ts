// The "served by an index" rule (docs/database.md) on the query shapes the code makes, and the
// declaration serving every one of them.
import { describe, expect, it } from "vitest";
import { queryShape, servingIndex, type IndexKey } from "../../dev/stack/db/index-rule";
import { DATABASE, declaredIndexes } from "../../shared/store/schema";

const indexesOf = (name: string) => {
  const c = DATABASE.find((d) => d.name === name);
  if (!c) throw new Error(`${name} is not declared`);
  return declaredIndexes(c);
};
const served = (coll: string, filter: Record<string, unknown>, sort: IndexKey[] = []) =>
  servingIndex(indexesOf(coll), queryShape(filter), sort);
/** `_.and(_.gte(a), _.lt(b))` on a field, as the SDK sends it. */
const between = (field: string) => ({ $and: [{ [field]: { $gte: 1 } }, { [field]: { $lt: 2 } }] });

describe("queryShape", () => {
  it("classifies equality, $in, ranges (also the SDK's top-level $and) and other operators", () => {
    expect(queryShape({ a: 1, b: { $in: [1] }, c: { $lte: 3 }, d: { $exists: true }, e: { $ne: 1 }, ...between("f") })).toEqual({
      equality: ["a", "b"],
      range: ["c", "f"],
      other: ["d", "e"],
      unservable: [],
      idPinned: false,
    });
    expect(queryShape({ $or: [{ a: 1 }] }).unservable).toEqual(["$or"]);
    // Values as EJSON parses them: a date is a value, a regular expression a pattern match.
    expect(queryShape({ at: new Date(0), name: /^a/, sub: { x: 1 } })).toMatchObject({ equality: ["at", "sub"], other: ["name"] });
    expect(queryShape({ _id: "x", status: "PENDING" }).idPinned).toBe(true);
  });
});

describe("every query the code makes is served by the declaration", () => {
  const cases: [string, string, Record<string, unknown>, IndexKey[]][] = [
    ["trains search (date)", "trains", { date: "d", departAt: { $gt: 1 } }, [["departAt", 1]]],
    ["trains search (date, from, to)", "trains", { date: "d", from: "a", to: "b", departAt: { $gt: 1 } }, [["departAt", 1]]],
    ["trains search (date, from)", "trains", { date: "d", from: "a", departAt: { $gt: 1 } }, [["departAt", 1]]],
    ["trains search (date, to)", "trains", { date: "d", to: "b", departAt: { $gt: 1 } }, [["departAt", 1]]],
    ["my orders", "orders", { openid: "o" }, [["createdAt", -1]]],
    ["my orders: next page", "orders", { openid: "o", createdAt: { $lte: 1 } }, [["createdAt", -1]]],
    ["my orders: one millisecond", "orders", { openid: "o", createdAt: 1 }, []],
    ["my orders: a tab", "orders", { openid: "o", status: { $in: ["PAID", "CLOSED"] }, createdAt: { $lt: 1 } }, [["createdAt", -1]]],
    ["my orders: 待支付", "orders", { openid: "o", status: "PENDING" }, [["createdAt", -1]]],
    [
      "my orders: 待出行",
      "orders",
      { openid: "o", status: { $in: ["PAID"] }, departAt: { $gt: 1 }, createdAt: { $lte: 1 } },
      [["createdAt", -1]],
    ],
    ["my orders: 待出行, one millisecond", "orders", { openid: "o", status: { $in: ["PAID"] }, departAt: { $gt: 1 }, createdAt: 1 }, []],
    ["sweeper: expired", "orders", { status: "PENDING", expiresAt: { $lte: 1 } }, [["checkedAt", 1]]],
    [
      "sweeper: quiet",
      "orders",
      { status: "PENDING", expiresAt: { $gt: 1 }, createdAt: { $lte: 1 }, prepayId: { $exists: true } },
      [["checkedAt", 1]],
    ],
    ["sweeper: 出发提醒 due", "orders", { reminderDue: true, status: { $in: ["PAID", "PARTIALLY_REFUNDED"] }, departAt: { $lte: 1 } }, []],
    ["sweeper: seats still held", "orders", { status: { $in: ["CLOSED", "REFUNDED"] }, seatsHeld: true }, []],
    ["reconcile: paid that day", "orders", between("paidAt"), []],
    ["reconcile: by ids", "orders", { _id: { $in: ["a"] } }, []],
    ["compare-and-set", "orders", { _id: "a", status: "PENDING" }, []],
    ["an order's refunds", "refunds", { orderId: "o" }, []],
    ["an order's open refunds", "refunds", { orderId: "o", status: { $in: ["PROCESSING"] } }, []],
    ["sweeper: refunds in flight", "refunds", { status: { $in: ["CREATED", "PROCESSING"] }, createdAt: { $lte: 1 } }, [["checkedAt", 1]]],
    ["sweeper: abnormal refunds", "refunds", { status: "ABNORMAL", checkedAt: { $lte: 1 } }, [["checkedAt", 1]]],
    ["sweeper: reservations held", "refunds", { status: { $in: ["CLOSED", "FAILED"] }, reservationHeld: true }, []],
    ["reconcile: refunds that day", "refunds", { status: "SUCCESS", ...between("createdAt") }, []],
    ["an order's events", "payment_events", { orderId: "o" }, [["at", 1]]],
    // The operations console (shared/ops).
    ["console: search by transaction_id", "orders", { transactionId: "t" }, []],
    ["console: a user's orders in a date range", "orders", { openid: "o", ...between("createdAt") }, [["createdAt", -1]]],
    ["console: search by status and date", "orders", { status: "PAID", createdAt: { $gte: 1 } }, [["createdAt", -1]]],
    ["console: search by date only", "orders", between("createdAt"), [["createdAt", -1]]],
    ["console overview: created since", "orders", { createdAt: { $gte: 1 } }, []],
    ["console overview: paid since", "orders", { paidAt: { $gte: 1 } }, []],
    ["console overview: refunds succeeded since", "refunds", { status: "SUCCESS", succeededAt: { $gte: 1 } }, []],
    ["console queue: expired PENDING", "orders", { status: "PENDING", expiresAt: { $lte: 1 } }, [["checkedAt", 1]]],
    ["console queue: automatic refunds", "refunds", { automatic: true }, [["createdAt", -1]]],
    ["console queue: ABNORMAL refunds", "refunds", { status: "ABNORMAL", automatic: { $ne: true } }, [["createdAt", -1]]],
    ["console queue: refused notifications", "payment_events", { decision: { $in: ["REJECTED_MISMATCH", "UNKNOWN_ORDER"] } }, [["at", -1]]],
    ["console: latest reconciliations", "reconciliations", {}, [["billDate", -1]]],
    ["console: operators, oldest first", "operators", {}, [["createdAt", 1]]],
    ["console: expired sessions", "ops_sessions", { expiresAt: { $lte: 1 } }, []],
    ["console: an operator's sessions", "ops_sessions", { username: "u" }, []],
    ["saved passengers of a user, oldest first", "passengers", { openid: "o" }, [["createdAt", 1]]],
    ["createOrder: saved passengers by id, the caller's", "passengers", { _id: { $in: ["a", "b"] }, openid: "o" }, []],
    ["a saved passenger changed or removed by its owner", "passengers", { _id: "a", openid: "o" }, []],
    ["console: an order's audit", "ops_audit", { orderId: "o" }, [["at", -1]]],
    ["console: latest audit", "ops_audit", {}, [["at", -1]]],
    ["console: resolutions by key", "ops_resolutions", { _id: { $in: ["k"] } }, []],
  ];
  it.each(cases)("%s", (_what, coll, filter, sort) => {
    expect(served(coll, filter, sort)).toMatchObject({ served: true });
  });
});

describe("what is not served", () => {
  it("a field no index leads with, a collection scan, a sort no index gives, a range not in the index", () => {
    expect(served("orders", { amount: 1 }).served).toBe(false);
    expect(served("orders", {}).served).toBe(false);
    expect(served("orders", { openid: "o" }, [["amount", 1]]).served).toBe(false);
    // An equality field the index does not lead with.
    expect(served("orders", { openid: "o", seatPreference: "window" }, [["createdAt", -1]]).served).toBe(false);
    // A range that is not right after the equality prefix (no sort): not a tight bound.
    // (orders has status, checkedAt, expiresAt…: without the checkedAt sort, expiresAt is no bound.)
    expect(served("orders", { status: "PENDING", expiresAt: { $lte: 1 } }).served).toBe(false);
    expect(served("refunds", { status: "SUCCESS", amount: { $lte: 1 } }).served).toBe(false);
    expect(served("orders", { $or: [{ openid: "a" }, { openid: "b" }] }).served).toBe(false);
    // Two sort fields against an index with one reversed: not one walk.
    expect(
      servingIndex(
        [
          {
            name: "ab",
            keys: [
              ["a", 1],
              ["b", 1],
            ],
          },
        ],
        queryShape({}),
        [
          ["a", 1],
          ["b", -1],
        ],
      ).served,
    ).toBe(false);
    expect(
      servingIndex(
        [
          {
            name: "ab",
            keys: [
              ["a", 1],
              ["b", 1],
            ],
          },
        ],
        queryShape({}),
        [
          ["a", -1],
          ["b", -1],
        ],
      ).served,
    ).toBe(true);
  });
});
