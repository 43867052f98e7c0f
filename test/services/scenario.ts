// What the in-process scenario tests share: booking and paying through the services over `world()`,
// reading what was stored, what a user would be answered (`detail`), and the decision log lines.
import { afterEach, beforeEach, expect, vi } from "vitest";
import type { OrderDetail, SeatClassCode } from "../../shared/contracts/api";
import { createOrder, type BookingInput } from "../../shared/services/booking";
import type { PaymentDeps } from "../../shared/services/deps";
import { detailOf, ownOrder } from "../../shared/services/traveller-orders";
import type { OrderDoc, PaymentEventDoc, RefundDoc } from "../../shared/store/model";
import { passengers, user, type World } from "./harness";
import { deliverAll } from "./invariants";

export const orderDoc = (w: World, id: string): OrderDoc => {
  const o = (w.mem.all("orders") as unknown as OrderDoc[]).find((x) => x._id === id);
  if (!o) throw new Error(`no order ${id}`);
  return o;
};
export const orderDocs = (w: World) => w.mem.all("orders") as unknown as OrderDoc[];
export const refundDocs = (w: World, orderId?: string) =>
  (w.mem.all("refunds") as unknown as RefundDoc[]).filter((r) => !orderId || r.orderId === orderId);
export const eventDocs = (w: World, match: Partial<PaymentEventDoc> = {}) =>
  (w.mem.all("payment_events") as unknown as PaymentEventDoc[]).filter((e) =>
    Object.entries(match).every(([k, v]) => e[k as keyof PaymentEventDoc] === v),
  );
export const trainDoc = (w: World) => w.mem.all("trains").find((t) => t._id === w.train._id) as unknown as World["train"];
export const remaining = (w: World, seatClass: SeatClassCode = "second") => trainDoc(w).seats[seatClass].remaining;
/** The WeChat Pay side of one order: its refunds as the simulator's ledger holds them. */
export const refundsThere = (w: World, outTradeNo: string) =>
  Object.values(w.wx.store.state.refunds).filter((r) => r.outTradeNo === outTradeNo);

export interface BookOptions {
  seatClass?: SeatClassCode;
  n?: number;
  clientToken?: string;
  deps?: PaymentDeps;
}
/** What user `tag` asks createOrder for (fresh passengers each call: keep it to ask again). */
export const bookingInput = (w: World, tag: string, o: BookOptions = {}): BookingInput => ({
  trainId: w.train._id,
  seatClass: o.seatClass ?? "second",
  passengers: passengers(o.n ?? 1),
  clientToken: o.clientToken ?? `tok-${tag}`,
});
/** createOrder as user `tag` (openid o-<tag>). */
export const book = (w: World, tag: string, o: BookOptions & { input?: BookingInput } = {}) =>
  createOrder(o.deps ?? w.deps, o.input ?? bookingInput(w, tag, o), user(tag));

export const prepayOf = (w: World, orderId: string): string => {
  const p = orderDoc(w, orderId).prepayId;
  if (!p) throw new Error(`order ${orderId} has no prepay`);
  return p;
};

/** Booked, paid in the WeChat sheet, notification delivered: PAID. */
export async function paidOrder(w: World, tag: string, o: BookOptions = {}) {
  const booked = await book(w, tag, o);
  expect(w.wx.pay(prepayOf(w, booked.orderId))).toBe(true);
  await deliverAll(w);
  expect(orderDoc(w, booked.orderId).status).toBe("PAID");
  return booked;
}

/** What the orders function answers the owner for `get`. */
export const detail = async (w: World, tag: string, orderId: string): Promise<OrderDetail> =>
  detailOf(w.deps, await ownOrder(w.deps, user(tag), orderId));

/** Settles every refund WeChat Pay is still processing, with `status`. */
export function settleAll(w: World, status: "SUCCESS" | "CLOSED" | "ABNORMAL" = "SUCCESS"): number {
  const open = Object.values(w.wx.store.state.refunds).filter((r) => r.status === "PROCESSING");
  for (const r of open) expect(w.wx.settleRefund(r.outRefundNo, status)).toBe(true);
  return open.length;
}

/** The services' decision lines (console.log JSON), captured per test instead of printed. */
export function captureLogs(): { lines: () => Record<string, unknown>[]; text: () => string } {
  let out: string[] = [];
  beforeEach(() => {
    out = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void out.push(args.map(String).join(" ")));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return {
    lines: () => out.flatMap((l) => (l.startsWith("{") ? [JSON.parse(l) as Record<string, unknown>] : [])),
    text: () => out.join("\n"),
  };
}
