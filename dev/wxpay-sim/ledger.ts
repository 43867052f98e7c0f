// The simulated WeChat Pay merchant ledger: orders, payments, closes and refunds as state
// machines. Every transition checks the current state first (compare-and-set; the process is
// single-threaded, so check and write happen without an await in between).
import { randomBytes } from "node:crypto";
import { apiError, type ApiError, type Checked } from "./api-error";
import { cstCompact, rfc3339Cst } from "./china-time";
import { randomDigits } from "./crypto";
import type { Notifier } from "./notifier";
import type { NotificationOptions, OrderRecord, RefundRecord, RefundStatus, SimStore, TradeState } from "./state";
import type { PrepayInput, RefundInput } from "./validate";

/** A prepay_id is valid for two hours. */
export const PREPAY_TTL_MS = 2 * 3600_000;
/** A refund settles on its own after this many (time-scaled) seconds by default; 0 = only when
 *  told through POST /sim/refunds/settle. */
export const REFUND_SETTLE_S = 10;

const TRADE_STATE_DESC: Record<TradeState, string> = {
  NOTPAY: "订单未支付",
  SUCCESS: "支付成功",
  CLOSED: "订单已关闭",
  REFUND: "转入退款",
  PAYERROR: "支付失败，请重新下单支付",
};

const REFUND_EVENTS: Record<
  Exclude<RefundStatus, "PROCESSING">,
  { eventType: "REFUND.SUCCESS" | "REFUND.ABNORMAL" | "REFUND.CLOSED"; summary: string }
> = {
  SUCCESS: { eventType: "REFUND.SUCCESS", summary: "退款成功" },
  ABNORMAL: { eventType: "REFUND.ABNORMAL", summary: "退款异常" },
  CLOSED: { eventType: "REFUND.CLOSED", summary: "退款关闭" },
};

const fail = <T>(status: number, code: string, message: string): Checked<T> => ({ ok: false, error: apiError(status, code, message) });
const isPaid = (o: OrderRecord) => o.tradeState === "SUCCESS" || o.tradeState === "REFUND";

