// 我的订单: tabs 全部 / 待支付 / 待出行 / 已完成 (the server decides which order is in which, on its
// clock), a page at a time: the next page loads when the list is scrolled to the bottom, pull down
// reloads from the first. Unpaid rows count down to their expiry on the server's clock (the offset
// between serverNow and this phone's clock is measured at each answer) and offer 去支付 (the pay page
// resumes the order) and 取消订单 (asked first). Tap a row for 订单详情.
import type { OrderSummary, OrdersListResult, OrdersTab } from "../../../shared/contracts/api";
import { errorMessage, isRetryable } from "../../services/errors";
import { cancelOrder, cancelOutcome, confirmCancel, listOrders } from "../../services/orders";
import { refreshUnpaidBadge } from "../../services/unpaid-badge";
import { formatPrice } from "../../utils/money";
import { ORDER_STATUS_TONES, orderStatusLabel } from "../../utils/status";
import { formatCountdown, formatDateTime } from "../../utils/time";

type TabKey = OrdersTab | "all";

interface TabItem {
  key: TabKey;
  label: string;
  ariaLabel: string;
}

const TABS: readonly { key: TabKey; label: string; empty: string }[] = [
  { key: "all", label: "全部", empty: "还没有订单，去查询车次吧" },
  { key: "unpaid", label: "待支付", empty: "没有待支付的订单" },
  { key: "upcoming", label: "待出行", empty: "没有待出行的行程，去查询车次吧" },
  { key: "done", label: "已完成", empty: "没有已完成的订单" },
];

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
  expiresAt: number;
  /** PENDING: counts down; 去支付 / 取消订单 while time is left. */
  unpaid: boolean;
  payable: boolean;
  countdownText: string;
  ariaLabel: string;
  payAriaLabel: string;
  cancelAriaLabel: string;
}

/** Refresh of the countdowns. */
const TICK_MS = 1000;

/** The server's clock as this phone sees it: Date.now() plus the offset measured at the last answer. */
function serverTime(offsetMs: number): number {
  return Date.now() + offsetMs;
}

function withCountdown(item: OrderItem, now: number): OrderItem {
  const left = item.expiresAt - now;
  const payable = item.unpaid && left > 0;
  const countdownText = !item.unpaid ? "" : payable ? `剩余 ${formatCountdown(left)}` : "已超时，等待关闭";
  return {
    ...item,
    payable,
    countdownText,
    payAriaLabel: `去支付，${item.trainText}，${countdownText}`,
  };
}

function orderItem(o: OrderSummary, now: number): OrderItem {
  const trainText = `${o.train.trainNo} ${o.train.from}到${o.train.to}`;
  const statusLabel = orderStatusLabel(o.status);
  const amountText = formatPrice(o.amount);
  const item: OrderItem = {
    orderId: o.orderId,
    trainText,
    departText: `${o.train.date} ${o.train.departTime} 开`,
    seatText: `${o.train.seatClassName} · ${o.passengerCount} 人`,
    amountText,
    refundedText: o.refundedAmount > 0 ? `已退 ${formatPrice(o.refundedAmount)}` : "",
    statusLabel,
    statusTone: ORDER_STATUS_TONES[o.status],
    createdText: formatDateTime(o.createdAt),
    expiresAt: o.expiresAt,
    unpaid: o.status === "PENDING",
    payable: false,
    countdownText: "",
    ariaLabel: `${trainText}，${o.train.date} ${o.train.departTime}开，${o.train.seatClassName} ${o.passengerCount}人，${statusLabel}，${amountText}，查看详情`,
    payAriaLabel: "",
    cancelAriaLabel: `取消订单，${trainText}`,
  };
  return withCountdown(item, now);
}

function tabItems(active: TabKey, loaded: number, unpaidCount: number | undefined): TabItem[] {
  return TABS.map((t) => {
    const parts = [t.label];
    if (t.key === "unpaid" && unpaidCount !== undefined) parts.push(`${unpaidCount}个订单`);
    else if (t.key === active) parts.push(`已加载${loaded}个订单`);
    if (t.key === active) parts.push("已选中");
    return { key: t.key, label: t.label, ariaLabel: parts.join("，") };
  });
}

/** The server's page (20 rows) and how many more it is asked for at once when an answer comes back
 *  short with a cursor: 已完成 leaves out trips still ahead, so a page can hold a few rows or none,
 *  and a list that does not fill the screen never scrolls to call onReachBottom. */
const PAGE_ROWS = 20;
const READ_ON_MAX = 5;

/** A tab's page as the list needs it: more pages read on while it is short and more exist. */
async function pageOf(tab: TabKey, cursor?: string): Promise<OrdersListResult> {
  const ask = (c?: string) => listOrders({ ...(tab === "all" ? {} : { status: tab }), ...(c ? { cursor: c } : {}) });
  let page = await ask(cursor);
  let orders = page.orders;
  for (let i = 0; i < READ_ON_MAX && orders.length < PAGE_ROWS && page.nextCursor; i++) {
    page = await ask(page.nextCursor);
    orders = [...orders, ...page.orders];
  }
  return { ...page, orders };
}

