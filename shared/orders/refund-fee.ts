// 退票费 by 12306's published rule (sources in docs/tickets.md): by the time left before departure,
// 8 days or more free, 48 hours to 8 days 5 %, 24 to 48 hours 10 %, under 24 hours 20 % of the
// ticket's price; the fee rounded to 0.5 yuan (a tail under 0.25 yuan dropped, 0.25 to under 0.75
// counted as 0.5, 0.75 and up as 1 yuan) and at least 2 yuan when a fee is charged. Departed: no 退票.

const HOUR_MS = 3600_000;

/** Tiers from the longest lead time down; a lead time equal to a bound belongs to that tier
 *  ("8天（含）以上", "48小时及其以上", "24小时及其以上"). */
export const FEE_TIERS: readonly { minLeadMs: number; percent: number }[] = [
  { minLeadMs: 8 * 24 * HOUR_MS, percent: 0 },
  { minLeadMs: 48 * HOUR_MS, percent: 5 },
  { minLeadMs: 24 * HOUR_MS, percent: 10 },
  { minLeadMs: 1, percent: 20 },
];

/** The smallest fee charged when a fee is charged at all: 2 yuan. */
export const MIN_FEE_FEN = 200;

/** The percent charged when asking at `at` for a train leaving at `departAt`; undefined once departed. */
export function feePercentAt(departAt: number, at: number): number | undefined {
  const lead = departAt - at;
  return FEE_TIERS.find((t) => lead >= t.minLeadMs)?.percent;
}

/** The fee for one ticket of `price` fen at `percent`: to the nearest 50 fen, halves up, at least
 *  2 yuan when charged, never more than the price. Integer arithmetic only. */
export function refundFee(price: number, percent: number): number {
  if (percent <= 0) return 0;
  // price × percent is the fee in hundredths of a fen; 5000 of those are 50 fen (0.5 yuan).
  const fee = Math.floor((price * percent + 2500) / 5000) * 50;
  return Math.min(price, Math.max(fee, MIN_FEE_FEN));
}

export interface TicketRefund {
  ticketId: string;
  fee: number;
  refundAmount: number;
}

/** Fee and refund of each ticket (by price) at `at`; undefined once the train has departed. */
export function quoteTickets(
  tickets: readonly { ticketId: string; price: number }[],
  departAt: number,
  at: number,
): { percent: number; tickets: TicketRefund[]; fee: number; amount: number } | undefined {
  const percent = feePercentAt(departAt, at);
  if (percent === undefined) return undefined;
  const each = tickets.map((t) => {
    const fee = refundFee(t.price, percent);
    return { ticketId: t.ticketId, fee, refundAmount: t.price - fee };
  });
  return { percent, tickets: each, fee: each.reduce((s, t) => s + t.fee, 0), amount: each.reduce((s, t) => s + t.refundAmount, 0) };
}
