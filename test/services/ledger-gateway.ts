// The WeChat Pay simulator's own ledger in-process, behind the PaymentGateway interface: the same
// field rules (validatePrepay/validateRefund) and state machine the simulator answers HTTP with, no
// signing or HTTP (those are proven by test/core and test/sim). Faults are queued per endpoint and
// cover the three ways a call ends: refused, unknown before it took effect, and unknown after it did
// (the answer was lost). Notifications the ledger emits are captured for the test to deliver.
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { abnormalTarget } from "../../dev/wxpay-sim/abnormal-target";
import { Ledger } from "../../dev/wxpay-sim/ledger";
import type { NotificationInput, Notifier } from "../../dev/wxpay-sim/notifier";
import { SimStore } from "../../dev/wxpay-sim/state";
import { buildTradeBill } from "../../dev/wxpay-sim/trade-bill";
import { canonicalJson, validateAbnormalRefund, validatePrepay, validateRefund } from "../../dev/wxpay-sim/validate";
import type { Checked } from "../../dev/wxpay-sim/api-error";
import type { MiniProgramPayParams } from "../../shared/contracts/api";
import { parseTradeBill } from "../../shared/wechatpay/bill";
import { toChinaRfc3339 } from "../../shared/wechatpay/request-rules";
import type {
  AbnormalRefundRequest,
  GatewayResult,
  PaymentGateway,
  PaymentNotification,
  PrepayRequest,
  RefundCreateRequest,
  RefundRecord,
  Transaction,
} from "../../shared/wechatpay/types";
import { toRefundRecord, toTransaction } from "../../shared/wechatpay/wire";

export type Endpoint = "prepay" | "query" | "close" | "refund" | "refund_query" | "abnormal_refund";
export type Fault =
  | { kind: "refuse"; status?: number; code: string }
  /** Never reached WeChat Pay (connection refused, timeout before sending). */
  | { kind: "unknown" }
  /** Reached it and took effect; the answer was lost (timeout, 5xx after applying). */
  | { kind: "lost" };

/** The simulator's store without its file: state in memory only. */
class MemorySimStore extends SimStore {
  override flush(): void {}
}

export const MERCHANT = { mchid: "1900000109", appid: "wx8888888888888888" };
const NOTIFY_URL = "http://127.0.0.1:9/api/payment/notify";

export class LedgerGateway implements PaymentGateway {
  readonly mode = "wechatpay" as const;
  // A path that never exists: nothing is read, and flush() is off, so nothing is written (no
  // temporary directory per world).
  readonly store = new MemorySimStore(join(tmpdir(), `ledger-${randomUUID()}`, "none.json"));
  readonly ledger: Ledger;
  /** Notifications the ledger sent, not yet delivered by the test. */
  readonly outbox: NotificationInput[] = [];
  private readonly faults = new Map<Endpoint, Fault[]>();
  readonly calls: Record<Endpoint, number> = { prepay: 0, query: 0, close: 0, refund: 0, refund_query: 0, abnormal_refund: 0 };

