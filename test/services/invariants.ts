// What must hold between our database and WeChat Pay's own state (the simulator's ledger), checked
// after every model run and by the defect tests. `settled` adds what must hold once everything in
// flight has been delivered and swept.
import { applyNotification } from "../../shared/services/notify";
import { sweep } from "../../shared/services/sweeper";
import { LIVE_TICKET_STATES, SEAT_HOLDING_STATES } from "../../shared/orders/state-machine";
import type { TrainDoc } from "../../shared/catalog/catalog";
import { seatLayout } from "../../shared/catalog/seat-layout";
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
    const layout = new Map(
      Object.values(seatLayout(t.seats))
        .flat()
        .map((x) => [x.key, x]),
    );
    const holds = Object.entries(t.seatMap ?? {});
    for (const [c, s] of Object.entries(t.seats)) {
      const held = holds.filter(([, h]) => h.seatClass === c).length;
      if (s.total - s.remaining !== held) out.push(`seats ${t._id}/${c}: total ${s.total} - remaining ${s.remaining} != held ${held}`);
      if (s.remaining < 0) out.push(`seats ${t._id}/${c}: remaining ${s.remaining} < 0`);
    }
    const byTicket = new Map<string, string>();
    for (const [key, h] of holds) {
      if (layout.get(key)?.seatClass !== h.seatClass) out.push(`hold ${t._id}/${key}: not a ${h.seatClass} seat of this train`);
      if (byTicket.has(h.ticketId)) out.push(`ticket ${h.ticketId} holds two seats on ${t._id}: ${byTicket.get(h.ticketId)} and ${key}`);
      byTicket.set(h.ticketId, key);
      if (t.riders?.[h.rider] !== h.ticketId)
        out.push(`hold ${t._id}/${key}: rider entry ${t.riders?.[h.rider]} is not its ticket ${h.ticketId}`);
    }
    for (const [rider, ticketId] of Object.entries(t.riders ?? {}))
      if (!byTicket.has(ticketId)) out.push(`rider ${rider} on ${t._id} names ticket ${ticketId} which holds no seat`);
    if (settled) {
      for (const [key, h] of holds) {
        const o = byId.get(h.orderId);
        const ticket = o?.tickets.find((x) => x.ticketId === h.ticketId);
        if (!o || !SEAT_HOLDING_STATES.includes(o.status) || !ticket || !LIVE_TICKET_STATES.includes(ticket.status))
          out.push(
            `hold ${t._id}/${key} for ticket ${h.ticketId} which is ${ticket?.status ?? "missing"} in an order ${o?.status ?? "missing"}`,
          );
      }
    }
  }

  // Never two live tickets on one seat (as the orders show them), once they are past booking.
  const seatOwners = new Map<string, string>();
  for (const o of orders) {
    if (!["PAID", "PARTIALLY_REFUNDED"].includes(o.status)) continue;
    for (const tk of o.tickets) {
      if (!LIVE_TICKET_STATES.includes(tk.status)) continue;
      const k = `${o.train.trainId}/${tk.seatKey}`;
      if (seatOwners.has(k)) out.push(`two live tickets on ${k}: ${seatOwners.get(k)} and ${tk.ticketId}`);
      seatOwners.set(k, tk.ticketId);
    }
  }

  // At most one unpaid, unexpired order per user with a prepay (what can still be paid).
  const payable = new Map<string, number>();
  for (const o of orders)
    if (o.status === "PENDING" && o.prepayId && o.expiresAt > w.clock.now()) payable.set(o.openid, (payable.get(o.openid) ?? 0) + 1);
  for (const [openid, n] of payable) if (n > 1) out.push(`user ${openid} has ${n} payable unpaid orders`);

  for (const o of orders) {
    const wx = sim.orders[o.outTradeNo];
    const paidThere = wx && (wx.tradeState === "SUCCESS" || wx.tradeState === "REFUND");
    if (["PAID", "PARTIALLY_REFUNDED", "REFUNDED"].includes(o.status) && (!paidThere || wx.transactionId !== o.transactionId))
      out.push(`order ${o._id} is ${o.status} here but not paid at WeChat Pay`);
    if (o.transactionId && (!paidThere || wx.transactionId !== o.transactionId))
      out.push(`order ${o._id} holds transaction ${o.transactionId} that WeChat Pay does not have`);
    const reserved = Object.values(o.refundReservations ?? {}).reduce((a, b) => a + b, 0);
    if (reserved !== o.refundReserved) out.push(`order ${o._id}: refundReserved ${o.refundReserved} != Σ reservations ${reserved}`);
    const credited = Object.values(o.refundCredits ?? {}).reduce((a, b) => a + b, 0);
    if (credited !== o.refundedAmount) out.push(`order ${o._id}: refundedAmount ${o.refundedAmount} != Σ credits ${credited}`);
    if (o.refundReserved > o.amount || o.refundedAmount > o.refundReserved)
      out.push(`order ${o._id}: refunded ${o.refundedAmount} ≤ reserved ${o.refundReserved} ≤ amount ${o.amount} broken`);
    const thereRefunded = Object.values(sim.refunds)
      .filter((r) => r.outTradeNo === o.outTradeNo && r.status === "SUCCESS")
      .reduce((a, r) => a + r.refund, 0);
    if (o.refundedAmount > thereRefunded)
      out.push(`order ${o._id}: refunded here ${o.refundedAmount} > refunded at WeChat Pay ${thereRefunded}`);
    if (wx && thereRefunded > wx.total) out.push(`order ${o._id}: WeChat Pay refunded ${thereRefunded} > paid ${wx.total}`);
    out.push(...ticketViolations(o, refunds));
    if (settled) {
      if (o.refundedAmount !== thereRefunded)
        out.push(`order ${o._id}: refunded here ${o.refundedAmount} != at WeChat Pay ${thereRefunded}`);
      // An ABNORMAL automatic refund waits for the merchant to re-route the money (nothing to drain).
      const waiting = refunds.some((r) => r.orderId === o._id && r.automatic && r.status === "ABNORMAL");
      if (o.status === "CLOSED" && o.transactionId && o.refundedAmount !== o.amount && !waiting)
        out.push(`order ${o._id}: paid after closing and not fully refunded (${o.refundedAmount}/${o.amount})`);
      const train = trains.find((t) => t._id === o.train.trainId);
      if (SEAT_HOLDING_STATES.includes(o.status)) {
        for (const tk of o.tickets) {
          if (!LIVE_TICKET_STATES.includes(tk.status)) continue;
          const h = train?.seatMap?.[tk.seatKey];
          if (h?.ticketId !== tk.ticketId)
            out.push(
              `ticket ${tk.ticketId} (${tk.status}, order ${o.status}) shows seat ${tk.seatKey} which holds ${h?.ticketId ?? "nothing"}`,
            );
        }
      }
      for (const id of Object.keys(o.refundReservations ?? {})) {
        const r = refunds.find((x) => x._id === id);
        if (!r || r.status === "FAILED" || r.status === "CLOSED")
          out.push(`order ${o._id}: reservation ${id} for a refund that is ${r?.status ?? "missing"}`);
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
      if (r.reservationHeld && (r.status === "FAILED" || r.status === "CLOSED"))
        out.push(`refund ${r._id} ${r.status} still holds its reservation`);
    }
  }
  return out;
}

