// 常用乘车人 in-process (engine + fake clock): each user sees and changes only their own, the stored
// document holds no plain ID number, duplicates and the limit are refused, the page's rules are the
// server's (names, each ID document's format), refusals name the field, createOrder takes saved
// passengers by id (own only) and prices child and student tickets; a bad key never shows itself.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SavedPassenger } from "../../shared/contracts/api";
import { AppError } from "../../shared/errors";
import { PassengerKeyError, passengerKeysFrom, type PassengerKeys } from "../../shared/passengers/data-key";
import { checkedPassenger } from "../../shared/passengers/passenger-input";
import { orderPassengers, parseOrderPassengers } from "../../shared/passengers/order-passengers";
import { idCardCheckChar } from "../../shared/orders/idcard";
import { createOrder } from "../../shared/services/booking";
import { riderFor } from "../../shared/services/seats";
import {
  addSaved,
  deleteSaved,
  listSaved,
  MAX_SAVED_PASSENGERS,
  updateSaved,
  type SavedPassengerDeps,
} from "../../shared/services/saved-passengers";
import type { OrderDoc } from "../../shared/store/model";
import { checkIdNo, checkName, maskIdNo } from "../../miniprogram/utils/passenger-rules";
import { childTicketAge, ticketPrice } from "../../miniprogram/utils/fares";
import { idCard, T0, user, world, type World } from "./harness";
import { interleaved } from "./interleave";
import { WrappedDatabase } from "./db-wrappers";

const KEY = randomBytes(32).toString("base64");
const keys = (env: Record<string, string> = { PASSENGER_DATA_KEY: KEY }): PassengerKeys => passengerKeysFrom(env);
const depsOf = (w: World, k: () => PassengerKeys = () => keys()): SavedPassengerDeps => ({ ...w.deps, passengerKeys: k });
const today = new Date(T0);
const person = (idCardNo: string, extra: Record<string, unknown> = {}) =>
  checkedPassenger({ name: "张三", idType: "ID_CARD", idCardNo, ticketType: "ADULT", ...extra }, "", today);

/** The AppError a promise (or function) ends with. */
async function refusal(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

/** Every string anywhere in a stored document. */
function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === "object") return [...Object.keys(v), ...Object.values(v).flatMap(strings)];
  return [];
}

beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "error").mockImplementation(() => undefined);
});

