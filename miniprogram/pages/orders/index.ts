// 我的订单: the caller's orders with status badges; pull down to refresh; tap for 订单详情. An unpaid
// order's row offers 去支付 and 取消订单 (asked first).
import type { OrderSummary } from "../../../shared/contracts/api";
import { errorMessage, isRetryable } from "../../services/errors";
import { cancelOrder, listOrders } from "../../services/orders";
import { formatPrice } from "../../utils/money";
import { ORDER_STATUS_TONES, orderStatusLabel } from "../../utils/status";
import { formatDateTime } from "../../utils/time";

interface OrderItem {
  orderId: string;
  trainText: string;
  departText: string;
  seatText: string;
  amountText: string;
  refundedText: string;
  statusLabel: string;
  statusTone: string;
  createdText: string;
  /** Unpaid and not yet expired: 去支付 / 取消订单 on the row. */
  payable: boolean;
}

function orderItem(o: OrderSummary): OrderItem {
  return {
    orderId: o.orderId,
    trainText: `${o.train.trainNo} ${o.train.from} → ${o.train.to}`,
    departText: `${o.train.date} ${o.train.departTime} 开`,
    seatText: `${o.train.seatClassName} · ${o.passengerCount} 人`,
    amountText: formatPrice(o.amount),
    refundedText: o.refundedAmount > 0 ? `已退 ${formatPrice(o.refundedAmount)}` : "",
    statusLabel: orderStatusLabel(o.status),
    statusTone: ORDER_STATUS_TONES[o.status],
    createdText: formatDateTime(o.createdAt),
    payable: o.status === "PENDING" && o.expiresAt > Date.now(),
  };
}

Component({
  data: {
    orders: [] as OrderItem[],
    loading: false,
    loaded: false,
    error: "",
    canRetry: false,
    /** The order whose cancel is in flight. */
    cancelling: "",
  },
  methods: {
    onLoad() {
      return this.load();
    },

    /** Coming back from 订单详情 or 支付: statuses may have changed. */
    onShow() {
      if (this.data.loaded) return this.load();
      return Promise.resolve();
    },

    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },

    async load() {
      if (this.data.loading) return;
      this.setData({ loading: true, error: "", canRetry: false });
      try {
        const orders = await listOrders();
        this.setData({ orders: orders.map(orderItem), loading: false, loaded: true });
      } catch (err) {
        this.setData({ loading: false, error: errorMessage(err), canRetry: isRetryable(err) });
      }
    },

    onRetry() {
      return this.load();
    },

    onGoSearch() {
      wx.switchTab({ url: "/pages/search/index" });
    },

    onRowPay(e: WechatMiniprogram.BaseEvent) {
      const orderId = String((e.currentTarget.dataset as { orderId: string }).orderId);
      wx.navigateTo({ url: `/pages/pay/index?orderId=${encodeURIComponent(orderId)}` });
    },

    async onRowCancel(e: WechatMiniprogram.BaseEvent) {
      const orderId = String((e.currentTarget.dataset as { orderId: string }).orderId);
      if (this.data.cancelling) return;
      const choice = await wx.showModal({
        title: "取消订单",
        content: "取消后座位将被释放，确定取消吗？",
        confirmText: "取消订单",
        cancelText: "再想想",
      });
      if (!choice.confirm) return;
      this.setData({ cancelling: orderId });
      try {
        const o = await cancelOrder(orderId);
        wx.showToast({ title: o.status === "CLOSED" ? "订单已取消" : "订单已支付，未取消", icon: "none" });
      } catch (err) {
        wx.showToast({ title: errorMessage(err), icon: "none" });
      }
      this.setData({ cancelling: "" });
      await this.load();
    },

    onOrderTap(e: WechatMiniprogram.BaseEvent) {
      const orderId = String((e.currentTarget.dataset as { orderId: string }).orderId);
      wx.navigateTo({ url: `/pages/order-detail/index?orderId=${encodeURIComponent(orderId)}` });
    },
  },
});
