// Reconciliation against WeChat Pay's trade bill (the simulator's ledger builds it) in-process:
// clean when everything was recorded, each kind of discrepancy when not, and the sweeper's daily
// run once the bill is due. Invoked through the built sweeper: test/functions/e2e.test.ts.
import { describe, expect, it } from "vitest";
import { chinaDate, chinaInstant } from "../../shared/catalog/catalog";
import { reconcile } from "../../shared/services/reconcile";
import { requestOperatorRefund } from "../../shared/services/refund-request";
import { sweep } from "../../shared/services/sweeper";
import type { ReconcileReport } from "../../shared/store/model";
import { world, type World } from "./harness";
import { deliverAll } from "./invariants";
import { book, captureLogs, paidOrder, prepayOf, settleAll } from "./scenario";

captureLogs();
const today = (w: World) => chinaDate(w.clock.now());
const run = (w: World, date = today(w)) => reconcile(w.deps, date, { fn: "sweeper" });

describe("reconciliation with the trade bill", () => {
  it("a day where everything was recorded has no discrepancy, and the report is stored", async () => {
    const w = await world();
    await paidOrder(w, "a");
    const b = await paidOrder(w, "b");
    await requestOperatorRefund(w.deps, { orderId: b.orderId, amount: 1000, refundToken: "r" });
    settleAll(w);
    await deliverAll(w);
    const report = await run(w);
    expect(report).toMatchObject({ billDate: today(w), payments: 2, refunds: 1, discrepancies: [] });
    expect(report.error).toBeUndefined();
    expect(w.mem.all("reconciliations")).toEqual([expect.objectContaining({ _id: today(w), payments: 2, refunds: 1 })]);
  });

  it("finds a payment not recorded, an amount that differs, and a payment recorded with another transaction", async () => {
    const w = await world();
    const lost = await book(w, "lost");
    w.wx.pay(prepayOf(w, lost.orderId));
    w.wx.outbox.length = 0; // paid at WeChat Pay, still PENDING here
    const changed = await paidOrder(w, "changed");
    await w.mem.update("orders", { _id: changed.orderId }, { $set: { amount: changed.amount + 100 } });
    const phantom = await book(w, "phantom");
    w.wx.pay(prepayOf(w, phantom.orderId));
    w.wx.outbox.length = 0;
    // Recorded here as paid today with a transaction WeChat Pay never had.
    await w.mem.update(
      "orders",
      { _id: phantom.orderId },
      { $set: { status: "PAID", paidAt: w.clock.now(), transactionId: "4200000000000000000000000001" } },
    );
    const report = await run(w);
    expect(report.payments).toBe(3);
    expect(report.discrepancies.map((d) => [d.outTradeNo, d.kind]).sort()).toEqual(
      [
        [lost.outTradeNo, "PAID_NOT_RECORDED"],
        [changed.outTradeNo, "AMOUNT_MISMATCH"],
        [phantom.outTradeNo, "PAID_NOT_RECORDED"], // the bill has it with another transaction id
      ].sort(),
    );
  });

  it("a recorded payment that WeChat Pay's bill does not have is NOT_IN_BILL", async () => {
    const w = await world();
    const order = await book(w, "notinbill");
    await w.mem.update(
      "orders",
      { _id: order.orderId },
      { $set: { status: "PAID", paidAt: w.clock.now(), transactionId: "4200000000000000000000000002" } },
    );
    const report = await run(w);
    expect(report.discrepancies).toEqual([{ kind: "NOT_IN_BILL", outTradeNo: order.outTradeNo, detail: "payment" }]);
  });

  it("a day without transactions has no bill and nothing to report", async () => {
    const w = await world();
    await book(w, "unpaid"); // a prepay, no payment
    const report = await run(w, "2026-01-01");
    expect(report).toMatchObject({ billDate: "2026-01-01", payments: 0, refunds: 0, discrepancies: [] });
    expect(report.error).toBeUndefined();
    expect((await run(w)).discrepancies).toEqual([]);
  });

  it("the sweeper reconciles yesterday once its bill is due (10:00 China time), and once only", async () => {
    const w = await world();
    await paidOrder(w, "daily");
    const day = today(w);
    w.clock.t = chinaInstant(day, "00:00") + 86400_000 + 10 * 3600_000 - 1; // next day, 09:59:59.999
    expect((await sweep(w.deps)).reconciled).toBeUndefined();
    w.clock.advance(1);
    expect((await sweep(w.deps)).reconciled).toEqual({ billDate: day, discrepancies: 0 });
    const stored = w.mem.all("reconciliations") as unknown as ReconcileReport[];
    expect(stored).toEqual([expect.objectContaining({ _id: day, payments: 1 })]);
    w.clock.advance(3600_000);
    expect((await sweep(w.deps)).reconciled).toBeUndefined();
  });

  it("a bill that cannot be had is stored as an error and tried again half an hour later", async () => {
    const w = await world();
    await paidOrder(w, "retry");
    const day = today(w);
    w.clock.t = chinaInstant(day, "00:00") + 86400_000 + 10 * 3600_000;
    const gateway = await w.deps.gateway();
    const broken = {
      ...w.deps,
      gateway: async () =>
        Object.assign(Object.create(gateway) as typeof gateway, {
          tradeBill: async () => ({ kind: "unknown" as const, reason: "timeout (injected)" }),
        }),
    };
    expect((await sweep(broken)).reconciled).toEqual({ billDate: day, discrepancies: 0, error: "timeout (injected)" });
    w.clock.advance(30 * 60_000 - 1);
    expect((await sweep(w.deps)).reconciled).toBeUndefined();
    w.clock.advance(1);
    expect((await sweep(w.deps)).reconciled).toEqual({ billDate: day, discrepancies: 0 });
  });
});
