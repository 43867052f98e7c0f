// Reconciliation against the simulator's trade bill for today (China time): clean when everything
// was recorded, and each kind of discrepancy found when it was not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult, RefundResult } from "../../shared/contracts/api";
import { chinaDate } from "../../shared/catalog/catalog";
import type { ReconcileReport } from "../../shared/store/model";
import type { TestStack } from "../helpers/stack";
import { caller, database, findTrain, newUser, ok, passengers, prepayIdOf, startPayStack, token, waitForStatus, operator } from "./helpers";

let stack: TestStack;
/** Amount refunds are operators' (no user identity). */
const ops: ReturnType<typeof operator> = (name, data) => operator(stack)(name, data);
beforeAll(async () => {
  stack = await startPayStack();
});
afterAll(async () => {
  await stack?.stop();
});

const today = () => chinaDate(Date.now());
async function reconcile(date = today()): Promise<ReconcileReport> {
  const res = await stack.call<ReconcileReport>("sweeper", { reconcileDate: date });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.result;
}
async function paidOrder(trainNo: string, notification: { drop?: boolean } = {}) {
  const call = caller(stack, newUser());
  const train = await findTrain(call, trainNo);
  const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() })) as CreateOrderResult;
  await stack.post("/sim/pay", { prepay_id: prepayIdOf(order), notification });
  if (!notification.drop) await waitForStatus(call, order.orderId, "PAID");
  return { call, order };
}

describe("reconciliation with the trade bill", () => {
  it("a day where everything was recorded has no discrepancy, and the report is stored", async () => {
    await paidOrder("G1");
    const { call, order } = await paidOrder("G2");
    ok(await ops("refund", { orderId: order.orderId, amount: 1000, refundToken: token() })) as RefundResult;
    await waitForStatus(call, order.orderId, "PARTIALLY_REFUNDED");

    const report = await reconcile();
    expect(report).toMatchObject({ billDate: today(), payments: 2, refunds: 1, discrepancies: [] });
    const stored = await database(stack).collection("reconciliations").doc(today()).get();
    expect((stored.data[0] as ReconcileReport).payments).toBe(2);
  });

  it("finds a payment not recorded, an amount that differs, and a payment missing from the bill", async () => {
    const lost = await paidOrder("G3", { drop: true }); // paid at WeChat Pay, still PENDING here
    const changed = await paidOrder("G4");
    await database(stack).collection("orders").doc(changed.order.orderId).update({ amount: changed.order.amount + 100 });
    const phantom = await paidOrder("G5", { drop: true });
    // Recorded here as paid today with a transaction WeChat Pay never had: pretend the sim lost it.
    await database(stack).collection("orders").doc(phantom.order.orderId).update({ status: "PAID", paidAt: Date.now(), transactionId: "4200000000000000000000000001" });

    const report = await reconcile();
    const kinds = Object.fromEntries(report.discrepancies.map((d) => [d.outTradeNo, d.kind]));
    expect(kinds[lost.order.outTradeNo]).toBe("PAID_NOT_RECORDED");
    expect(kinds[changed.order.outTradeNo]).toBe("AMOUNT_MISMATCH");
    expect(kinds[phantom.order.outTradeNo]).toBe("PAID_NOT_RECORDED"); // the bill has it with another transaction id
    expect(report.discrepancies).toHaveLength(3);
  });

  it("a recorded payment that WeChat Pay's bill does not have is NOT_IN_BILL", async () => {
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G7001");
    const order = ok(await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() })) as CreateOrderResult;
    await database(stack).collection("orders").doc(order.orderId).update({ status: "PAID", paidAt: Date.now(), transactionId: "4200000000000000000000000002" });
    const report = await reconcile();
    expect(report.discrepancies).toContainEqual({ kind: "NOT_IN_BILL", outTradeNo: order.outTradeNo, detail: "payment" });
  });

  it("a day without transactions has no bill and nothing to report; a bad date is refused", async () => {
    const report = await reconcile("2026-01-01");
    expect(report).toMatchObject({ payments: 0, refunds: 0, discrepancies: [] });
    expect(report.error).toBeUndefined();
    expect((await reconcile("yesterday" as string)) as unknown).toEqual({ error: "reconcileDate must be YYYY-MM-DD" });
  });

  it("the sweeper cannot be driven from the mini-program", async () => {
    const res = await stack.call("sweeper", { reconcileDate: today() }, newUser());
    expect(res.result).toEqual({ error: "not callable from the mini-program" });
  });
});
