// 填写订单: the chosen train and seat class, 1–5 passengers checked before anything is sent, a seat
// preference, then createOrder with one clientToken per booking (a double tap or a retry books once)
// and on to 支付. Every refusal has its next step: SOLD_OUT refreshes the seats left, an unpaid order
// elsewhere offers 去支付 / 取消订单, RATE_LIMITED says when to try again, a payment failure that kept
// the order retries with the same token (so the retry finds that order instead of booking another).
import type {
  IdType,
  PassengerInput,
  PassengersListResult,
  SavedPassenger,
  SeatClassCode,
  SeatPreference,
  TicketType,
} from "../../../shared/contracts/api";
import { call } from "../../services/api";
import { codeOf, dataOf, errorMessage, fieldOf, isRetryable } from "../../services/errors";
import { saveLaunch } from "../../services/launches";
import { cancelOrder } from "../../services/orders";
import { findTrains } from "../../services/trains";
import { ticketPrice } from "../../utils/fares";
import { formatPrice } from "../../utils/money";
import {
  checkIdNo,
  checkName,
  ID_TYPE_NAMES,
  ID_TYPES,
  idNoMessage,
  NAME_MESSAGES,
  normalizeIdNo,
  normalizeName,
  TICKET_TYPE_NAMES,
  TICKET_TYPES,
} from "../../utils/passenger-rules";
import { trainHeading, type TrainHeading } from "../../utils/train";
import { decodeQuery } from "../../utils/query";
import { newToken } from "../../utils/token";
import { askSubscriptions } from "../../services/subscribe";
import { refreshUnpaidBadge } from "../../services/unpaid-badge";

const MAX_PASSENGERS = 5;

interface PassengerForm {
  name: string;
  idCardNo: string;
  idTypeIndex: number;
  ticketTypeIndex: number;
  nameError: string;
  idError: string;
  ticketTypeError: string;
}

/** A saved passenger as a chip. */
interface SavedChip {
  passengerId: string;
  name: string;
  idType: IdType;
  ticketType: TicketType;
  idCardNoMasked: string;
  idTypeName: string;
  ticketTypeName: string;
  selected: boolean;
  /** What a screen reader says: "张三，成人，已选". */
  label: string;
  error: string;
}

const chipLabel = (name: string, ticketTypeName: string, selected: boolean) => `${name}，${ticketTypeName}，${selected ? "已选" : "未选"}`;

function chipOf(p: SavedPassenger, selected: boolean): SavedChip {
  const ticketTypeName = TICKET_TYPE_NAMES[p.ticketType];
  return {
    passengerId: p.passengerId,
    name: p.name,
    idType: p.idType,
    ticketType: p.ticketType,
    idCardNoMasked: p.idCardNoMasked,
    idTypeName: ID_TYPE_NAMES[p.idType],
    ticketTypeName,
    selected,
    label: chipLabel(p.name, ticketTypeName, selected),
    error: "",
  };
}

const idTypeOf = (p: PassengerForm): IdType => ID_TYPES[p.idTypeIndex] ?? "ID_CARD";
const ticketTypeOf = (p: PassengerForm): TicketType => TICKET_TYPES[p.ticketTypeIndex] ?? "ADULT";
const isBlank = (p: PassengerForm) => p.name.trim() === "" && p.idCardNo.trim() === "";

interface BookQuery extends Record<string, string | undefined> {
  trainId?: string;
  seatClass?: string;
  from?: string;
  to?: string;
  date?: string;
}

const emptyPassenger = (): PassengerForm => ({
  name: "",
  idCardNo: "",
  idTypeIndex: 0,
  ticketTypeIndex: 0,
  nameError: "",
  idError: "",
  ticketTypeError: "",
});

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

/** Field errors for every typed passenger (the server's rules); true when all are valid. Blank rows
 *  are skipped when saved passengers are chosen (`skipBlank`). */
function validatePassengers(list: PassengerForm[], skipBlank: boolean): { list: PassengerForm[]; valid: boolean } {
  const seen: Record<string, true> = {};
  let valid = true;
  const checked = list.map((p) => {
    if (skipBlank && isBlank(p)) return { ...p, nameError: "", idError: "", ticketTypeError: "" };
    const idType = idTypeOf(p);
    const nameProblem = checkName(p.name, idType);
    const nameError = nameProblem ? NAME_MESSAGES[nameProblem] : "";
    const problem = checkIdNo(idType, p.idCardNo);
    let idError = problem ? idNoMessage(idType, problem) : "";
    const key = `${idType}|${normalizeIdNo(p.idCardNo)}`;
    if (!idError && seen[key]) idError = "同一订单中证件号不能重复";
    seen[key] = true;
    if (nameError || idError) valid = false;
    return { ...p, nameError, idError, ticketTypeError: "" };
  });
  return { list: checked, valid };
}

