// 填写订单: the chosen train and seat class, 1–5 passengers checked before anything is sent, a seat
// preference, then createOrder with one clientToken per booking (a double tap or a retry books once)
// and on to 支付. Every refusal has its next step: SOLD_OUT refreshes the seats left, an unpaid order
// elsewhere offers 去支付 / 取消订单, RATE_LIMITED says when to try again, a payment failure that kept
// the order retries with the same token (so the retry finds that order instead of booking another).
import type { PassengerInput, SeatClassCode, SeatPreference } from "../../../shared/contracts/api";
import { call } from "../../services/api";
import { codeOf, dataOf, errorMessage, isRetryable } from "../../services/errors";
import { saveLaunch } from "../../services/launches";
import { cancelOrder } from "../../services/orders";
import { ID_CARD_MESSAGES, checkIdCard, normalizeIdCard } from "../../utils/idcard";
import { formatPrice } from "../../utils/money";
import { trainHeading, type TrainHeading } from "../../utils/train";
import { decodeQuery } from "../../utils/query";
import { newToken } from "../../utils/token";
import { askSubscriptions } from "../../services/subscribe";
import { refreshUnpaidBadge } from "../../services/unpaid-badge";

const MAX_PASSENGERS = 5;
const MAX_NAME_LENGTH = 30;

interface PassengerForm {
  name: string;
  idCardNo: string;
  nameError: string;
  idError: string;
}

interface BookQuery extends Record<string, string | undefined> {
  trainId?: string;
  seatClass?: string;
  from?: string;
  to?: string;
  date?: string;
}

const emptyPassenger = (): PassengerForm => ({ name: "", idCardNo: "", nameError: "", idError: "" });

const PREFERENCES: { value: "" | SeatPreference; label: string }[] = [
  { value: "", label: "不限" },
  { value: "window", label: "靠窗" },
  { value: "aisle", label: "靠过道" },
];

/** Whether the booking that failed so may have been kept by the server, so that a retry with the
 *  same clientToken finds it: no answer at all, a passing fault, or a payment failure that kept it. */
function tokenStillMeant(err: unknown): boolean {
  if (isRetryable(err)) return true;
  return codeOf(err) === "PAYMENT_FAILED" && dataOf(err).resumable !== false;
}

/** Field errors for every passenger; true when all are valid. */
function validatePassengers(list: PassengerForm[]): { list: PassengerForm[]; valid: boolean } {
  const seen: Record<string, true> = {};
  let valid = true;
  const checked = list.map((p) => {
    const name = p.name.trim();
    let nameError = "";
    if (name === "") nameError = "请填写乘车人姓名";
    else if (name.length > MAX_NAME_LENGTH) nameError = "姓名过长";
    const problem = checkIdCard(p.idCardNo);
    let idError = problem ? ID_CARD_MESSAGES[problem] : "";
    const id = normalizeIdCard(p.idCardNo);
    if (!idError && seen[id]) idError = "同一订单中身份证号不能重复";
    seen[id] = true;
    if (nameError || idError) valid = false;
    return { ...p, nameError, idError };
  });
  return { list: checked, valid };
}