describe("saved passengers: per user, sealed at rest", () => {
  it("another openid can neither list, update nor delete them; its refusal equals a missing id's", async () => {
    const w = await world({ onlyTrain: true });
    const d = depsOf(w);
    const mine = await addSaved(d, user("a"), person(idCard()));
    expect(await listSaved(d, user("b"))).toEqual([]);
    const foreignUpdate = await refusal(
      updateSaved(d, user("b"), mine.passengerId, { name: "李四", idType: "ID_CARD", ticketType: "ADULT" }),
    );
    const missingUpdate = await refusal(
      updateSaved(d, user("b"), "0".repeat(24), { name: "李四", idType: "ID_CARD", ticketType: "ADULT" }),
    );
    expect(foreignUpdate.toApiError()).toEqual(missingUpdate.toApiError());
    expect(foreignUpdate.code).toBe("NOT_FOUND");
    const foreignDelete = await refusal(deleteSaved(d, user("b"), mine.passengerId));
    expect(foreignDelete.toApiError()).toEqual((await refusal(deleteSaved(d, user("b"), "0".repeat(24)))).toApiError());
    expect(await listSaved(d, user("a"))).toEqual([mine]);
    // The owner can.
    const renamed = await updateSaved(d, user("a"), mine.passengerId, { name: "张三丰", idType: "ID_CARD", ticketType: "STUDENT" });
    expect(renamed).toMatchObject({ name: "张三丰", ticketType: "STUDENT", idCardNoMasked: mine.idCardNoMasked });
    expect(await deleteSaved(d, user("a"), mine.passengerId)).toEqual({ passengerId: mine.passengerId });
    expect(await listSaved(d, user("a"))).toEqual([]);
  });

  it("the stored document holds no plain ID number in any field (nor its digits in a row); answers only the mask", async () => {
    const w = await world({ onlyTrain: true });
    const id = idCard();
    const saved = await addSaved(depsOf(w), user("a"), person(id));
    const passport = await addSaved(depsOf(w), user("a"), person("E12345678", { idType: "PASSPORT", name: "ZHANG SAN" }));
    expect(saved.idCardNoMasked).toBe(maskIdNo(id));
    expect(JSON.stringify([saved, passport])).not.toContain(id);
    expect(JSON.stringify(passport)).not.toContain("E12345678");
    const raw = w.mem.all("passengers");
    expect(raw).toHaveLength(2);
    for (const s of strings(raw)) {
      for (const secret of [id, "E12345678", id.slice(3, 14), "2345678"]) expect(s.includes(secret), s).toBe(false);
      // No encoding of it either.
      expect(s.includes(Buffer.from(id).toString("base64"))).toBe(false);
      expect(s.includes(Buffer.from(id).toString("hex"))).toBe(false);
    }
  });

  it("refuses the same document twice (whatever the spacing or case), and a 16th passenger", async () => {
    const w = await world({ onlyTrain: true });
    const d = depsOf(w);
    const id = idCard();
    await addSaved(d, user("a"), person(id));
    const again = await refusal(addSaved(d, user("a"), person(` ${id.slice(0, 6)} ${id.slice(6)} `.toLowerCase(), { name: "别名" })));
    expect(again.toApiError()).toMatchObject({ code: "INVALID_ARGUMENT", field: "idCardNo" });
    // Another user may save the same person.
    await addSaved(d, user("b"), person(id));
    // The same number as another document type is another document.
    await addSaved(d, user("a"), person("12345678", { idType: "TAIWAN_PERMIT" }));
    for (let i = 2; i < MAX_SAVED_PASSENGERS; i++) await addSaved(d, user("a"), person(idCard()));
    expect(await listSaved(d, user("a"))).toHaveLength(MAX_SAVED_PASSENGERS);
    expect((await refusal(addSaved(d, user("a"), person(idCard())))).code).toBe("CONFLICT");
    expect(w.mem.all("passengers").filter((p) => (p as unknown as { openid: string }).openid === "o-a")).toHaveLength(MAX_SAVED_PASSENGERS);
  });

  it("an add that started first but wrote last cannot take a 16th place from an add that already answered", async () => {
    // Review (issue 11): the limit took the first 15 by createdAt, which is when an add STARTED; an
    // add slow to write (its createdAt older) pushed out one that had already been told "saved".
    let hold: Promise<void> | undefined;
    let reached!: () => void;
    const atInsert = new Promise<void>((r) => (reached = r));
    const w = await world({
      onlyTrain: true,
      db: (mem) =>
        new WrappedDatabase(mem, async (op, coll, run) => {
          if (hold && op === "insert" && coll === "passengers") {
            const h = hold;
            hold = undefined;
            reached();
            await h;
          }
          return run();
        }),
    });
    const d = depsOf(w);
    for (let i = 1; i < MAX_SAVED_PASSENGERS; i++) await addSaved(d, user("a"), person(idCard()));
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    const slow = addSaved(d, user("a"), person(idCard())).then(
      (p) => p,
      (e: unknown) => e,
    );
    await atInsert; // the slow add has counted 14 and is about to write
    w.clock.advance(1000);
    const fast = await addSaved(d, user("a"), person(idCard()));
    release();
    await slow;
    const ids = (await listSaved(d, user("a"))).map((p) => p.passengerId);
    expect(ids).toContain(fast.passengerId); // it was answered as saved
    expect(ids.length).toBeLessThanOrEqual(MAX_SAVED_PASSENGERS);
  });

  it("two adds of the same person at once leave at most one", async () => {
    const w = await world({ onlyTrain: true });
    const d = depsOf(w);
    const id = idCard();
    const results = await Promise.allSettled([addSaved(d, user("a"), person(id)), addSaved(d, user("a"), person(id))]);
    expect(results.filter((r) => r.status === "fulfilled").length).toBeLessThanOrEqual(1);
    expect((await listSaved(d, user("a"))).length).toBeLessThanOrEqual(1);
  });

  it("an update to a document and an add of the same document at once leave no twin (seeded interleavings)", async () => {
    // Review (issue 11): adds at once re-read and take themselves back; an update racing an add
    // (two devices, or a retried tap) did not, and the user kept the same person twice.
    for (let seed = 1; seed <= 40; seed++) {
      const w = await world({ onlyTrain: true, db: (mem) => interleaved(mem, seed) });
      const d = depsOf(w);
      const mine = await addSaved(d, user("a"), person(idCard()));
      const x = idCard();
      await Promise.allSettled([
        addSaved(d, user("a"), person(x)),
        updateSaved(d, user("a"), mine.passengerId, { name: "李四", idType: "ID_CARD", idCardNo: x, ticketType: "ADULT" }),
      ]);
      const masks = (await listSaved(d, user("a"))).map((p) => p.idCardNoMasked);
      expect(new Set(masks).size, `seed ${seed}: ${masks.join(", ")}`).toBe(masks.length);
    }
  });

  it("updating one's passenger to another saved passenger's document is a duplicate; a new type needs its number", async () => {
    const w = await world({ onlyTrain: true });
    const d = depsOf(w);
    const [a, b] = [idCard(), idCard()];
    await addSaved(d, user("a"), person(a));
    const second = await addSaved(d, user("a"), person(b));
    const dup = await refusal(
      updateSaved(d, user("a"), second.passengerId, { name: "张三", idType: "ID_CARD", idCardNo: a, ticketType: "ADULT" }),
    );
    expect(dup.field).toBe("idCardNo");
    const noNumber = await refusal(
      updateSaved(d, user("a"), second.passengerId, { name: "张三", idType: "PASSPORT", ticketType: "ADULT" }),
    );
    expect(noNumber.field).toBe("idCardNo");
    const moved = await updateSaved(d, user("a"), second.passengerId, {
      name: "张三",
      idType: "PASSPORT",
      idCardNo: "G1234567",
      ticketType: "ADULT",
    });
    expect(moved).toMatchObject({ idType: "PASSPORT", idCardNoMasked: maskIdNo("G1234567") });
  });

  it("a rotated key still opens old documents and still finds their duplicates", async () => {
    const w = await world({ onlyTrain: true });
    const id = idCard();
    const old = await addSaved(depsOf(w), user("a"), person(id));
    const NEW = randomBytes(32).toString("base64");
    const rotated = depsOf(w, () => keys({ PASSENGER_DATA_KEY: NEW, PASSENGER_DATA_KEY_PREVIOUS: KEY }));
    expect((await refusal(addSaved(rotated, user("a"), person(id)))).field).toBe("idCardNo");
    const [opened] = await orderPassengers(rotated, user("a"), {
      typed: [],
      ids: [old.passengerId],
      seatClass: "second",
      travelDate: "2026-12-03",
    });
    expect(opened!.idCardNo).toBe(id);
    // Without the old key it cannot be opened: a configuration error naming the variable.
    const lost = depsOf(w, () => keys({ PASSENGER_DATA_KEY: NEW }));
    await expect(
      orderPassengers(lost, user("a"), { typed: [], ids: [old.passengerId], seatClass: "second", travelDate: "2026-12-03" }),
    ).rejects.toThrow(/PASSENGER_DATA_KEY_PREVIOUS/);
  });
});