/** Tickets agree with their order and its refunds. */
function ticketViolations(o: OrderDoc, refunds: RefundDoc[]): string[] {
  const out: string[] = [];
  const statuses = o.tickets.map((t) => t.status);
  const allowed: Record<OrderDoc["status"], readonly string[]> = {
    PENDING: ["UNPAID"],
    CLOSED: ["CANCELLED"],
    PAID: ["ISSUED", "REFUNDING"],
    PARTIALLY_REFUNDED: ["ISSUED", "REFUNDING", "REFUNDED"],
    REFUNDED: ["REFUNDED"],
  };
  for (const st of statuses) if (!allowed[o.status].includes(st)) out.push(`order ${o._id} is ${o.status} with a ticket ${st}`);
  if (o.tickets.length !== o.passengers.length)
    out.push(`order ${o._id}: ${o.tickets.length} tickets for ${o.passengers.length} passengers`);
  for (const t of o.tickets) {
    if (
      t.status === "REFUNDING" &&
      (!t.refundId || o.refundReservations[t.refundId] === undefined || o.refundCredits[t.refundId] !== undefined)
    )
      out.push(`ticket ${t.ticketId} REFUNDING without an open reservation of its refund ${t.refundId}`);
    if (t.status === "ISSUED" && t.refundId) out.push(`ticket ${t.ticketId} ISSUED still names refund ${t.refundId}`);
    if (t.refundId && t.status === "REFUNDED" && o.refundCredits[t.refundId] === undefined)
      out.push(`ticket ${t.ticketId} REFUNDED by ${t.refundId} which was never credited`);
  }
  for (const r of refunds.filter((x) => x.orderId === o._id && x.tickets)) {
    const sum = r.tickets!.reduce((a, t) => a + t.refundAmount, 0);
    if (sum !== r.amount) out.push(`refund ${r._id}: amount ${r.amount} != Σ ticket refunds ${sum}`);
    for (const rt of r.tickets!) {
      const t = o.tickets.find((x) => x.ticketId === rt.ticketId);
      if (!t || rt.fee + rt.refundAmount !== t.price)
        out.push(`refund ${r._id}: ticket ${rt.ticketId} fee ${rt.fee} + refund ${rt.refundAmount} != price ${t?.price}`);
      const holds =
        r.status !== "FAILED" &&
        r.status !== "CLOSED" &&
        (r.reservationHeld || r.status === "SUCCESS") &&
        o.refundReservations[r._id] !== undefined;
      if (holds && t?.refundId !== r._id) out.push(`refund ${r._id} (${r.status}) reserved but ticket ${rt.ticketId} names ${t?.refundId}`);
      if (r.status === "SUCCESS" && o.refundCredits[r._id] !== undefined && t?.status !== "REFUNDED")
        out.push(`refund ${r._id} credited but ticket ${rt.ticketId} is ${t?.status}`);
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
