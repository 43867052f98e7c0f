// 支付: launches WeChat Pay with createOrder's params; a reported success is confirmed with `sync`
// (bounded polling) before 已支付 is shown, and a cancel or failure of the payment sheet — or the
// page showing again — asks the server too (the payment may have gone through all the same). The
// countdown runs on the server's clock (phones drift); at zero the order is read again and the page
// offers 重新预订 / 查看订单. 取消订单 closes an unpaid order. No step leaves the page without a way on:
// a network failure offers 重试. In mock mode a simulated sheet pays through `mockPay`.
import type { CreateOrderResult, OrderDetail, OrderStatus, TrainRef } from "../../../shared/contracts/api";
import { codeOf, errorMessage, isRetryable } from "../../services/errors";
import { dropLaunch, loadLaunch, saveLaunch } from "../../services/launches";
import {
  cancelOrder,
  cancelOutcome,
  confirmCancel,
  getOrder,
  mockPay,
  pollUntilSettled,
  resumePayment,
  syncOrder,
} from "../../services/orders";
import { launchPayment } from "../../services/payment";
import { formatPrice } from "../../utils/money";
import { ORDER_STATUS_TONES, orderStatusLabel } from "../../utils/status";
import { formatCountdown } from "../../utils/time";
import { decodeQueryValue } from "../../utils/query";
import { refreshUnpaidBadge } from "../../services/unpaid-badge";

/** What the page is doing: loading the order, idle, in WeChat Pay, confirming with the server, cancelling. */
type Phase = "loading" | "idle" | "paying" | "confirming" | "cancelling";

/** Countdown timers per page instance (not view data). */
const timers = new WeakMap<object, ReturnType<typeof setInterval>>();