Component({
  data: {
    query: {} as BookQuery,
    loading: true,
    loadError: "",
    canRetry: false,
    train: null as null | TrainHeading,
    seat: null as null | { code: SeatClassCode; name: string; price: number; priceText: string; remaining: number },
    passengers: [emptyPassenger()] as PassengerForm[],
    maxPassengers: MAX_PASSENGERS,
    /** Unit price × passengers until the server answers with the real amount. */
    estimateText: "",
    serverAmountText: "",
    submitting: false,
    formError: "",
    /** The current booking's idempotency token; a new one once the booking's content changes. */
    clientToken: "",
    preferences: PREFERENCES,
    preference: "" as "" | SeatPreference,
    /** Another unpaid order of this user blocks booking: 去支付 / 取消订单 for it. */
    pendingOrderId: "",
    cancellingPending: false,
    /** RATE_LIMITED: no new attempt before this (epoch ms). */
    retryAt: 0,
  },
  methods: {
    onLoad(query: BookQuery) {
      this.setData({ query: decodeQuery(query) });
      return this.loadTrain();
    },

    async loadTrain() {
      const { trainId, seatClass, from, to, date } = this.data.query;
      if (!trainId || !seatClass) {
        this.setData({ loading: false, loadError: "缺少车次信息，请返回重新选择", canRetry: false });
        return;
      }
      this.setData({ loading: true, loadError: "", canRetry: false });
      try {
        const filter: { from?: string; to?: string; date?: string } = {};
        if (from) filter.from = from;
        if (to) filter.to = to;
        if (date) filter.date = date;
        const res = await call("trains", filter);
        const t = res.trains.find((x) => x.trainId === trainId);
        const s = t?.seats.find((x) => x.code === seatClass);
        if (!t || !s) {
          this.setData({ loading: false, loadError: "车次不存在或已停售，请返回重新选择" });
          return;
        }
        this.setData({
          loading: false,
          train: trainHeading(t),
          seat: { code: s.code, name: s.name, price: s.price, priceText: formatPrice(s.price), remaining: s.remaining },
        });
        this.refreshEstimate();
      } catch (err) {
        this.setData({ loading: false, loadError: errorMessage(err), canRetry: isRetryable(err) });
      }
    },

    refreshEstimate() {
      const seat = this.data.seat;
      if (!seat) return;
      this.setData({ estimateText: formatPrice(seat.price * this.data.passengers.length), serverAmountText: "" });
    },

    /** Any change to the booking's content makes it a new booking with a new token. */
    changePassengers(passengers: PassengerForm[]) {
      this.setData({ passengers, clientToken: "", formError: "" });
      this.refreshEstimate();
    },

    onInput(e: WechatMiniprogram.Input) {
      const { index, field } = e.currentTarget.dataset as { index: number; field: "name" | "idCardNo" };
      const i = Number(index);
      if (this.data.submitting || !this.data.passengers[i]) return;
      const passengers = this.data.passengers.slice();
      const errorKey = field === "name" ? "nameError" : "idError";
      passengers[i] = { ...passengers[i], [field]: e.detail.value, [errorKey]: "" };
      this.changePassengers(passengers);
    },

    onAddPassenger() {
      if (this.data.submitting || this.data.passengers.length >= MAX_PASSENGERS) return;
      this.changePassengers([...this.data.passengers, emptyPassenger()]);
    },

    onRemovePassenger(e: WechatMiniprogram.BaseEvent) {
      const i = Number((e.currentTarget.dataset as { index: number }).index);
      if (this.data.submitting || this.data.passengers.length <= 1) return;
      this.changePassengers(this.data.passengers.filter((_, k) => k !== i));
    },

    onRetry() {
      return this.loadTrain();
    },

    onPreference(e: WechatMiniprogram.BaseEvent) {
      if (this.data.submitting) return;
      const value = String((e.currentTarget.dataset as { value: string }).value) as "" | SeatPreference;
      // A preference is a wish, not the booking's content: the same token stays.
      this.setData({ preference: value });
    },

    onGoPending() {
      wx.navigateTo({ url: `/pages/pay/index?orderId=${encodeURIComponent(this.data.pendingOrderId)}` });
    },

    async onCancelPending() {
      if (this.data.cancellingPending || !this.data.pendingOrderId) return;
      const choice = await wx.showModal({
        title: "取消订单",
        content: "取消那笔待支付的订单并释放座位？",
        confirmText: "取消订单",
        cancelText: "再想想",
      });
      if (!choice.confirm) return;
      this.setData({ cancellingPending: true });
      try {
        const o = await cancelOrder(this.data.pendingOrderId);
        this.setData({ cancellingPending: false, pendingOrderId: "", formError: "" });
        wx.showToast({ title: o.status === "CLOSED" ? "已取消，可以重新提交" : "该订单已支付", icon: "none" });
      } catch (err) {
        this.setData({ cancellingPending: false, formError: errorMessage(err) });
      }
    },

    /** What a refused booking leads to (see the file's header). */
    async nextStep(err: unknown, clientToken: string) {
      const message = errorMessage(err);
      const code = codeOf(err);
      const data = dataOf(err);
      const pendingOrderId = code === "ORDER_STATE" && data.pendingOrderId ? data.pendingOrderId : "";
      this.setData({
        submitting: false,
        // The pending-order box says it with its two ways on; no second message above it.
        formError: pendingOrderId ? "" : message,
        clientToken: tokenStillMeant(err) ? clientToken : "",
        pendingOrderId,
        retryAt: code === "RATE_LIMITED" ? Date.now() + (data.retryAfterSeconds ?? 60) * 1000 : 0,
      });
      if (pendingOrderId) return;
      if (code === "ORDER_STATE" && data.orderId && !data.pendingOrderId) {
        const go = await wx.showModal({ title: "订单已处理", content: message, confirmText: "查看订单", cancelText: "关闭" });
        if (go.confirm) wx.navigateTo({ url: `/pages/order-detail/index?orderId=${encodeURIComponent(data.orderId)}` });
        return;
      }
      wx.showToast({ title: message, icon: "none" });
      // The seats left changed under us: show what there is now.
      if (code === "SOLD_OUT") await this.refreshSeat();
    },

    /** Reloads the seats left in the chosen class (after SOLD_OUT), keeping what was typed. */
    async refreshSeat() {
      const { trainId, seatClass, from, to, date } = this.data.query;
      try {
        const res = await call("trains", { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(date ? { date } : {}) });
        const s = res.trains.find((x) => x.trainId === trainId)?.seats.find((x) => x.code === seatClass);
        if (s && this.data.seat) this.setData({ seat: { ...this.data.seat, remaining: s.remaining } });
      } catch {
        // The message already says what happened; the count stays as it was.
      }
    },

    async onSubmit() {
      // Checked before any await, so a second tap while the first is in flight does nothing.
      if (this.data.submitting) return;
      const { train, seat, query } = this.data;
      if (!train || !seat || !query.trainId) return;
      const wait = Math.ceil((this.data.retryAt - Date.now()) / 1000);
      if (wait > 0) {
        wx.showToast({ title: `预订过于频繁，请 ${wait} 秒后再试`, icon: "none" });
        return;
      }
      const { list, valid } = validatePassengers(this.data.passengers);
      if (!valid) {
        this.setData({ passengers: list, formError: "请检查乘车人信息" });
        return;
      }
      const clientToken = this.data.clientToken || newToken("book");
      this.setData({ submitting: true, clientToken, formError: "", passengers: list });
      const passengers: PassengerInput[] = list.map((p) => ({
        name: p.name.trim(),
        idCardNo: normalizeIdCard(p.idCardNo),
      }));
      // Asked inside the tap (WeChat requires a user gesture); whatever the answer, the booking goes on.
      const subscribe = await askSubscriptions();
      try {
        const order = await call("createOrder", {
          trainId: query.trainId,
          seatClass: seat.code,
          passengers,
          clientToken,
          ...(this.data.preference ? { seatPreference: this.data.preference } : {}),
          ...(subscribe.length > 0 ? { subscribe } : {}),
        });
        saveLaunch(order);
        void refreshUnpaidBadge();
        this.setData({ serverAmountText: formatPrice(order.amount), submitting: false, pendingOrderId: "" });
        wx.navigateTo({ url: `/pages/pay/index?orderId=${encodeURIComponent(order.orderId)}` });
      } catch (err) {
        await this.nextStep(err, clientToken);
      }
    },
  },
});