describe("the key from the environment", () => {
  const cases: [string, Record<string, string>, string][] = [
    ["missing", {}, "PASSENGER_DATA_KEY"],
    ["empty", { PASSENGER_DATA_KEY: "" }, "PASSENGER_DATA_KEY"],
    ["31 bytes", { PASSENGER_DATA_KEY: randomBytes(31).toString("base64") }, "PASSENGER_DATA_KEY"],
    ["hex", { PASSENGER_DATA_KEY: randomBytes(32).toString("hex") }, "PASSENGER_DATA_KEY"],
    ["a bad previous key", { PASSENGER_DATA_KEY: KEY, PASSENGER_DATA_KEY_PREVIOUS: "c2VjcmV0LXZhbHVl" }, "PASSENGER_DATA_KEY_PREVIOUS"],
  ];
  for (const [what, env, variable] of cases) {
    it(`${what}: an error naming ${variable}, never holding the value`, () => {
      let err: unknown;
      try {
        passengerKeysFrom(env);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PassengerKeyError);
      const e = err as PassengerKeyError;
      expect(e.variable).toBe(variable);
      expect(e.message.startsWith(variable)).toBe(true);
      for (const v of Object.values(env)) if (v) expect(`${e.message} ${e.stack}`).not.toContain(v);
    });
  }

  it("without a key, list and delete still work; add is refused naming the variable", async () => {
    const w = await world({ onlyTrain: true });
    const saved = await addSaved(depsOf(w), user("a"), person(idCard()));
    const noKey = depsOf(w, () => passengerKeysFrom({}));
    expect(await listSaved(noKey, user("a"))).toEqual([saved]);
    await expect(addSaved(noKey, user("a"), person(idCard()))).rejects.toThrow(/^PASSENGER_DATA_KEY is not set/);
    expect(await deleteSaved(noKey, user("a"), saved.passengerId)).toEqual({ passengerId: saved.passengerId });
  });

  it("a ciphertext moved to another user (or altered) does not open", () => {
    const k = keys();
    const sealed = k.seal("110105199003071234", "o-a|ID_CARD");
    expect(k.open(sealed, "o-a|ID_CARD")).toBe("110105199003071234");
    expect(() => k.open(sealed, "o-b|ID_CARD")).toThrow();
    expect(() => k.open({ ...sealed, data: Buffer.from("x").toString("base64") }, "o-a|ID_CARD")).toThrow();
  });

  it("a stored tag cut short (GCM checks only the bytes it is given) does not open", () => {
    // Review (issue 11): without authTagLength, node:crypto accepts a 4-byte tag, so whoever can
    // write the document needs only 2^32 tries to have an altered number accepted.
    const k = keys();
    const sealed = k.seal("110105199003071234", "o-a|ID_CARD");
    for (const bytes of [4, 8, 12, 15]) {
      const tag = Buffer.from(sealed.tag, "base64").subarray(0, bytes).toString("base64");
      expect(() => k.open({ ...sealed, tag }, "o-a|ID_CARD"), `${bytes}-byte tag`).toThrow();
    }
  });
});

