// 支付: launches WeChat Pay with createOrder's params; a reported success is confirmed with `sync`
// (bounded polling) before 已支付 is shown. A cancel leaves the order 待支付 with 继续支付 and the
// time left. In mock mode a simulated sheet pays through `mockPay`.
import type { CreateOrderResult, OrderDetail, OrderStatus } from "../../../shared/contracts/api";
import { errorMessage, isRetryable } from "../../services/errors";
import { dropLaunch, loadLaunch, saveLaunch } from "../../services/launches";
import { getOrder, mockPay, pollUntilSettled, resumePayment } from "../../services/orders";
import { launchPayment } from "../../services/payment";
import { formatPrice } from "../../utils/money";
import { ORDER_STATUS_TONES, orderStatusLabel } from "../../utils/status";
import { formatCountdown } from "../../utils/time";
import { decodeQueryValue } from "../../utils/query";

/** What the page is doing: loading the order, idle, in WeChat Pay, or confirming with the server. */
type Phase = "loading" | "idle" | "paying" | "confirming";

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
    countdownText: "",
    expired: false,
    /** No payment params on this device (e.g. another phone booked): pay cannot be launched here. */
    noLaunch: false,
    /** The server has not confirmed a payment WeChat reported; the user may check again. */
    unconfirmed: false,
    sheetVisible: false,
    error: "",
    canRetry: false,
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

    launch(): CreateOrderResult | null {
      return loadLaunch(this.data.orderId);
    },

    /** The stored launch, or — booked on another device, storage cleared — fresh params from the
     *  server (kept for next time). Null when neither is to be had. */
    async ensureLaunch(): Promise<CreateOrderResult | null> {
      const stored = this.launch();
      if (stored) return stored;
      try {
        const fresh = await resumePayment(this.data.orderId);
        saveLaunch(fresh);
        return fresh;
      } catch {
        return null;
      }
    },

    /** Loads the order; with autoPay, opens payment right away if it is still to be paid. */
    async loadOrder(autoPay: boolean) {
      this.setData({ phase: "loading", error: "", canRetry: false });
      try {
        const order = await getOrder(this.data.orderId);
        this.show(order);
        const launch = order.status === "PENDING" && !this.data.expired ? await this.ensureLaunch() : this.launch();
        this.setData({
          phase: "idle",
          mode: launch ? launch.payment.mode : "",
          noLaunch: order.status === "PENDING" && !launch,
        });
        if (autoPay && order.status === "PENDING" && launch && !this.data.expired) await this.onPay();
      } catch (err) {
        this.setData({ phase: "idle", error: errorMessage(err), canRetry: isRetryable(err) });
      }
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
      const left = this.data.expiresAt - Date.now();
      if (left <= 0) {
        this.stopCountdown();
        this.setData({ countdownText: formatCountdown(0), expired: true, sheetVisible: false });
        return;
      }
      this.setData({ countdownText: formatCountdown(left) });
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
    },

    /** WeChat reported success: ask the server (which asks WeChat Pay) until the order is settled. */
    async confirm() {
      this.setData({ phase: "confirming", unconfirmed: false, error: "" });
      try {
        const order = await pollUntilSettled(this.data.orderId);
        if (order) this.show(order);
        const paid = order !== null && order.status !== "PENDING";
        this.setData({ phase: "idle", unconfirmed: !paid });
        if (order?.status === "PAID") wx.showToast({ title: "支付成功", icon: "success" });
      } catch (err) {
        this.setData({ phase: "idle", unconfirmed: true, error: errorMessage(err), canRetry: isRetryable(err) });
      }
    },

    onCheckAgain() {
      return this.confirm();
    },

    onRetry() {
      return this.loadOrder(false);
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
