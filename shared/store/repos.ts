// One typed handle per collection.
import type { TrainDoc } from "../catalog/catalog";
import { Collection } from "./db";
import { COLLECTIONS, type OrderDoc, type PaymentEventDoc, type ReconcileReport, type RefundDoc, type UserDoc } from "./model";

export const users = new Collection<UserDoc>(COLLECTIONS.users);
export const trains = new Collection<TrainDoc>(COLLECTIONS.trains);
export const orders = new Collection<OrderDoc>(COLLECTIONS.orders);
export const refunds = new Collection<RefundDoc>(COLLECTIONS.refunds);
export const paymentEvents = new Collection<PaymentEventDoc>(COLLECTIONS.paymentEvents);
export const reconciliations = new Collection<ReconcileReport>(COLLECTIONS.reconciliations);