describe("the page's rules, on the server", () => {
  it("names: Han (Ext-A, Ext-B) with · between characters; Latin only for passports", () => {
    for (const ok of ["张三", "阿依古丽·买买提", "阿依古丽•买买提", "𠮷野家", "㐀三", "欧阳娜娜"])
      expect(checkName(ok, "ID_CARD"), ok).toBeNull();
    for (const ok of ["ZHANG SAN", "O'Neil Mary-Ann", "张三"]) expect(checkName(ok, "PASSPORT"), ok).toBeNull();
    expect(checkName("", "ID_CARD")).toBe("EMPTY");
    expect(checkName("张", "ID_CARD")).toBe("TOO_SHORT");
    expect(checkName("·张三", "ID_CARD")).toBe("DOT");
    expect(checkName("张三·", "ID_CARD")).toBe("DOT");
    expect(checkName("张··三", "ID_CARD")).toBe("DOT");
    expect(checkName("张3", "ID_CARD")).toBe("CHARACTERS");
    expect(checkName("张 三", "ID_CARD")).toBe("CHARACTERS");
    expect(checkName("ZHANG SAN", "ID_CARD")).toBe("LATIN_NOT_ALLOWED");
    expect(checkName("ZHANG  SAN", "PASSPORT")).toBeNull(); // inner spaces collapse
    expect(checkName("ZHANG--SAN", "PASSPORT")).toBe("CHARACTERS");
    expect(checkName("𠮷".repeat(30), "ID_CARD")).toBeNull(); // 30 characters, 60 UTF-16 units
    expect(checkName("𠮷".repeat(31), "ID_CARD")).toBe("TOO_LONG");
  });

  it("ID documents: each type's own format", () => {
    const valid: [Parameters<typeof checkIdNo>[0], string][] = [
      ["ID_CARD", "11010519491231002X"],
      ["ID_CARD", "11010519491231002x"],
      ["PASSPORT", "E12345678"],
      ["PASSPORT", "ea1234567"],
      ["PASSPORT", "X1234"],
      ["HK_MACAO_PERMIT", "H12345678"],
      ["HK_MACAO_PERMIT", "M1234567801"],
      ["TAIWAN_PERMIT", "12345678"],
    ];
    for (const [t, id] of valid) expect(checkIdNo(t, id, today), `${t} ${id}`).toBeNull();
    const invalid: [Parameters<typeof checkIdNo>[0], string, string][] = [
      ["ID_CARD", "110105194912310021", "CHECK_DIGIT"],
      ["ID_CARD", "110105194913310028", "BIRTH_DATE"],
      ["ID_CARD", "12345678", "FORMAT"],
      ["PASSPORT", "E123", "FORMAT"],
      ["PASSPORT", "E1234567-8", "FORMAT"],
      ["PASSPORT", "E".repeat(18), "FORMAT"],
      ["HK_MACAO_PERMIT", "A12345678", "FORMAT"],
      ["HK_MACAO_PERMIT", "H1234567", "FORMAT"],
      ["HK_MACAO_PERMIT", "H123456789", "FORMAT"],
      ["TAIWAN_PERMIT", "1234567", "FORMAT"],
      ["TAIWAN_PERMIT", "T1234567", "FORMAT"],
      ["TAIWAN_PERMIT", "", "EMPTY"],
    ];
    for (const [t, id, problem] of invalid) expect(checkIdNo(t, id, today), `${t} ${id}`).toBe(problem);
  });

  it("refusals name the field, never the number", () => {
    const bad = "110105194912310021";
    const e = (() => {
      try {
        parseOrderPassengers(
          {
            passengers: [
              { name: "张三", idCardNo: idCard() },
              { name: "李4", idCardNo: bad },
            ],
          },
          today,
        );
      } catch (x) {
        return x as AppError;
      }
      throw new Error("accepted");
    })();
    expect(e.toApiError()).toMatchObject({ code: "INVALID_ARGUMENT", field: "passengers[1].name" });
    const id = (() => {
      try {
        parseOrderPassengers(
          {
            passengers: [
              { name: "张三", idCardNo: idCard() },
              { name: "李四", idCardNo: bad },
            ],
          },
          today,
        );
      } catch (x) {
        return x as AppError;
      }
      throw new Error("accepted");
    })();
    expect(id.toApiError()).toMatchObject({ field: "passengers[1].idCardNo", message: "身份证号校验位不正确，请核对" });
    expect(JSON.stringify(id.toApiError())).not.toContain(bad);
    expect(() => parseOrderPassengers({ passengers: [{ name: "张三", idCardNo: idCard(), ticketType: "SENIOR" }] }, today)).toThrow(
      expect.objectContaining({ field: "passengers[0].ticketType" }),
    );
    expect(() => parseOrderPassengers({ passengers: [], passengerIds: [] }, today)).toThrow(
      expect.objectContaining({ field: "passengers" }),
    );
    expect(() => parseOrderPassengers({ passengerIds: ["nope"] }, today)).toThrow(expect.objectContaining({ field: "passengerIds[0]" }));
  });
});

