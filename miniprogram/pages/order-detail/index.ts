// 订单详情: train, passengers (ID numbers masked by the server), amounts, status timeline and refunds;
// 申请退款 with an amount and a confirmation, sent once per attempt (refundToken).
import type { OrderDetail } from "../../../shared/contracts/api";
import { call } from "../../services/api";
import { errorMessage, isRetryable } from "../../services/errors";
import { getOrder } from "../../services/orders";
import { formatPrice, formatYuan, parseYuanToFen } from "../../utils/money";
import { ORDER_STATUS_TONES, canRefund, orderStatusLabel, refundStatusLabel } from "../../utils/status";
import { formatDateTime } from "../../utils/time";
import { decodeQueryValue } from "../../utils/query";
import { newToken } from "../../utils/token";

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
  passengers: { name: string; idCardNoMasked: string }[];
  amountText: string;
  refundedText: string;
  refundableText: string;
  createdText: string;
  paidText: string;
  expiresText: string;
  timeline: { key: string; atText: string; label: string; note: string }[];
  refunds: { refundId: string; amountText: string; statusLabel: string; atText: string; reason: string }[];
}

function detailView(o: OrderDetail): DetailView {
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
    passengers: o.passengers.map((p) => ({ name: p.name, idCardNoMasked: p.idCardNoMasked })),
    amountText: formatPrice(o.amount),
    refundedText: formatPrice(o.refundedAmount),
    refundableText: formatPrice(o.amount - o.refundedAmount),
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
      statusLabel: refundStatusLabel(r.status),
      atText: formatDateTime(r.succeededAt ?? r.createdAt),
      reason: r.reason ?? "",
    })),
  };
}

Component({
  data: {
    orderId: "",
    order: null as DetailView | null,
    /** Fen still refundable; 0 when no refund is possible. */
    refundable: 0,
    refundOpen: false,
    refundAmountText: "",
    refundReason: "",
    refundError: "",
    refunding: false,
    /** Kept across a retryable failure so the retry refunds at most once. */
    refundToken: "",
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
        this.setData({
          order: detailView(order),
          refundable: canRefund(order.status) ? order.amount - order.refundedAmount : 0,
          loading: false,
        });
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

    onOpenRefund() {
      if (this.data.refundable <= 0) return;
      this.setData({
        refundOpen: true,
        refundAmountText: formatYuan(this.data.refundable),
        refundError: "",
        refundToken: "",
      });
    },

    onCloseRefund() {
      if (this.data.refunding) return;
      this.setData({ refundOpen: false, refundError: "" });
    },

    onRefundAmountInput(e: WechatMiniprogram.Input) {
      // A different amount is a different refund: it gets its own token.
      this.setData({ refundAmountText: e.detail.value, refundError: "", refundToken: "" });
    },

    onRefundReasonInput(e: WechatMiniprogram.Input) {
      this.setData({ refundReason: e.detail.value });
    },

    async onSubmitRefund() {
      if (this.data.refunding) return;
      const amount = parseYuanToFen(this.data.refundAmountText);
      if (amount === null) {
        this.setData({ refundError: "请输入正确的退款金额（元，最多两位小数）" });
        return;
      }
      if (amount > this.data.refundable) {
        this.setData({ refundError: `最多可退 ${formatPrice(this.data.refundable)}` });
        return;
      }
      this.setData({ refunding: true, refundError: "" });
      const choice = await wx.showModal({
        title: "确认退款",
        content: `退款 ${formatPrice(amount)} 将原路退回微信支付，确定申请吗？`,
        confirmText: "确认退款",
        cancelText: "再想想",
      });
      if (!choice.confirm) {
        this.setData({ refunding: false });
        return;
      }
      const refundToken = this.data.refundToken || newToken("refund");
      this.setData({ refundToken });
      const reason = this.data.refundReason.trim();
      try {
        const res = await call("refund", {
          orderId: this.data.orderId,
          amount,
          refundToken,
          ...(reason ? { reason } : {}),
        });
        this.setData({ refunding: false, refundOpen: false, refundToken: "", refundReason: "" });
        wx.showToast({ title: res.status === "SUCCESS" ? "退款成功" : "退款申请已提交", icon: "none" });
        await this.load();
      } catch (err) {
        const message = errorMessage(err);
        this.setData({
          refunding: false,
          refundError: message,
          refundToken: isRetryable(err) ? refundToken : "",
        });
        wx.showToast({ title: message, icon: "none" });
      }
    },
  },
});
