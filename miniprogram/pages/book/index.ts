// 填写订单: the chosen train and seat class, 1–5 passengers checked before anything is sent, then
// createOrder with one clientToken per booking (a double tap or a retry books once) and on to 支付.
import type { PassengerInput, SeatClassCode } from "../../../shared/contracts/api";
import { call } from "../../services/api";
import { errorMessage, isRetryable } from "../../services/errors";
import { saveLaunch } from "../../services/launches";
import { ID_CARD_MESSAGES, checkIdCard, normalizeIdCard } from "../../utils/idcard";
import { formatPrice } from "../../utils/money";
import { trainHeading, type TrainHeading } from "../../utils/train";
import { decodeQuery } from "../../utils/query";
import { newToken } from "../../utils/token";

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

    async onSubmit() {
      // Checked before any await, so a second tap while the first is in flight does nothing.
      if (this.data.submitting) return;
      const { train, seat, query } = this.data;
      if (!train || !seat || !query.trainId) return;
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
      try {
        const order = await call("createOrder", {
          trainId: query.trainId,
          seatClass: seat.code,
          passengers,
          clientToken,
        });
        saveLaunch(order);
        this.setData({ serverAmountText: formatPrice(order.amount), submitting: false });
        wx.navigateTo({ url: `/pages/pay/index?orderId=${encodeURIComponent(order.orderId)}` });
      } catch (err) {
        const message = errorMessage(err);
        // A retryable failure may have booked: keep the token so the retry finds that order.
        this.setData({
          submitting: false,
          formError: message,
          clientToken: isRetryable(err) ? clientToken : "",
        });
        wx.showToast({ title: message, icon: "none" });
      }
    },
  },
});