describe("createOrder with saved passengers and ticket types", () => {
  const orderOf = (w: World, id: string) => (w.mem.all("orders") as unknown as OrderDoc[]).find((o) => o._id === id)!;

  async function book(w: World, tag: string, event: Record<string, unknown>, seatClass: "second" | "first" | "business" = "second") {
    const d = depsOf(w);
    const parsed = parseOrderPassengers(event, today);
    const who = user(tag.split(":")[0]!); // "a:2": user a, another booking
    const passengers = await orderPassengers(d, who, { ...parsed, seatClass, travelDate: w.train.date });
    return createOrder(w.deps, { trainId: w.train._id, seatClass, passengers, clientToken: `tok-${tag.replace(":", "-")}` }, who);
  }

  it("books the caller's own saved passengers (number opened server-side); another user's id is refused like a missing one", async () => {
    const w = await world({ onlyTrain: true });
    const d = depsOf(w);
    const id = idCard();
    const saved: SavedPassenger = await addSaved(d, user("a"), person(id, { name: "王五" }));
    const typedId = idCard();
    const o = await book(w, "a", { passengerIds: [saved.passengerId], passengers: [{ name: "赵六", idCardNo: typedId }] });
    const doc = orderOf(w, o.orderId);
    // The saved number was opened to make the order's rider key and mask; the order keeps no number.
    expect(doc.passengers).toEqual([
      { name: "王五", idNoMasked: maskIdNo(id), rider: riderFor("ID_CARD", id) },
      { name: "赵六", idNoMasked: maskIdNo(typedId), rider: riderFor("ID_CARD", typedId) },
    ]);
    const foreign = await refusal(book(w, "b", { passengerIds: [saved.passengerId] }));
    const missing = await refusal(book(w, "b", { passengerIds: ["0".repeat(24)] }));
    expect(foreign.toApiError()).toEqual(missing.toApiError());
    expect(foreign.toApiError()).toMatchObject({ code: "NOT_FOUND", field: "passengerIds[0]" });
    // The same person saved and typed is one person twice.
    const twice = await refusal(book(w, "a:2", { passengerIds: [saved.passengerId], passengers: [{ name: "王五", idCardNo: id }] }));
    expect(twice.field).toBe("passengers[0].idCardNo");
  });

  it("prices child (half) and student (75 %) tickets in fen, rounded to 0.5 yuan; student not in 商务座; a child under 14 on the day", async () => {
    const w = await world({ onlyTrain: true });
    const fare = w.train.seats.second.price;
    // A child born 10 years before the trip; an adult.
    const y = Number(w.train.date.slice(0, 4)) - 10;
    const child17 = `110105${y}0101001`;
    const childId = child17 + idCardCheckChar(child17);
    const o = await book(w, "fam", {
      passengers: [
        { name: "张三", idCardNo: idCard() },
        { name: "张小三", idCardNo: childId, ticketType: "CHILD" },
        { name: "张大三", idCardNo: idCard(), ticketType: "STUDENT" },
      ],
    });
    const doc = orderOf(w, o.orderId);
    expect(doc.tickets.map((t) => t.price)).toEqual([fare, ticketPrice(fare, "CHILD"), ticketPrice(fare, "STUDENT")]);
    expect(o.amount).toBe(fare + ticketPrice(fare, "CHILD") + ticketPrice(fare, "STUDENT"));
    expect(doc.passengers[1]).toMatchObject({ ticketType: "CHILD" });
    expect(ticketPrice(55300, "CHILD")).toBe(27650);
    expect(ticketPrice(55300, "STUDENT")).toBe(41500); // 414.75 → 415
    expect(ticketPrice(12345, "CHILD")).toBe(6150); // 61.725 → 61.5
    expect(ticketPrice(12300, "STUDENT")).toBe(9250); // 92.25 → 92.5 (a quarter rounds up)
    const student = await refusal(
      book(w, "biz", { passengers: [{ name: "张大三", idCardNo: idCard(), ticketType: "STUDENT" }] }, "business"),
    );
    expect(student.field).toBe("passengers[0].ticketType");
    const adult = await refusal(book(w, "old", { passengers: [{ name: "张老三", idCardNo: "11010519491231002X", ticketType: "CHILD" }] }));
    expect(adult.field).toBe("passengers[0].ticketType");
    expect(childTicketAge(childId, w.train.date)).toBe(true);
    expect(childTicketAge(`110105${y - 4}0101001X`, w.train.date)).toBe(false);
  });
});