export class Ledger {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly store: SimStore,
    private readonly notifier: Notifier,
    private readonly nowMs: () => number,
    private readonly timeScale: number,
    private readonly refundSettleSeconds: number = REFUND_SETTLE_S,
  ) {}

  // ---- WeChat Pay API ----

  prepay(input: PrepayInput, requestKey: string): Checked<{ prepay_id: string }> {
    const now = this.nowMs();
    const existing = this.store.state.orders[input.out_trade_no];
    if (existing) {
      if (existing.requestKey !== requestKey) return fail(400, "INVALID_REQUEST", "201 商户订单号重复");
      if (isPaid(existing)) return fail(400, "ORDERPAID", "该订单已支付");
      if (existing.tradeState === "CLOSED") return fail(400, "ORDERCLOSED", "该订单已关闭");
      if (now - existing.prepayCreatedAt >= PREPAY_TTL_MS) {
        existing.prepayId = this.newPrepayId(now);
        existing.prepayCreatedAt = now;
        this.store.state.prepays[existing.prepayId] = existing.outTradeNo;
        this.store.save();
      }
      return { ok: true, value: { prepay_id: existing.prepayId } };
    }
    const order: OrderRecord = {
      outTradeNo: input.out_trade_no,
      appid: input.appid,
      mchid: input.mchid,
      description: input.description,
      ...(input.attach !== undefined ? { attach: input.attach } : {}),
      notifyUrl: input.notify_url,
      ...(input.time_expire !== undefined ? { timeExpire: input.time_expire, expiresAt: input.expiresAt } : {}),
      total: input.amount.total,
      currency: input.amount.currency,
      openid: input.payer.openid,
      requestKey,
      prepayId: this.newPrepayId(now),
      prepayCreatedAt: now,
      createdAt: now,
      tradeState: "NOTPAY",
    };
    this.store.state.orders[order.outTradeNo] = order;
    this.store.state.prepays[order.prepayId] = order.outTradeNo;
    this.store.save();
    return { ok: true, value: { prepay_id: order.prepayId } };
  }

  queryByOutTradeNo(outTradeNo: string): Checked<object> {
    const order = this.store.state.orders[outTradeNo];
    return order ? { ok: true, value: transactionView(order) } : fail(404, "ORDER_NOT_EXIST", "订单不存在");
  }

  queryByTransactionId(transactionId: string): Checked<object> {
    const order = this.store.orderByTransactionId(transactionId);
    return order ? { ok: true, value: transactionView(order) } : fail(404, "ORDER_NOT_EXIST", "订单不存在");
  }

  closeOrder(outTradeNo: string): ApiError | null {
    const order = this.store.state.orders[outTradeNo];
    if (!order) return apiError(404, "ORDER_NOT_EXIST", "订单不存在");
    if (isPaid(order)) return apiError(400, "ORDERPAID", "订单已支付");
    if (order.tradeState !== "CLOSED") {
      order.tradeState = "CLOSED";
      this.store.save();
    }
    return null;
  }

  refund(input: RefundInput, requestKey: string): Checked<object> {
    const byTx = input.transaction_id !== undefined ? this.store.orderByTransactionId(input.transaction_id) : undefined;
    const byNo = input.out_trade_no !== undefined ? this.store.state.orders[input.out_trade_no] : undefined;
    const order = byTx ?? byNo;
    if (!order || (input.transaction_id !== undefined && input.out_trade_no !== undefined && byTx !== byNo)) {
      return fail(404, "RESOURCE_NOT_EXISTS", "订单不存在");
    }
    const existing = this.store.state.refunds[input.out_refund_no];
    if (existing) {
      if (existing.outTradeNo !== order.outTradeNo || existing.requestKey !== requestKey) {
        return fail(400, "INVALID_REQUEST", "同一商户退款单号的退款参数与之前请求不一致，请核实后再试");
      }
      return { ok: true, value: refundView(existing, order) };
    }
    if (!isPaid(order)) return fail(400, "INVALID_REQUEST", "订单未支付，不能退款");
    if (input.amount.total !== order.total) return fail(400, "INVALID_REQUEST", "订单金额或退款金额与之前请求不一致，请核实后再试");
    const refundable = order.total - this.refundedOrPending(order.outTradeNo);
    if (input.amount.refund > refundable)
      return fail(400, "INVALID_REQUEST", `申请退款金额超过订单可退金额 (refundable ${refundable} fen)`);

    const now = this.nowMs();
    const refund: RefundRecord = {
      refundId: "50" + randomDigits(6) + cstCompact(now).slice(0, 8) + randomDigits(13),
      outRefundNo: input.out_refund_no,
      outTradeNo: order.outTradeNo,
      transactionId: order.transactionId!,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      ...(input.notify_url !== undefined ? { notifyUrl: input.notify_url } : {}),
      refund: input.amount.refund,
      total: input.amount.total,
      requestKey,
      status: "PROCESSING",
      createdAt: now,
      ...(this.refundSettleSeconds > 0 ? { settleDueAt: Date.now() + this.refundSettleSeconds * 1000 * this.timeScale } : {}),
    };
    this.store.state.refunds[refund.outRefundNo] = refund;
    order.tradeState = "REFUND";
    this.store.save();
    this.scheduleSettle(refund);
    return { ok: true, value: refundView(refund, order) };
  }

  refundQuery(outRefundNo: string): Checked<object> {
    const refund = this.store.state.refunds[outRefundNo];
    const order = refund && this.store.state.orders[refund.outTradeNo];
    return refund && order ? { ok: true, value: refundView(refund, order) } : fail(404, "RESOURCE_NOT_EXISTS", "退款单不存在");
  }

  /** 发起异常退款: an ABNORMAL refund goes to PROCESSING again, paid out to `receivedAccount`, and
   *  settles like any refund (REFUND.SUCCESS notification). A repeat of the accepted request answers
   *  the same; anything else on a refund that is not ABNORMAL is refused. */
  applyAbnormalRefund(refundId: string, outRefundNo: string, receivedAccount: string, requestKey: string): Checked<object> {
    const refund = this.store.state.refunds[outRefundNo];
    const order = refund && this.store.state.orders[refund.outTradeNo];
    if (!refund || !order || refund.refundId !== refundId) return fail(404, "RESOURCE_NOT_EXISTS", "退款单不存在");
    if (refund.abnormalRequestKey !== undefined) {
      if (refund.abnormalRequestKey === requestKey) return { ok: true, value: refundView(refund, order) };
      return fail(400, "INVALID_REQUEST", "该退款单已发起过异常退款，请勿重复提交不同的参数");
    }
    if (refund.status !== "ABNORMAL") return fail(400, "INVALID_REQUEST", `退款单状态为 ${refund.status}，不是退款异常`);
    refund.status = "PROCESSING";
    refund.receivedAccount = receivedAccount;
    refund.abnormalRequestKey = requestKey;
    delete refund.settledAt;
    if (this.refundSettleSeconds > 0) refund.settleDueAt = Date.now() + this.refundSettleSeconds * 1000 * this.timeScale;
    this.store.save();
    this.scheduleSettle(refund);
    return { ok: true, value: refundView(refund, order) };
  }

  // ---- payer and operator actions (control API) ----

  pay(prepayId: string, options: NotificationOptions): Checked<{ out_trade_no: string; transaction_id: string }> {
    const found = this.payable(prepayId);
    if (!found.ok) return found;
    const order = found.value;
    const now = this.nowMs();
    order.tradeState = "SUCCESS";
    order.transactionId = "42000" + randomDigits(5) + cstCompact(now).slice(0, 8) + randomDigits(10);
    order.paidAt = now;
    order.bankType = "OTHERS";
    this.store.state.transactions[order.transactionId] = order.outTradeNo;
    this.store.save();
    this.notifier.enqueue({
      eventType: "TRANSACTION.SUCCESS",
      summary: "支付成功",
      resourceType: "transaction",
      plaintext: transactionView(order),
      url: order.notifyUrl,
      outTradeNo: order.outTradeNo,
      options,
    });
    return { ok: true, value: { out_trade_no: order.outTradeNo, transaction_id: order.transactionId } };
  }

  /** The payer's bank refuses: PAYERROR, no notification (WeChat sends none for failures). */
  failPayment(prepayId: string): Checked<{ out_trade_no: string; trade_state: TradeState }> {
    const found = this.payable(prepayId);
    if (!found.ok) return found;
    found.value.tradeState = "PAYERROR";
    this.store.save();
    return { ok: true, value: { out_trade_no: found.value.outTradeNo, trade_state: "PAYERROR" } };
  }

  /** The payer closes the payment sheet: nothing changes on WeChat Pay's side. */
  cancelPayment(prepayId: string): Checked<{ out_trade_no: string; trade_state: TradeState; changed: false }> {
    const order = this.orderOfPrepay(prepayId);
    if (!order) return fail(404, "PREPAY_NOT_FOUND", "unknown prepay_id");
    return { ok: true, value: { out_trade_no: order.outTradeNo, trade_state: order.tradeState, changed: false } };
  }

  /** Ends a PROCESSING refund now with the given status (and its notification). */
  settleRefund(outRefundNo: string, status: Exclude<RefundStatus, "PROCESSING">, options: NotificationOptions): Checked<object> {
    const refund = this.store.state.refunds[outRefundNo];
    const order = refund && this.store.state.orders[refund.outTradeNo];
    if (!refund || !order) return fail(404, "RESOURCE_NOT_EXISTS", "退款单不存在");
    if (refund.status !== "PROCESSING") return fail(409, "REFUND_SETTLED", `refund is already ${refund.status}`);
    const now = this.nowMs();
    refund.status = status;
    refund.settledAt = now;
    delete refund.settleDueAt;
    if (status === "CLOSED" && this.refundedOrPending(order.outTradeNo) === 0 && order.tradeState === "REFUND") {
      order.tradeState = "SUCCESS"; // nothing left in refund
    }
    this.store.save();
    const event = REFUND_EVENTS[status];
    this.notifier.enqueue({
      eventType: event.eventType,
      summary: event.summary,
      resourceType: "refund",
      plaintext: {
        mchid: order.mchid,
        out_trade_no: order.outTradeNo,
        transaction_id: refund.transactionId,
        out_refund_no: refund.outRefundNo,
        refund_id: refund.refundId,
        refund_status: status,
        ...(status === "SUCCESS" ? { success_time: rfc3339Cst(now) } : {}),
        user_received_account: refund.receivedAccount ?? "支付用户零钱",
        amount: { total: refund.total, refund: refund.refund, payer_total: refund.total, payer_refund: refund.refund },
      },
      url: refund.notifyUrl ?? order.notifyUrl,
      outTradeNo: order.outTradeNo,
      outRefundNo: refund.outRefundNo,
      options,
    });
    return { ok: true, value: refundView(refund, order) };
  }

  // ---- lifecycle ----

  resumePending(): void {
    for (const r of Object.values(this.store.state.refunds)) if (r.status === "PROCESSING") this.scheduleSettle(r);
  }

  stop(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private scheduleSettle(refund: RefundRecord): void {
    if (this.closed || refund.settleDueAt === undefined) return;
    const delay = Math.max(0, (refund.settleDueAt ?? Date.now()) - Date.now());
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.store.state.refunds[refund.outRefundNo]?.status === "PROCESSING") this.settleRefund(refund.outRefundNo, "SUCCESS", {});
    }, delay);
    this.timers.add(timer);
  }

  private refundedOrPending(outTradeNo: string): number {
    return this.store
      .refundsOf(outTradeNo)
      .filter((r) => r.status !== "CLOSED")
      .reduce((sum, r) => sum + r.refund, 0);
  }

  private orderOfPrepay(prepayId: string): OrderRecord | undefined {
    const outTradeNo = this.store.state.prepays[prepayId];
    return outTradeNo === undefined ? undefined : this.store.state.orders[outTradeNo];
  }

  private payable(prepayId: string): Checked<OrderRecord> {
    const order = this.orderOfPrepay(prepayId);
    if (!order) return fail(404, "PREPAY_NOT_FOUND", "unknown prepay_id");
    if (isPaid(order)) return fail(409, "ORDERPAID", "order already paid");
    if (order.tradeState === "CLOSED") return fail(409, "ORDERCLOSED", "order is closed");
    const now = this.nowMs();
    if (order.prepayId !== prepayId || now - order.prepayCreatedAt >= PREPAY_TTL_MS)
      return fail(410, "PREPAY_EXPIRED", "prepay_id expired (valid 2 hours)");
    if (order.expiresAt !== undefined && now >= order.expiresAt) return fail(410, "ORDER_EXPIRED", "order is past its time_expire");
    return { ok: true, value: order };
  }

  private newPrepayId(now: number): string {
    return "wx" + cstCompact(now) + randomBytes(10).toString("hex");
  }
}

