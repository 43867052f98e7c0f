// 订单详情: train, tickets (passenger, masked ID, 车厢/座位, status), amounts, status timeline and
// refunds. 退票 per ticket: the server's quote (退票费 by 12306's rule and 实退) is shown in the
// confirmation, then one refund call per attempt (refundToken); its outcome is toasted by status
// (成功 / 已提交 / 未成功 with the reason). 取消订单 and 去支付 for an unpaid order. Errors lead on:
// ORDER_STATE and REFUND_EXCEEDED reload the order (what can be returned changed), no answer offers 重试.
import type { OrderDetail, TicketStatus } from "../../../shared/contracts/api";
import { call } from "../../services/api";
import { codeOf, errorMessage, isRetryable } from "../../services/errors";
import { cancelOrder, cancelOutcome, confirmCancel, getOrder, refundQuote } from "../../services/orders";
import { formatPrice } from "../../utils/money";
import { ORDER_STATUS_TONES, TICKET_STATUS_LABELS, orderStatusLabel, refundOutcome, refundStatusLabel } from "../../utils/status";
import { formatDateTime } from "../../utils/time";
import { decodeQueryValue } from "../../utils/query";
import { newToken } from "../../utils/token";

interface TicketItem {
  ticketId: string;
  passengerName: string;
  idCardNoMasked: string;
  seatText: string;
  priceText: string;
  status: TicketStatus;
  statusLabel: string;
  refundText: string;
  canReturn: boolean;
}

interface DetailView {
  orderId: string;
  outTradeNo: string;
  status: OrderDetail["status"];
  statusLabel: string;
  statusTone: string;
  trainText: string;
  departText: string;
  arriveText: string;
  seatClassName: string;
  tickets: TicketItem[];
  amountText: string;
  refundedText: string;
  feesText: string;
  createdText: string;
  paidText: string;
  expiresText: string;
  timeline: { key: string; atText: string; label: string; note: string }[];
  refunds: { refundId: string; amountText: string; feeText: string; statusLabel: string; atText: string; failureReason: string }[];
}

function detailView(o: OrderDetail): DetailView {
  const beforeDeparture = o.serverNow < o.departAt;
  const fees = o.tickets.reduce((s, t) => s + (t.status === "REFUNDED" ? (t.refundFee ?? 0) : 0), 0);
  return {
    orderId: o.orderId,
    outTradeNo: o.outTradeNo,
    status: o.status,
    statusLabel: orderStatusLabel(o.status),
    statusTone: ORDER_STATUS_TONES[o.status],
    trainText: `${o.train.trainNo} ${o.train.from} → ${o.train.to}`,
    departText: `${o.train.date} ${o.train.departTime}`,
    arriveText: o.train.arriveTime,
    seatClassName: o.train.seatClassName,
    tickets: o.tickets.map((t) => ({
      ticketId: t.ticketId,
      passengerName: t.passengerName,
      idCardNoMasked: t.idCardNoMasked,
      seatText: `${t.carriage}车 ${t.seatNo}号`,
      priceText: formatPrice(t.price),
      status: t.status,
      statusLabel: TICKET_STATUS_LABELS[t.status] ?? t.status,
      refundText: t.refundAmount !== undefined ? `退票费 ${formatPrice(t.refundFee ?? 0)} · 实退 ${formatPrice(t.refundAmount)}` : "",
      canReturn: t.status === "ISSUED" && beforeDeparture,
    })),
    amountText: formatPrice(o.amount),
    refundedText: formatPrice(o.refundedAmount),
    feesText: fees > 0 ? formatPrice(fees) : "",
    createdText: formatDateTime(o.createdAt),
    paidText: o.paidAt ? formatDateTime(o.paidAt) : "",
    expiresText: formatDateTime(o.expiresAt),
    timeline: o.timeline.map((t, i) => ({
      key: `${i}`,
      atText: formatDateTime(t.at),
      label: orderStatusLabel(t.status),
      note: t.note,
    })),
    refunds: o.refunds.map((r) => ({
      refundId: r.refundId,
      amountText: formatPrice(r.amount),
      feeText: r.fee > 0 ? `退票费 ${formatPrice(r.fee)}` : "",
      statusLabel: refundStatusLabel(r.status),
      atText: formatDateTime(r.succeededAt ?? r.createdAt),
      failureReason: r.failureReason ?? "",
    })),
  };
}

