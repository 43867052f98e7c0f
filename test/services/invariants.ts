// What must hold between our database and WeChat Pay's own state (the simulator's ledger), checked
// after every model run and by the defect tests. `settled` adds what must hold once everything in
// flight has been delivered and swept.
import { applyNotification } from "../../shared/services/notify";
import { sweep } from "../../shared/services/sweeper";
import { SEAT_HOLDING_STATES } from "../../shared/orders/state-machine";
import type { TrainDoc } from "../../shared/catalog/catalog";
import type { OrderDoc, RefundDoc } from "../../shared/store/model";
import { LedgerGateway } from "./ledger-gateway";
import type { World } from "./harness";

export function violations(w: World, settled: boolean): string[] {
  const out: string[] = [];
  const trains = w.mem.all("trains") as unknown as TrainDoc[];
  const orders = w.mem.all("orders") as unknown as OrderDoc[];
  const refunds = w.mem.all("refunds") as unknown as RefundDoc[];
  const sim = w.wx.store.state;
  const byId = new Map(orders.map((o) => [o._id, o]));

  for (const t of trains) {
    for (const [c, s] of Object.entries(t.seats)) {
      const held = Object.values(t.holds ?? {}).filter((h) => h.seatClass === c).reduce((a, h) => a + h.count, 0);
      if (s.total - s.remaining !== held) out.push(`seats ${t._id}/${c}: total ${s.total} - remaining ${s.remaining} != held ${held}`);
      if (s.remaining < 0) out.push(`seats ${t._id}/${c}: remaining ${s.remaining} < 0`);
    }
    if (settled) {
      for (const orderId of Object.keys(t.holds ?? {})) {
        const o = byId.get(orderId);
        if (!o || !SEAT_HOLDING_STATES.includes(o.status)) out.push(`hold on ${t._id} for order ${orderId} which is ${o?.status ?? "missing"}`);
      }
    }
  }

  for (const o of orders) {
    const wx = sim.orders[o.outTradeNo];
    const paidThere = wx && (wx.tradeState === "SUCCESS" || wx.tradeState === "REFUND");
    if (["PAID", "PARTIALLY_REFUNDED", "REFUNDED"].includes(o.status) && (!paidThere || wx.transactionId !== o.transactionId)) out.push(`order ${o._id} is ${o.status} here but not paid at WeChat Pay`);
    if (o.transactionId && (!paidThere || wx.transactionId !== o.transactionId)) out.push(`order ${o._id} holds transaction ${o.transactionId} that WeChat Pay does not have`);
    const reserved = Object.values(o.refundReservations ?? {}).reduce((a, b) => a + b, 0);
    if (reserved !== o.refundReserved) out.push(`order ${o._id}: refundReserved ${o.refundReserved} != Σ reservations ${reserved}`);
    const credited = Object.values(o.refundCredits ?? {}).reduce((a, b) => a + b, 0);
    if (credited !== o.refundedAmount) out.push(`order ${o._id}: refundedAmount ${o.refundedAmount} != Σ credits ${credited}`);
    if (o.refundReserved > o.amount || o.refundedAmount > o.refundReserved) out.push(`order ${o._id}: refunded ${o.refundedAmount} ≤ reserved ${o.refundReserved} ≤ amount ${o.amount} broken`);
    const thereRefunded = Object.values(sim.refunds).filter((r) => r.outTradeNo === o.outTradeNo && r.status === "SUCCESS").reduce((a, r) => a + r.refund, 0);
    if (o.refundedAmount > thereRefunded) out.push(`order ${o._id}: refunded here ${o.refundedAmount} > refunded at WeChat Pay ${thereRefunded}`);
    if (wx && thereRefunded > wx.total) out.push(`order ${o._id}: WeChat Pay refunded ${thereRefunded} > paid ${wx.total}`);
    if (settled) {
      if (o.refundedAmount !== thereRefunded) out.push(`order ${o._id}: refunded here ${o.refundedAmount} != at WeChat Pay ${thereRefunded}`);
      if (o.status === "CLOSED" && o.transactionId && o.refundedAmount !== o.amount) out.push(`order ${o._id}: paid after closing and not fully refunded (${o.refundedAmount}/${o.amount})`);
      if (SEAT_HOLDING_STATES.includes(o.status) && !trains.find((t) => t._id === o.train.trainId)?.holds?.[o._id]) out.push(`order ${o._id} is ${o.status} without a seat hold`);
      for (const id of Object.keys(o.refundReservations ?? {})) {
        const r = refunds.find((x) => x._id === id);
        if (!r || r.status === "FAILED" || r.status === "CLOSED") out.push(`order ${o._id}: reservation ${id} for a refund that is ${r?.status ?? "missing"}`);
      }
    }
  }
  if (settled) {
    for (const [no, wx] of Object.entries(sim.orders)) {
      if (wx.tradeState !== "SUCCESS" && wx.tradeState !== "REFUND") continue;
      const o = orders.find((x) => x.outTradeNo === no);
      if (!o || o.transactionId !== wx.transactionId) out.push(`paid at WeChat Pay but not here: ${no} (${o?.status ?? "missing"})`);
    }
    for (const r of refunds) {
      if (r.status === "CREATED" || r.status === "PROCESSING") out.push(`refund ${r._id} still ${r.status} after the final sweep`);
      if (r.reservationHeld && (r.status === "FAILED" || r.status === "CLOSED")) out.push(`refund ${r._id} ${r.status} still holds its reservation`);
    }
  }
  return out;
}

let delivered = 0;
/** Delivers every notification WeChat Pay has queued (errors are WeChat Pay's to retry: kept). */
export async function deliverAll(w: World): Promise<void> {
  const pending = w.wx.outbox.splice(0);
  for (const n of pending) {
    try {
      await applyNotification(w.deps, LedgerGateway.parsed(n, `n-${++delivered}`));
    } catch {
      w.wx.outbox.push(n); // answered 500: sent again later
    }
  }
}

/** Lets everything finish: notifications delivered, refunds settled at WeChat Pay, time passing
 *  past every expiry and resubmit delay, sweeps; until nothing changes. */
export async function drain(w: World, rounds = 8): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await deliverAll(w);
    for (const r of Object.values(w.wx.store.state.refunds)) if (r.status === "PROCESSING") w.wx.settleRefund(r.outRefundNo, "SUCCESS");
    await deliverAll(w);
    w.clock.advance(20 * 60_000);
    await sweep(w.deps);
  }
  await deliverAll(w);
}