export function transactionView(order: OrderRecord): object {
  const paid = order.transactionId !== undefined && isPaid(order);
  return {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.outTradeNo,
    ...(paid ? { transaction_id: order.transactionId } : {}),
    trade_type: "JSAPI",
    trade_state: order.tradeState,
    trade_state_desc: TRADE_STATE_DESC[order.tradeState],
    ...(paid ? { bank_type: order.bankType } : {}),
    ...(order.attach !== undefined ? { attach: order.attach } : {}),
    ...(paid && order.paidAt !== undefined ? { success_time: rfc3339Cst(order.paidAt) } : {}),
    payer: { openid: order.openid },
    amount: paid
      ? { total: order.total, payer_total: order.total, currency: order.currency, payer_currency: order.currency }
      : { total: order.total, currency: order.currency, payer_currency: order.currency },
  };
}

function refundView(refund: RefundRecord, order: OrderRecord): object {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: order.outTradeNo,
    channel: refund.receivedAccount === undefined ? "ORIGINAL" : "OTHER_BANKCARD",
    user_received_account: refund.receivedAccount ?? "支付用户零钱",
    ...(refund.status === "SUCCESS" && refund.settledAt !== undefined ? { success_time: rfc3339Cst(refund.settledAt) } : {}),
    create_time: rfc3339Cst(refund.createdAt),
    status: refund.status,
    funds_account: "AVAILABLE",
    amount: {
      total: refund.total,
      refund: refund.refund,
      payer_total: refund.total,
      payer_refund: refund.refund,
      settlement_refund: refund.refund,
      settlement_total: refund.total,
      discount_refund: 0,
      currency: "CNY",
      refund_fee: 0,
    },
    promotion_detail: [],
  };
}