/** Each page instance's countdown interval. */
const timers = new WeakMap<object, ReturnType<typeof setInterval>>();

Component({
  data: {
    tabs: tabItems("all", 0, undefined),
    active: "all" as TabKey,
    emptyText: TABS[0]!.empty,
    orders: [] as OrderItem[],
    nextCursor: "",
    /** serverNow − Date.now() at the last answer. */
    clockOffset: 0,
    unpaidCount: undefined as number | undefined,
    loading: false,
    loadingMore: false,
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
      this.startTicking();
      if (this.data.loaded) return this.load();
      return Promise.resolve();
    },

    onHide() {
      this.stopTicking();
    },

    onUnload() {
      this.stopTicking();
    },

    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },

    /** Scrolled to the bottom: the next page of this tab, if there is one. */
    onReachBottom() {
      return this.loadMore();
    },

    /** The first page of the active tab (and the badge, which the unpaid count also labels). */
    async load() {
      if (this.data.loading) return;
      const tab = this.data.active;
      this.setData({ loading: true, error: "", canRetry: false });
      try {
        const [page, unpaidCount] = await Promise.all([pageOf(tab), refreshUnpaidBadge()]);
        if (tab !== this.data.active) return; // the tab changed while this page was on its way
        const clockOffset = page.serverNow - Date.now();
        const orders = page.orders.map((o) => orderItem(o, page.serverNow));
        this.setData({
          orders,
          nextCursor: page.nextCursor ?? "",
          clockOffset,
          unpaidCount: unpaidCount ?? this.data.unpaidCount,
          tabs: tabItems(tab, orders.length, unpaidCount ?? this.data.unpaidCount),
          loaded: true,
        });
        this.startTicking();
      } catch (err) {
        this.setData({ error: errorMessage(err), canRetry: isRetryable(err) });
      } finally {
        this.setData({ loading: false });
      }
    },

    async loadMore() {
      const { nextCursor, loading, loadingMore, active } = this.data;
      if (!nextCursor || loading || loadingMore) return;
      this.setData({ loadingMore: true, error: "", canRetry: false });
      try {
        const page = await pageOf(active, nextCursor);
        if (active !== this.data.active) return;
        const orders = [...this.data.orders, ...page.orders.map((o) => orderItem(o, page.serverNow))];
        this.setData({
          orders,
          nextCursor: page.nextCursor ?? "",
          clockOffset: page.serverNow - Date.now(),
          tabs: tabItems(active, orders.length, this.data.unpaidCount),
        });
      } catch (err) {
        this.setData({ error: errorMessage(err), canRetry: isRetryable(err) });
      } finally {
        this.setData({ loadingMore: false });
      }
    },

    onTabTap(e: WechatMiniprogram.BaseEvent) {
      const key = String((e.currentTarget.dataset as { tab: string }).tab) as TabKey;
      const tab = TABS.find((t) => t.key === key);
      if (!tab || key === this.data.active) return Promise.resolve();
      this.setData({
        active: key,
        emptyText: tab.empty,
        orders: [],
        nextCursor: "",
        loaded: false,
        loading: false,
        tabs: tabItems(key, 0, this.data.unpaidCount),
      });
      return this.load();
    },

    /** Countdowns on the server's clock; stops when no row is counting. */
    tick() {
      const now = serverTime(this.data.clockOffset);
      if (!this.data.orders.some((o) => o.unpaid)) return;
      this.setData({ orders: this.data.orders.map((o) => (o.unpaid ? withCountdown(o, now) : o)) });
    },

    startTicking() {
      if (!timers.has(this))
        timers.set(
          this,
          setInterval(() => this.tick(), TICK_MS),
        );
    },

    stopTicking() {
      const t = timers.get(this);
      if (t !== undefined) clearInterval(t);
      timers.delete(this);
    },

    onRetry() {
      return this.data.loaded && this.data.nextCursor ? this.loadMore() : this.load();
    },

    onGoSearch() {
      wx.switchTab({ url: "/pages/search/index" });
    },

    /** The pay page resumes the order (its prepay, signed again by the server). */
    onRowPay(e: WechatMiniprogram.BaseEvent) {
      const orderId = String((e.currentTarget.dataset as { orderId: string }).orderId);
      wx.navigateTo({ url: `/pages/pay/index?orderId=${encodeURIComponent(orderId)}` });
    },

    async onRowCancel(e: WechatMiniprogram.BaseEvent) {
      const orderId = String((e.currentTarget.dataset as { orderId: string }).orderId);
      if (this.data.cancelling) return;
      if (!(await confirmCancel())) return;
      this.setData({ cancelling: orderId });
      try {
        const o = await cancelOrder(orderId);
        wx.showToast({ title: cancelOutcome(o.status), icon: "none" });
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
