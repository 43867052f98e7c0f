// 出发提醒: two hours before departure the sweeper sends the reminder the traveller accepted at
// 提交订单, once. The order carries `reminderDue` until then; the sweeper's claim removes it with a
// compare-and-set (only one sweep can win it), then sends, then records the outcome on the order.
import { LIVE_TICKET_STATES } from "../orders/state-machine";
import type { LogContext } from "../runtime/log";
import type { OrderDoc } from "../store/model";
import type { StoreDeps } from "./deps";
import { messageData, sendNotice } from "./notices";

/** How long before departure the reminder goes. */
export const REMINDER_BEFORE_MS = 2 * 3600_000;

const PAID = ["PAID", "PARTIALLY_REFUNDED"] as const;

/** Paid orders with the reminder still due and departure within two hours (or passed: dropped). */
export function dueReminders(deps: StoreDeps, limit: number): Promise<OrderDoc[]> {
  return deps.db.orders.find({ reminderDue: true, status: { $in: PAID }, departAt: { $lte: deps.now() + REMINDER_BEFORE_MS } }, { limit });
}

/** Claims and sends one reminder; true when this call sent it (or tried: a failure is recorded). A
 *  train that has left, or an order without a ticket to travel on, loses the reminder unsent. */
export async function sendReminder(deps: StoreDeps, order: OrderDoc, log: LogContext): Promise<boolean> {
  const travels = (order.departAt ?? 0) > deps.now() && (order.tickets ?? []).some((t) => LIVE_TICKET_STATES.includes(t.status));
  const claimed = await deps.db.orders.update(
    { _id: order._id, reminderDue: true, status: { $in: PAID } },
    {
      $unset: { reminderDue: true },
      ...(travels ? { $set: { reminder: { at: deps.now(), result: "failed", reason: "interrupted" } } } : {}),
    },
  );
  if (claimed !== 1 || !travels) return false;
  const notice = (await sendNotice(deps, "departureReminder", order, messageData.departureReminder(order), log)) ?? {
    at: deps.now(),
    result: "failed" as const,
    reason: "no sender",
  };
  await deps.db.orders.update({ _id: order._id }, { $set: { reminder: notice } });
  return true;
}
