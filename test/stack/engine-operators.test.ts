// The database engine (dev/stack/db/engine.ts) runs queries and updates with mingo's query and
// projection operators only (copying mingo's whole operator table per call was most of their cost).
// Every operator the stack accepts (dev/stack/db/operators.ts) must behave exactly as with the full
// table: checked here against mingo's own Query and update on documents with nesting and arrays.
import { Query, update as fullUpdate } from "mingo";
import type { AnyObject } from "mingo/types";
import { describe, expect, it } from "vitest";
import type { Doc } from "../../dev/stack/db/ejson";
import { applyUpdate, match } from "../../dev/stack/db/engine";

const DOCS: Doc[] = [
  {
    _id: "a",
    n: 1,
    s: "PENDING",
    tags: ["x", "y"],
    o: { p: 2, q: [1, 2, 3] },
    items: [
      { k: "p", v: 1 },
      { k: "q", v: 5 },
    ],
    flags: 5,
  },
  { _id: "b", n: 2, s: "PAID", tags: ["y"], o: { p: 3, q: [] }, items: [{ k: "p", v: 7 }], nul: null, flags: 2 },
  { _id: "c", n: 3.5, s: "CLOSED", tags: [], o: {}, items: [], str: "Hello World", flags: 0 },
  { _id: "d", s: "PENDING", tags: ["z", "x", "x"], o: { p: "3" }, n: "7", flags: 7 },
];

const view = {
  get: (_c: string, id: unknown) => DOCS.find((d) => d._id === id),
  scan: () => DOCS,
};

const QUERIES: Doc[] = [
  { _id: "a" },
  { _id: "a", s: "PENDING", n: { $gte: 1 } },
  { s: { $eq: "PAID" } },
  { s: { $ne: "PAID" } },
  { n: { $gt: 1, $lt: 4 } },
  { n: { $lte: 2 } },
  { s: { $in: ["PAID", "CLOSED"] } },
  { s: { $nin: ["PAID"] } },
  { tags: "x" },
  { tags: { $all: ["x", "y"] } },
  { tags: { $size: 0 } },
  { "o.p": 3 },
  { "o.p": { $type: "string" } },
  { "o.q": 2 },
  { "o.q.1": 2 },
  { nul: null },
  { nul: { $exists: true } },
  { missing: { $exists: false } },
  { items: { $elemMatch: { k: "p", v: { $gt: 3 } } } },
  { "items.v": { $gte: 5 } },
  { str: { $regex: "^hello", $options: "i" } },
  { n: { $mod: [2, 0] } },
  { n: { $not: { $gt: 2 } } },
  { $or: [{ s: "PAID" }, { n: 3.5 }] },
  { $and: [{ s: "PENDING" }, { tags: "x" }] },
  { $nor: [{ s: "PENDING" }, { s: "PAID" }] },
  { $expr: { $gt: ["$o.p", "$n"] } },
];

const UPDATES: Doc[] = [
  { $set: { s: "PAID", "o.p": 9, "items.0.v": 2 } },
  { $unset: { o: "" } },
  { $inc: { n: 2, "o.p": -1 } },
  { $mul: { n: 3 } },
  { $min: { n: 0 } },
  { $max: { n: 10 } },
  { $rename: { s: "state" } },
  { $push: { tags: "w" } },
  { $push: { tags: { $each: ["b", "a"], $sort: 1, $slice: 3, $position: 0 } } },
  { $pull: { items: { v: { $gt: 3 } } } },
  { $pull: { tags: "x" } },
  { $pullAll: { tags: ["x", "z"] } },
  { $addToSet: { tags: { $each: ["x", "q"] } } },
  { $pop: { tags: -1 } },
  { $bit: { flags: { and: 3 } } },
];

describe("engine operators", () => {
  it("every supported query operator matches what mingo's full operator table matches", () => {
    for (const q of QUERIES) {
      const expected = DOCS.filter((d) => new Query(q as AnyObject, {}).test(d as AnyObject)).map((d) => d._id);
      expect(
        match(view, "c", q).map((d) => d._id),
        JSON.stringify(q),
      ).toEqual(expected);
    }
    // Not vacuous: the list matches some documents and not others.
    const counts = QUERIES.map((q) => match(view, "c", q).length);
    expect(counts.filter((c) => c > 0 && c < DOCS.length).length).toBeGreaterThan(QUERIES.length / 2);
  });

  it("every supported update operator gives what mingo's full operator table gives", () => {
    for (const u of UPDATES) {
      for (const doc of DOCS) {
        const expected = structuredClone(doc);
        let expectedError: unknown;
        try {
          fullUpdate(expected as AnyObject, u as AnyObject, [], undefined, { cloneMode: "deep" });
        } catch (e) {
          expectedError = e;
        }
        if (expectedError) {
          expect(() => applyUpdate(doc, u, true), JSON.stringify(u)).toThrow();
          continue;
        }
        expect(applyUpdate(doc, u, true).next, `${JSON.stringify(u)} on ${String(doc._id)}`).toEqual(expected);
      }
    }
  });
});