/** A typed row as createOrder takes it: the document and ticket types only when not the defaults. */
function passengerInput(p: PassengerForm): PassengerInput {
  const idType = idTypeOf(p);
  const ticketType = ticketTypeOf(p);
  return {
    name: normalizeName(p.name),
    idCardNo: normalizeIdNo(p.idCardNo),
    ...(idType !== "ID_CARD" ? { idType } : {}),
    ...(ticketType !== "ADULT" ? { ticketType } : {}),
  };
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
    shownOnce: false,
    /** 常用乘车人 as chips; empty when none are saved or the list could not be had. */
    saved: [] as SavedChip[],
    /** Selected chips plus typed rows (blank ones not counted while chips are selected). */
    passengerCount: 1,
    idTypeNames: ID_TYPES.map((t) => ID_TYPE_NAMES[t]),
    ticketTypeNames: TICKET_TYPES.map((t) => TICKET_TYPE_NAMES[t]),
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
      return Promise.all([this.loadTrain(), this.loadSaved()]);
    },

    /** Back from 添加 / 编辑乘车人: the saved list again (the first show is onLoad's). */
    onShow() {
      if (!this.data.shownOnce) {
        this.setData({ shownOnce: true });
        return;
      }
      return this.loadSaved();
    },

    /** The saved passengers, keeping what was selected; without them the page still books typed ones. */
    async loadSaved() {
      try {
        const res = (await call("passengers", { action: "list" })) as PassengersListResult;
        const chosen = this.data.saved.filter((c) => c.selected).map((c) => c.passengerId);
        const typed = this.data.passengers;
        // With saved passengers to tap, the one blank row the page opened with is noise: 填写其他乘车人 adds one.
        const untouched = typed.length === 1 && isBlank(typed[0]!) && res.passengers.length > 0;
        this.setData({
          saved: res.passengers.map((p) => chipOf(p, chosen.indexOf(p.passengerId) >= 0)),
          ...(untouched ? { passengers: [] } : {}),
        });
        this.refreshEstimate();
      } catch {
        // Typing passengers in still works; the chips stay as they were.
      }
    },

    onToggleSaved(e: WechatMiniprogram.BaseEvent) {
      if (this.data.submitting) return;
      const id = String((e.currentTarget.dataset as { id: string }).id);
      const chip = this.data.saved.find((c) => c.passengerId === id);
      if (!chip) return;
      if (!chip.selected && this.data.passengerCount >= MAX_PASSENGERS) {
        wx.showToast({ title: `每单最多 ${MAX_PASSENGERS} 位乘车人`, icon: "none" });
        return;
      }
      const saved = this.data.saved.map((c) =>
        c.passengerId === id ? { ...c, selected: !c.selected, label: chipLabel(c.name, c.ticketTypeName, !c.selected), error: "" } : c,
      );
      this.setData({ saved, clientToken: "", formError: "" });
      this.refreshEstimate();
    },

    onAddSaved() {
      wx.navigateTo({ url: "/pages/passenger-edit/index" });
    },

    onEditSaved(e: WechatMiniprogram.BaseEvent) {
      const id = String((e.currentTarget.dataset as { id: string }).id);
      wx.navigateTo({ url: `/pages/passenger-edit/index?passengerId=${encodeURIComponent(id)}` });
    },

    /** The typed rows that go into the order (blank ones are dropped while chips are selected). */
    typedRows(): number[] {
      const anySaved = this.data.saved.some((c) => c.selected);
      return this.data.passengers.map((p, i) => (anySaved && isBlank(p) ? -1 : i)).filter((i) => i >= 0);
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
        const res = await findTrains(filter);
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
      const types = [
        ...this.data.saved.filter((c) => c.selected).map((c) => c.ticketType),
        ...this.typedRows().map((i) => ticketTypeOf(this.data.passengers[i]!)),
      ];
      this.setData({ passengerCount: types.length, serverAmountText: "" });
      if (!seat) return;
      this.setData({ estimateText: formatPrice(types.reduce((sum, t) => sum + ticketPrice(seat.price, t), 0)) });
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

    /** ID document or ticket type of a typed row (pickers). */
    onPickType(e: WechatMiniprogram.PickerChange) {
      const { index, kind } = e.currentTarget.dataset as { index: number; kind: "idTypeIndex" | "ticketTypeIndex" };
      const i = Number(index);
      if (this.data.submitting || !this.data.passengers[i]) return;
      const passengers = this.data.passengers.slice();
      passengers[i] = { ...passengers[i]!, [kind]: Number(e.detail.value), idError: "", nameError: "", ticketTypeError: "" };
      this.changePassengers(passengers);
    },

    onAddPassenger() {
      if (this.data.submitting || this.data.passengerCount >= MAX_PASSENGERS) return;
      this.changePassengers([...this.data.passengers, emptyPassenger()]);
    },

    onRemovePassenger(e: WechatMiniprogram.BaseEvent) {
      const i = Number((e.currentTarget.dataset as { index: number }).index);
      // The last typed row may go when saved passengers can be chosen instead.
      if (this.data.submitting || (this.data.passengers.length <= 1 && this.data.saved.length === 0)) return;
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

    /** A refusal naming a passenger's field marks it where it was typed or chosen; true when marked. */
    markField(err: unknown, sentRows: number[]): boolean {
      const field = fieldOf(err) ?? "";
      const saved = /^passengerIds\[(\d+)\]/.exec(field);
      const typed = /^passengers\[(\d+)\]\.(name|idCardNo|ticketType)$/.exec(field);
      const message = errorMessage(err);
      if (saved) {
        const id = this.data.saved.filter((c) => c.selected)[Number(saved[1])]?.passengerId;
        if (!id) return false;
        this.setData({ saved: this.data.saved.map((c) => (c.passengerId === id ? { ...c, error: message } : c)) });
        return true;
      }
      const row = typed ? sentRows[Number(typed[1])] : undefined;
      if (!typed || row === undefined || !this.data.passengers[row]) return false;
      const key = typed[2] === "name" ? "nameError" : typed[2] === "idCardNo" ? "idError" : "ticketTypeError";
      const passengers = this.data.passengers.slice();
      passengers[row] = { ...passengers[row]!, [key]: message };
      this.setData({ passengers });
      return true;
    },

    /** What a refused booking leads to (see the file's header). */
    async nextStep(err: unknown, clientToken: string, sentRows: number[] = []) {
      if (this.markField(err, sentRows)) {
        this.setData({ submitting: false, clientToken: "", formError: "请检查乘车人信息" });
        return;
      }
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
        const res = await findTrains({ ...(from ? { from } : {}), ...(to ? { to } : {}), ...(date ? { date } : {}) });
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
      const passengerIds = this.data.saved.filter((c) => c.selected).map((c) => c.passengerId);
      if (passengerIds.length === 0 && this.data.passengers.length === 0) {
        this.setData({ formError: "请选择或填写乘车人" });
        return;
      }
      const { list, valid } = validatePassengers(this.data.passengers, passengerIds.length > 0);
      const clearedChips = this.data.saved.map((c) => (c.error ? { ...c, error: "" } : c));
      if (!valid) {
        this.setData({ passengers: list, saved: clearedChips, formError: "请检查乘车人信息" });
        return;
      }
      const clientToken = this.data.clientToken || newToken("book");
      this.setData({ submitting: true, clientToken, formError: "", passengers: list, saved: clearedChips });
      const sentRows = this.typedRows();
      const passengers = sentRows.map((i) => passengerInput(list[i]!));
      // Asked inside the tap (WeChat requires a user gesture); whatever the answer, the booking goes on.
      const subscribe = await askSubscriptions();
      try {
        const order = await call("createOrder", {
          trainId: query.trainId,
          seatClass: seat.code,
          ...(passengerIds.length > 0 ? { passengerIds } : {}),
          ...(passengers.length > 0 || passengerIds.length === 0 ? { passengers } : {}),
          clientToken,
          ...(this.data.preference ? { seatPreference: this.data.preference } : {}),
          ...(subscribe.length > 0 ? { subscribe } : {}),
        });
        saveLaunch(order);
        void refreshUnpaidBadge();
        this.setData({ serverAmountText: formatPrice(order.amount), submitting: false, pendingOrderId: "" });
        wx.navigateTo({ url: `/pages/pay/index?orderId=${encodeURIComponent(order.orderId)}` });
      } catch (err) {
        await this.nextStep(err, clientToken, sentRows);
      }
    },
  },
});
