// Ids derived from idempotency keys, so a retried request finds the same document by _id.
import { createHash } from "node:crypto";

const h24 = (s: string): string => createHash("sha256").update(s).digest("hex").slice(0, 24);

export const orderIdFor = (openid: string, clientToken: string): string => h24(`order|${openid}|${clientToken}`);
/** "TP" + 24 lower-case hex digits (26 characters): within WeChat Pay's 6–32 rule ([0-9A-Za-z_-|*]), and the
 *  order id is recoverable from it. */
export const outTradeNoFor = (orderId: string): string => `TP${orderId}`;
export const orderIdFromOutTradeNo = (outTradeNo: string): string | undefined =>
  /^TP[0-9a-f]{24}$/.test(outTradeNo) ? outTradeNo.slice(2) : undefined;

/** Ticket i (0-based) of an order; the index is recoverable, so a ticket is found without a lookup. */
export const ticketIdFor = (orderId: string, index: number): string => `${orderId}-${index + 1}`;
export const TICKET_ID = /^[0-9a-f]{24}-[1-5]$/;
export function ticketIndexOf(orderId: string, ticketId: string): number | undefined {
  if (!TICKET_ID.test(ticketId) || !ticketId.startsWith(`${orderId}-`)) return undefined;
  return Number(ticketId.slice(orderId.length + 1)) - 1;
}

export const refundIdFor = (openid: string, orderId: string, refundToken: string): string =>
  h24(`refund|${openid}|${orderId}|${refundToken}`);
/** A payment that arrived for a closed order is refunded once, keyed by the transaction. */
export const autoRefundIdFor = (transactionId: string): string => h24(`autorefund|${transactionId}`);
export const outRefundNoFor = (refundId: string): string => `RF${refundId}`;
export const refundIdFromOutRefundNo = (outRefundNo: string): string | undefined =>
  /^RF[0-9a-f]{24}$/.test(outRefundNo) ? outRefundNo.slice(2) : undefined;

export const fingerprintOf = (value: unknown): string => createHash("sha256").update(JSON.stringify(value)).digest("hex");