  constructor(private readonly now: () => number) {
    // The Notifier type is a class with network machinery; only enqueue is used by the ledger.
    const notifier = { enqueue: (n: NotificationInput) => void this.outbox.push(n) } as unknown as Notifier;
    this.ledger = new Ledger(this.store, notifier, now, 1, 0);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  fail(endpoint: Endpoint, fault: Fault, times = 1): void {
    const q = this.faults.get(endpoint) ?? [];
    for (let i = 0; i < times; i++) q.push(fault);
    this.faults.set(endpoint, q);
  }

  private async call<W, T>(endpoint: Endpoint, run: () => Checked<W>, map: (w: W) => T | undefined): Promise<GatewayResult<T>> {
    this.calls[endpoint]++;
    const fault = this.faults.get(endpoint)?.shift();
    if (fault?.kind === "refuse")
      return { kind: "business_error", httpStatus: fault.status ?? 400, code: fault.code, message: `${fault.code} (injected)` };
    if (fault?.kind === "unknown") return { kind: "unknown", reason: "timeout (injected, before sending)" };
    const r = run();
    if (fault?.kind === "lost") return { kind: "unknown", reason: "answer lost (injected, after applying)" };
    if (!r.ok) {
      // WeChat Pay's 5xx are "outcome unknown" to the gateway.
      if (r.error.status >= 500) return { kind: "unknown", reason: r.error.code };
      return { kind: "business_error", httpStatus: r.error.status, code: r.error.code, message: r.error.message };
    }
    const v = map(r.value);
    return v === undefined ? { kind: "unknown", reason: "unexpected answer" } : { kind: "ok", value: v };
  }

  jsapiPrepay(req: PrepayRequest): Promise<GatewayResult<{ prepayId: string }>> {
    const body = {
      appid: MERCHANT.appid,
      mchid: MERCHANT.mchid,
      description: req.description,
      out_trade_no: req.outTradeNo,
      time_expire: toChinaRfc3339(req.expiresAt),
      notify_url: NOTIFY_URL,
      amount: { total: req.amount, currency: "CNY" },
      payer: { openid: req.payerOpenid },
      ...(req.attach ? { attach: req.attach } : {}),
    };
    return this.call(
      "prepay",
      () => {
        const input = validatePrepay(body, this.now());
        return input.ok ? this.ledger.prepay(input.value, canonicalJson(body)) : input;
      },
      (v) => ({ prepayId: v.prepay_id }),
    );
  }

  payParams(prepayId: string): MiniProgramPayParams {
    return {
      timeStamp: String(Math.floor(this.now() / 1000)),
      nonceStr: "n",
      package: `prepay_id=${prepayId}`,
      signType: "RSA",
      paySign: "in-process",
    };
  }

  queryByOutTradeNo(outTradeNo: string): Promise<GatewayResult<Transaction>> {
    return this.call("query", () => this.ledger.queryByOutTradeNo(outTradeNo), toTransaction);
  }
  queryByTransactionId(transactionId: string): Promise<GatewayResult<Transaction>> {
    return this.call("query", () => this.ledger.queryByTransactionId(transactionId), toTransaction);
  }
  close(outTradeNo: string): Promise<GatewayResult<void>> {
    return this.call(
      "close",
      (): Checked<null> => {
        const e = this.ledger.closeOrder(outTradeNo);
        return e ? { ok: false, error: e } : { ok: true, value: null };
      },
      () => undefined as undefined,
    ).then((r) => (r.kind === "unknown" && r.reason === "unexpected answer" ? { kind: "ok", value: undefined } : r));
  }
  refund(req: RefundCreateRequest): Promise<GatewayResult<RefundRecord>> {
    const body = {
      out_trade_no: req.outTradeNo,
      out_refund_no: req.outRefundNo,
      ...(req.reason ? { reason: req.reason } : {}),
      notify_url: NOTIFY_URL,
      amount: { refund: req.refund, total: req.total, currency: "CNY" },
    };
    return this.call(
      "refund",
      () => {
        const input = validateRefund(body);
        return input.ok ? this.ledger.refund(input.value, canonicalJson(body)) : input;
      },
      toRefundRecord,
    );
  }
  queryRefund(outRefundNo: string): Promise<GatewayResult<RefundRecord>> {
    return this.call("refund_query", () => this.ledger.refundQuery(outRefundNo), toRefundRecord);
  }
  /** 发起异常退款 through the simulator's own validation and re-route (the bank fields in clear: the
   *  encryption is the HTTP gateway's, proven by test/sim/abnormal-refund.test.ts). */
  applyAbnormalRefund(req: AbnormalRefundRequest): Promise<GatewayResult<RefundRecord>> {
    const body =
      req.type === "USER_BANK_CARD"
        ? {
            out_refund_no: req.outRefundNo,
            type: req.type,
            bank_type: req.bankType,
            bank_account: req.bankAccount,
            real_name: req.realName,
          }
        : { out_refund_no: req.outRefundNo, type: req.type };
    return this.call(
      "abnormal_refund",
      () => {
        const input = validateAbnormalRefund(body);
        if (!input.ok) return input;
        const v = input.value;
        const target = abnormalTarget(
          v.type === "USER_BANK_CARD"
            ? { type: v.type, bankType: v.bank_type!, account: v.bank_account!, name: v.real_name! }
            : { type: v.type },
        );
        return target.ok
          ? this.ledger.applyAbnormalRefund(req.refundId, v.out_refund_no, target.value.receivedAccount, target.value.requestKey)
          : target;
      },
      toRefundRecord,
    );
  }
  async tradeBill(billDate: string) {
    const text = buildTradeBill(this.store.state, billDate, "ALL");
    if (text === null) return { kind: "business_error" as const, httpStatus: 400, code: "NO_STATEMENT_EXIST", message: "no bill" };
    const parsed = parseTradeBill(text);
    return parsed.ok ? { kind: "ok" as const, value: parsed.bill } : { kind: "unknown" as const, reason: parsed.reason };
  }

  // ---- the payer and WeChat Pay's own moves ----

  /** The payer pays in the WeChat sheet; the notification goes to the outbox. */
  pay(prepayId: string): boolean {
    return this.ledger.pay(prepayId, {}).ok;
  }
  /** Ends a PROCESSING refund as WeChat Pay would (SUCCESS, CLOSED or ABNORMAL). */
  settleRefund(outRefundNo: string, status: "SUCCESS" | "CLOSED" | "ABNORMAL"): boolean {
    return this.ledger.settleRefund(outRefundNo, status, {}).ok;
  }
  /** A captured notification as the parser would hand it over after verifying and decrypting. */
  static parsed(n: NotificationInput, id: string): PaymentNotification {
    const base = { id, createTime: new Date().toISOString(), summary: n.summary, serial: "in-process" };
    if (n.eventType === "TRANSACTION.SUCCESS")
      return { ...base, eventType: n.eventType, transaction: toTransaction(n.plaintext) as Transaction };
    return { ...base, eventType: n.eventType, refund: toRefundRecord(n.plaintext) as RefundRecord };
  }
}