Component({
  data: {
    orderId: "",
    order: null as DetailView | null,
    /** The ticket being returned (its quote, confirmation and refund call in flight). */
    returning: "",
    /** Kept across a failure that may have refunded (no answer), so the retry refunds at most once. */
    refundToken: "",
    refundTokenFor: "",
    cancelling: false,
    loading: false,
    error: "",
    canRetry: false,
  },
  methods: {
    onLoad(query: { orderId?: string }) {
      this.setData({ orderId: decodeQueryValue(query.orderId) ?? "" });
      return this.load();
    },

    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },

    async load() {
      if (!this.data.orderId) {
        this.setData({ error: "缺少订单号" });
        return;
      }
      this.setData({ loading: true, error: "", canRetry: false });
      try {
        const order = await getOrder(this.data.orderId);
        this.setData({ order: detailView(order), loading: false });
      } catch (err) {
        this.setData({ loading: false, error: errorMessage(err), canRetry: isRetryable(err) });
      }
    },

    onRetry() {
      return this.load();
    },

    onPay() {
      wx.navigateTo({ url: `/pages/pay/index?orderId=${encodeURIComponent(this.data.orderId)}` });
    },

    async onCancel() {
      if (this.data.cancelling) return;
      if (!(await confirmCancel())) return;
      this.setData({ cancelling: true });
      try {
        const order = await cancelOrder(this.data.orderId);
        this.setData({ cancelling: false, order: detailView(order) });
        wx.showToast({ title: cancelOutcome(order.status), icon: "none" });
      } catch (err) {
        this.setData({ cancelling: false });
        wx.showToast({ title: errorMessage(err), icon: "none" });
      }
    },

    /** 退票 of one ticket: quote → confirm (fee and 实退 shown) → refund → outcome by status. */
    async onReturnTicket(e: WechatMiniprogram.BaseEvent) {
      const ticketId = String((e.currentTarget.dataset as { ticketId: string }).ticketId);
      if (this.data.returning) return;
      const ticket = this.data.order?.tickets.find((t) => t.ticketId === ticketId);
      if (!ticket?.canReturn) return;
      this.setData({ returning: ticketId });
      try {
        const quote = await refundQuote(this.data.orderId, [ticketId]);
        const feeLine =
          quote.fee > 0 ? `退票费 ${formatPrice(quote.fee)}（票价 ${quote.feePercent}%，按 12306 规则）` : "距开车 8 天以上，免收退票费";
        const choice = await wx.showModal({
          title: `退票：${ticket.passengerName} ${ticket.seatText}`,
          content: `${feeLine}\n实退 ${formatPrice(quote.amount)}，原路退回微信支付。确定退票吗？`,
          confirmText: "确认退票",
          cancelText: "再想想",
        });
        if (!choice.confirm) {
          this.setData({ returning: "" });
          return;
        }
        const refundToken = this.data.refundTokenFor === ticketId && this.data.refundToken ? this.data.refundToken : newToken("refund");
        this.setData({ refundToken, refundTokenFor: ticketId });
        const res = await call("refund", { orderId: this.data.orderId, ticketIds: [ticketId], refundToken });
        this.setData({ returning: "", refundToken: "", refundTokenFor: "" });
        // icon "none": a success icon would cut the title to 7 characters.
        wx.showToast({ title: refundOutcome(res), icon: "none" });
        await this.load();
      } catch (err) {
        // No answer: the refund may have been made; the retry keeps its token and refunds at most once.
        this.setData({ returning: "", ...(isRetryable(err) ? {} : { refundToken: "", refundTokenFor: "" }) });
        const code = codeOf(err);
        wx.showToast({ title: code === "PAYMENT_FAILED" ? `退票未成功：${errorMessage(err)}` : errorMessage(err), icon: "none" });
        // What can be returned changed under us (another refund, the train left): show it as it is.
        if (code === "ORDER_STATE" || code === "REFUND_EXCEEDED" || code === "PAYMENT_FAILED") await this.load();
      }
    },
  },
});