Component({
  data: {
    orderId: "",
    phase: "loading" as Phase,
    mode: "" as "" | "wechatpay" | "mock",
    status: "" as "" | OrderStatus,
    statusLabel: "",
    statusTone: "",
    amountText: "",
    trainText: "",
    seatText: "",
    passengerCount: 0,
    expiresAt: 0,
    /** Server clock minus this phone's, from the last answer. */
    clockOffset: 0,
    countdownText: "",
    expired: false,
    /** The train, for 重新预订. */
    train: null as TrainRef | null,
    /** No payment params on this device and the server will not give new ones (expired, closed). */
    noLaunch: false,
    /** The server has not confirmed a payment WeChat reported; the user may check again. */
    unconfirmed: false,
    sheetVisible: false,
    error: "",
    canRetry: false,
    /** 重试 after a failed resume: get the params and pay (the user was paying). */
    retryPays: false,
  },
  lifetimes: {
    detached() {
      this.stopCountdown();
    },
  },
  methods: {
    onLoad(query: { orderId?: string }) {
      const orderId = decodeQueryValue(query.orderId) ?? "";
      this.setData({ orderId });
      if (!orderId) {
        this.setData({ phase: "idle", error: "缺少订单号" });
        return Promise.resolve();
      }
      return this.loadOrder(true);
    },

    onUnload() {
      this.stopCountdown();
    },

    /** Back from elsewhere (the payment sheet, another app): the order may have changed. */
    onShow() {
      if (this.data.status === "PENDING" && this.data.phase === "idle") return this.refresh();
      return Promise.resolve();
    },

    launch(): CreateOrderResult | null {
      return loadLaunch(this.data.orderId);
    },

    /** The stored launch, or — booked on another device, storage cleared — fresh params from the
     *  server (kept for next time). Null when the server says the order can no longer be paid;
     *  throws when it could not be asked (the caller offers 重试). */
    async ensureLaunch(): Promise<CreateOrderResult | null> {
      const stored = this.launch();
      if (stored) return stored;
      try {
        const fresh = await resumePayment(this.data.orderId);
        saveLaunch(fresh);
        return fresh;
      } catch (err) {
        if (codeOf(err) === "ORDER_STATE" || codeOf(err) === "NOT_FOUND") return null;
        throw err;
      }
    },

    /** Loads the order; with autoPay, opens payment right away if it is still to be paid. */
    async loadOrder(autoPay: boolean) {
      this.setData({ phase: "loading", error: "", canRetry: false, retryPays: false });
      let order: OrderDetail;
      try {
        order = await getOrder(this.data.orderId);
      } catch (err) {
        this.setData({ phase: "idle", error: errorMessage(err), canRetry: isRetryable(err) });
        return;
      }
      this.show(order);
      let launch: CreateOrderResult | null = null;
      try {
        launch = order.status === "PENDING" && !this.data.expired ? await this.ensureLaunch() : this.launch();
      } catch (err) {
        this.setData({ phase: "idle", error: errorMessage(err), canRetry: true, retryPays: autoPay });
        return;
      }
      this.setData({
        phase: "idle",
        mode: launch ? launch.payment.mode : "",
        noLaunch: order.status === "PENDING" && !launch,
      });
      if (autoPay && order.status === "PENDING" && launch && !this.data.expired) await this.onPay();
    },

    show(order: OrderDetail) {
      this.setData({
        status: order.status,
        statusLabel: orderStatusLabel(order.status),
        statusTone: ORDER_STATUS_TONES[order.status],
        amountText: formatPrice(order.amount),
        trainText: `${order.train.trainNo} ${order.train.from} → ${order.train.to}`,
        seatText: `${order.train.date} ${order.train.departTime} 开 · ${order.train.seatClassName}`,
        passengerCount: order.passengers.length,
        expiresAt: order.expiresAt,
        train: order.train,
        ...(typeof order.serverNow === "number" ? { clockOffset: order.serverNow - Date.now() } : {}),
      });
      if (order.status === "PENDING") this.startCountdown();
      else {
        this.stopCountdown();
        dropLaunch(order.orderId);
      }
    },

    startCountdown() {
      this.tick();
      if (timers.has(this) || this.data.expired) return;
      timers.set(
        this,
        setInterval(() => this.tick(), 1000),
      );
    },

    stopCountdown() {
      const t = timers.get(this);
      if (t !== undefined) clearInterval(t);
      timers.delete(this);
    },

    tick() {
      const left = this.data.expiresAt - (Date.now() + this.data.clockOffset);
      if (left > 0) {
        this.setData({ countdownText: formatCountdown(left) });
        return;
      }
      const first = !this.data.expired;
      this.stopCountdown();
      this.setData({ countdownText: formatCountdown(0), expired: true, sheetVisible: false });
      // Time is up: what is the order now? (paid at the last second, or closed)
      if (first && this.data.phase === "idle") void this.refresh();
    },

    /** Asks the server (which asks WeChat Pay) where the order stands, quietly. */
    async refresh() {
      try {
        this.show(await syncOrder(this.data.orderId));
      } catch {
        // Shown as it was; every state of this page has a way on.
      }
    },

    /** 立即支付 / 继续支付 */
    async onPay() {
      if (this.data.phase !== "idle" || this.data.status !== "PENDING" || this.data.expired) return;
      const launch = this.launch();
      if (!launch) {
        this.setData({ noLaunch: true });
        return;
      }
      if (launch.payment.mode === "mock") {
        this.setData({ sheetVisible: true });
        return;
      }
      this.setData({ phase: "paying", error: "" });
      const outcome = await launchPayment(launch.payment.params, this.data.amountText);
      if (outcome.kind === "success") {
        await this.confirm();
        return;
      }
      this.setData({ phase: "idle" });
      wx.showToast({ title: outcome.kind === "cancel" ? "已取消支付" : outcome.message, icon: "none" });
      // A cancelled or failed sheet is a hint too: the payment may have gone through.
      await this.refresh();
    },

    /** WeChat reported success: ask the server (which asks WeChat Pay) until the order is settled. */
    async confirm() {
      this.setData({ phase: "confirming", unconfirmed: false, error: "" });
      try {
        const order = await pollUntilSettled(this.data.orderId);
        if (order) this.show(order);
        const paid = order !== null && order.status !== "PENDING";
        this.setData({ phase: "idle", unconfirmed: !paid });
        if (paid) void refreshUnpaidBadge();
        if (order?.status === "PAID") wx.showToast({ title: "支付成功", icon: "success" });
      } catch (err) {
        this.setData({ phase: "idle", unconfirmed: true, error: errorMessage(err), canRetry: isRetryable(err) });
      }
    },

    onCheckAgain() {
      return this.confirm();
    },

    onRetry() {
      return this.loadOrder(this.data.retryPays);
    },

    /** 取消订单: closed at WeChat Pay and here; a payment that got there first wins. */
    async onCancel() {
      if (this.data.phase !== "idle" || this.data.status !== "PENDING") return;
      if (!(await confirmCancel())) return;
      this.setData({ phase: "cancelling", error: "" });
      try {
        const order = await cancelOrder(this.data.orderId);
        this.show(order);
        this.setData({ phase: "idle" });
        void refreshUnpaidBadge();
        wx.showToast({ title: cancelOutcome(order.status), icon: "none" });
      } catch (err) {
        this.setData({ phase: "idle", error: errorMessage(err), canRetry: false });
        wx.showToast({ title: errorMessage(err), icon: "none" });
      }
    },

    /** 重新预订: the same train and class again (a new booking). */
    onRebook() {
      const t = this.data.train;
      if (!t) {
        wx.switchTab({ url: "/pages/search/index" });
        return;
      }
      const q = [
        `trainId=${encodeURIComponent(t.trainId)}`,
        `seatClass=${t.seatClass}`,
        `from=${encodeURIComponent(t.from)}`,
        `to=${encodeURIComponent(t.to)}`,
        `date=${t.date}`,
      ].join("&");
      wx.redirectTo({ url: `/pages/book/index?${q}` });
    },

    onSheetCancel() {
      this.setData({ sheetVisible: false });
      wx.showToast({ title: "已取消支付", icon: "none" });
    },

    async onSheetConfirm() {
      if (this.data.phase !== "idle") return;
      this.setData({ sheetVisible: false, phase: "paying", error: "" });
      try {
        const order = await mockPay(this.data.orderId);
        this.show(order);
        if (order.status === "PENDING") await this.confirm();
        else {
          this.setData({ phase: "idle" });
          if (order.status === "PAID") wx.showToast({ title: "支付成功", icon: "success" });
        }
      } catch (err) {
        const message = errorMessage(err);
        this.setData({ phase: "idle", error: message, canRetry: false });
        wx.showToast({ title: message, icon: "none" });
      }
    },

    onViewOrder() {
      wx.redirectTo({ url: `/pages/order-detail/index?orderId=${encodeURIComponent(this.data.orderId)}` });
    },
  },
});
