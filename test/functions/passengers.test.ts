// The built `passengers` function on the local stack, with the key the stack generated in
// $DATA_DIR/keys/ and passed through cloudbaserc's placeholder: add / list / update / delete per
// openid, the stored document sealed, a field-named refusal, and createOrder booking a saved
// passenger by id. No log line holds a number.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult, OrderDetail, PassengersListResult, SavedPassenger } from "../../shared/contracts/api";
import type { TestStack } from "../helpers/stack";
import { caller, database, findTrain, idCard, newUser, ok, startPayStack, token } from "./helpers";

let stack: TestStack;
beforeAll(async () => {
  stack = await startPayStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe("passengers (built) on the local stack", () => {
  it("the stack generated PASSENGER_DATA_KEY in $DATA_DIR/keys/ (0600, 32 bytes base64)", () => {
    const path = join(stack.dataDir, "keys", "passenger_data_key");
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, "utf8").trim(), "base64")).toHaveLength(32);
  });

  it("adds, lists, updates and deletes per openid; the stored document is sealed; createOrder books by id", async () => {
    const a = caller(stack, newUser("a"));
    const b = caller(stack, newUser("b"));
    const id = idCard();
    const added = ok(
      await a("passengers", { action: "add", name: "阿依古丽·买买提", idType: "ID_CARD", idCardNo: id, ticketType: "ADULT" }),
    ) as SavedPassenger;
    expect(added.idCardNoMasked).toBe(`${id.slice(0, 3)}***********${id.slice(-4)}`);
    const passport = ok(
      await a("passengers", { action: "add", name: "ZHANG SAN", idType: "PASSPORT", idCardNo: "E12345678", ticketType: "STUDENT" }),
    ) as SavedPassenger;

    // The raw documents: sealed, hashed, masked; no number anywhere.
    const raw = (await database(stack).collection("passengers").get()).data;
    const text = JSON.stringify(raw);
    expect(text).toContain(added.passengerId);
    expect(text).not.toContain(id);
    expect(text).not.toContain("E12345678");
    expect(raw.find((d: { _id: string }) => d._id === added.passengerId)).toMatchObject({
      idNoSealed: { keyId: expect.stringMatching(/^[0-9a-f]{8}$/) },
      idNoHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    expect((ok(await a("passengers", { action: "list" })) as PassengersListResult).passengers.map((p) => p.passengerId)).toEqual([
      added.passengerId,
      passport.passengerId,
    ]);
    expect((ok(await b("passengers", { action: "list" })) as PassengersListResult).passengers).toEqual([]);

    const foreign = await b("passengers", { action: "delete", passengerId: added.passengerId });
    const missing = await b("passengers", { action: "delete", passengerId: "0".repeat(24) });
    expect(foreign).toEqual(missing);
    expect(foreign).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });

    const bad = await a("passengers", {
      action: "update",
      passengerId: passport.passengerId,
      name: "张3",
      idType: "PASSPORT",
      ticketType: "ADULT",
    });
    expect(bad).toMatchObject({ ok: false, error: { code: "INVALID_ARGUMENT", field: "name" } });
    const dup = await a("passengers", {
      action: "add",
      name: "另一个",
      idType: "ID_CARD",
      idCardNo: id.toLowerCase(),
      ticketType: "ADULT",
    });
    expect(dup).toMatchObject({ ok: false, error: { code: "INVALID_ARGUMENT", field: "idCardNo" } });

    // Booking: the saved passenger by id plus a typed one (passengers[0] named when it is wrong).
    const train = await findTrain(a, "G1");
    const typedBad = await a("createOrder", {
      trainId: train.trainId,
      seatClass: "second",
      passengerIds: [added.passengerId],
      passengers: [{ name: "李四", idCardNo: "110105194912310021" }],
      clientToken: token(),
    });
    expect(typedBad).toMatchObject({ ok: false, error: { code: "INVALID_ARGUMENT", field: "passengers[0].idCardNo" } });
    const order = ok(
      await a("createOrder", {
        trainId: train.trainId,
        seatClass: "second",
        passengerIds: [added.passengerId, passport.passengerId],
        clientToken: token(),
      }),
    ) as CreateOrderResult;
    const fare = train.seats.find((s) => s.code === "second")!.price;
    const detail = ok(await a("orders", { action: "get", orderId: order.orderId })) as OrderDetail;
    expect(detail.passengers.map((p) => p.name)).toEqual(["阿依古丽·买买提", "ZHANG SAN"]);
    expect(detail.passengers[1]).toMatchObject({ idType: "PASSPORT", ticketType: "STUDENT" });
    expect(detail.tickets.map((t) => t.price)).toEqual([fare, Math.floor((6 * fare + 200) / 400) * 50]);
    const byOther = await b("createOrder", {
      trainId: train.trainId,
      seatClass: "second",
      passengerIds: [added.passengerId],
      clientToken: token(),
    });
    expect(byOther).toMatchObject({ ok: false, error: { code: "NOT_FOUND", field: "passengerIds[0]" } });

    expect(ok(await a("passengers", { action: "delete", passengerId: added.passengerId }))).toEqual({ passengerId: added.passengerId });
    // Nothing the functions logged holds a number.
    expect(stack.stderr()).not.toContain(id);
    expect(stack.stderr()).not.toContain("E12345678");
  });
});
