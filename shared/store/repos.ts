// Typed collections over a Database handle: what the services are given (never a module singleton).
import type { TrainDoc } from "../catalog/catalog";
import type { Database, Filter, FindOptions, Update } from "./database";
import {
  COLLECTIONS,
  type NotifyRejectionsDoc,
  type OrderDoc,
  type PaymentEventDoc,
  type ReconcileReport,
  type RefundDoc,
  type SavedPassengerDoc,
  type UserDoc,
} from "./model";

export class Collection<T extends { _id: string }> {
  constructor(
    private readonly db: Database,
    readonly name: string,
  ) {}

  async get(id: string): Promise<T | undefined> {
    return (await this.db.get(this.name, id)) as T | undefined;
  }
  insert(doc: T): Promise<"inserted" | "duplicate"> {
    return this.db.insert(this.name, doc);
  }
  append(doc: Omit<T, "_id">): Promise<string> {
    return this.db.append(this.name, doc as Record<string, unknown>);
  }
  /** Compare-and-set; see Database.update for what 0 means. */
  update(where: Filter, update: Update): Promise<number> {
    return this.db.update(this.name, where, update);
  }
  async find(where: Filter, opts?: FindOptions): Promise<T[]> {
    return (await this.db.find(this.name, where, opts)) as T[];
  }
  remove(where: Filter): Promise<number> {
    return this.db.remove(this.name, where);
  }
  set(doc: T): Promise<void> {
    return this.db.set(this.name, doc);
  }
}

export interface Repos {
  users: Collection<UserDoc>;
  trains: Collection<TrainDoc>;
  orders: Collection<OrderDoc>;
  refunds: Collection<RefundDoc>;
  paymentEvents: Collection<PaymentEventDoc>;
  reconciliations: Collection<ReconcileReport>;
  notifyRejections: Collection<NotifyRejectionsDoc>;
  passengers: Collection<SavedPassengerDoc>;
}

export function createRepos(db: Database): Repos {
  return {
    users: new Collection<UserDoc>(db, COLLECTIONS.users),
    trains: new Collection<TrainDoc>(db, COLLECTIONS.trains),
    orders: new Collection<OrderDoc>(db, COLLECTIONS.orders),
    refunds: new Collection<RefundDoc>(db, COLLECTIONS.refunds),
    paymentEvents: new Collection<PaymentEventDoc>(db, COLLECTIONS.paymentEvents),
    reconciliations: new Collection<ReconcileReport>(db, COLLECTIONS.reconciliations),
    notifyRejections: new Collection<NotifyRejectionsDoc>(db, COLLECTIONS.notifyRejections),
    passengers: new Collection<SavedPassengerDoc>(db, COLLECTIONS.passengers),
  };
}
