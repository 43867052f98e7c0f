// One record per thing WeChat Pay told us (a verified notification, a query answer, what the
// sweeper found, a mock payment), in one shape, whatever the source. Fields that come from request
// headers are capped: they are not ours to size.
import { chinaDate } from "../catalog/catalog";
import type { EventSource, PaymentEventDoc } from "../store/model";
import type { StoreDeps } from "./deps";

export type EventRecord = Omit<PaymentEventDoc, "_id" | "source" | "at">;

const MAX_FIELD = 64;
/** Printable ASCII, at most 64 characters: what an id or a code from outside may be stored as. */
export function capField(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const clean = v.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > MAX_FIELD ? `${clean.slice(0, MAX_FIELD - 1)}…` : clean;
}

const CAPPED = [
  "notificationId",
  "eventType",
  "requestId",
  "serial",
  "detail",
  "outTradeNo",
  "outRefundNo",
  "transactionId",
  "notice",
] as const;

export async function recordEvent(deps: StoreDeps, source: EventSource, rec: EventRecord): Promise<void> {
  const doc: Record<string, unknown> = { source, at: deps.now(), ...rec };
  for (const k of CAPPED) {
    if (doc[k] === undefined) delete doc[k];
    else doc[k] = capField(String(doc[k]));
  }
  await deps.db.paymentEvents.append(doc as Omit<PaymentEventDoc, "_id">);
}

/** Counts an unverified notification under its China-time day and rejection code. */
export async function countRejection(deps: StoreDeps, code: string): Promise<void> {
  const now = deps.now();
  const day = chinaDate(now);
  const inc = { $inc: { total: 1, [`codes.${code}`]: 1 }, $set: { lastAt: now } };
  if ((await deps.db.notifyRejections.update({ _id: day }, inc)) === 1) return;
  if ((await deps.db.notifyRejections.insert({ _id: day, total: 1, codes: { [code]: 1 }, lastAt: now })) === "inserted") return;
  await deps.db.notifyRejections.update({ _id: day }, inc); // created by a concurrent rejection meanwhile
}
