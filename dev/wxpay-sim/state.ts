// What the simulator remembers, persisted as one JSON file in $DATA_DIR/wxpay-sim/ so a restart
// keeps transactions, refunds and pending deliveries. Writes are atomic (temp file + rename).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export type TradeState = "NOTPAY" | "SUCCESS" | "CLOSED" | "REFUND" | "PAYERROR";
export type RefundStatus = "PROCESSING" | "SUCCESS" | "ABNORMAL" | "CLOSED";

export interface OrderRecord {
  outTradeNo: string;
  appid: string;
  mchid: string;
  description: string;
  attach?: string;
  notifyUrl: string;
  timeExpire?: string;
  /** Epoch ms of time_expire, when given. */
  expiresAt?: number;
  total: number;
  currency: string;
  openid: string;
  /** Canonical JSON of the prepay body: a repeat with different content is refused. */
  requestKey: string;
  prepayId: string;
  prepayCreatedAt: number;
  createdAt: number;
  tradeState: TradeState;
  transactionId?: string;
  /** Epoch ms of the payment. */
  paidAt?: number;
  bankType?: string;
}

export interface RefundRecord {
  refundId: string;
  outRefundNo: string;
  outTradeNo: string;
  transactionId: string;
  reason?: string;
  notifyUrl?: string;
  refund: number;
  total: number;
  requestKey: string;
  status: RefundStatus;
  createdAt: number;
  /** Epoch ms when the refund settles by itself (real time of this process, for the timer). */
  settleDueAt?: number;
  settledAt?: number;
  /** Where the money went after an 发起异常退款 re-route (user_received_account); default 支付用户零钱. */
  receivedAccount?: string;
  /** Fingerprint of the accepted re-route request (decrypted content): a repeat answers the same. */
  abnormalRequestKey?: string;
}

export interface DeliveryAttempt {
  /** ISO time of sending. */
  at: string;
  kind: "delivery" | "duplicate" | "signtest";
  /** HTTP status answered, or null when there was no answer. */
  status: number | null;
  /** "timeout", "refused: …", "not delivered: …" when there was no answer. */
  error?: string;
  /** Answer body (first 2000 characters). */
  answer: string;
  durationMs: number;
  /** Wechatpay-Serial the attempt was signed with. */
  serial: string;
}

export interface NotificationOptions {
  duplicate?: boolean;
  signtest?: boolean;
  drop?: boolean;
}

export interface NotificationRecord {
  id: string;
  eventType: string;
  url: string;
  outTradeNo: string;
  outRefundNo?: string;
  /** The exact JSON body sent on every attempt. */
  body: string;
  createdAt: string;
  options: NotificationOptions;
  status: "pending" | "delivered" | "failed" | "dropped";
  /** Real epoch ms of the next attempt while pending. */
  nextAttemptAt?: number;
  /** True once a SIGNTEST probe was answered non-2xx (as a merchant should). */
  signtestRejected?: boolean;
  attempts: DeliveryAttempt[];
}

export interface SimState {
  orders: Record<string, OrderRecord>;
  /** prepay_id → out_trade_no */
  prepays: Record<string, string>;
  refunds: Record<string, RefundRecord>;
  /** transaction_id → out_trade_no */
  transactions: Record<string, string>;
  notifications: NotificationRecord[];
  /** openid → the AppID it was issued for (POST /sim/openids). An openid not listed is taken as
   *  issued for the merchant's own AppID. */
  openids: Record<string, string>;
}

export class SimStore {
  readonly state: SimState;

  constructor(private readonly file: string) {
    this.state = existsSync(file)
      ? (JSON.parse(readFileSync(file, "utf8")) as SimState)
      : { orders: {}, prepays: {}, refunds: {}, transactions: {}, notifications: [], openids: {} };
    this.state.openids ??= {}; // state files written before the registry existed
  }

  private pending: NodeJS.Immediate | undefined;
  private waiting: (() => void)[] = [];

  /** Resolves once every change made so far is on disk. Answers wait for it: nothing is answered
   *  that a kill -9 could take back, and changes of one turn still share one write. */
  durable(): Promise<void> {
    if (!this.pending) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Called after every change. Changes made in one turn of the event loop are written together:
   *  the file is the whole state, and rewriting it per change made the simulator the bottleneck
   *  of the local stack under load. close() flushes. */
  save(): void {
    this.pending ??= setImmediate(() => this.flush());
  }

  /** Writes the state now (atomically: temp file + rename). */
  flush(): void {
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state), { mode: 0o600 });
    renameSync(tmp, this.file);
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  orderByTransactionId(transactionId: string): OrderRecord | undefined {
    const outTradeNo = this.state.transactions[transactionId];
    return outTradeNo === undefined ? undefined : this.state.orders[outTradeNo];
  }

  refundsOf(outTradeNo: string): RefundRecord[] {
    return Object.values(this.state.refunds).filter((r) => r.outTradeNo === outTradeNo);
  }
}
