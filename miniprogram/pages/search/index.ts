// 车次查询: choose 出发站 and 到达站 on the station page (both required, never the same; 交换 swaps
// them), a date on the strip (today by the server's clock, 前一天 / 后一天), then the trains with
// each seat class; filters (只看有票, 高铁/动车, departure time) and sorting apply to the server's
// list and stay as chosen when the date changes. Tap a class to book it.
// A new search clears the list at once (no train of another date can be tapped while it loads or
// after it fails), and only the latest search's answer is shown (an older, slower one is dropped).
import type { SeatClassView, TrainView } from "../../../shared/contracts/api";
import { errorMessage, isRetryable } from "../../services/errors";
import { serverNow } from "../../services/server-clock";
import { findTrains, loadStations } from "../../services/trains";
import { addDays, dateStrip, type DateItem } from "../../utils/date-strip";
import { formatPrice } from "../../utils/money";
import { STATION_PICKED_EVENT } from "../../utils/station-search";
import { chinaDate } from "../../utils/time";
import { trainHeading, type TrainHeading } from "../../utils/train";
import {
  DEPART_PERIODS,
  NO_FILTERS,
  SORT_KEYS,
  TRAIN_TYPES,
  filterTrains,
  sortTrains,
  toggled,
  type DepartPeriod,
  type SortKey,
  type TrainFilters,
  type TrainType,
} from "../../utils/train-filter";

/** How far ahead tickets are sold (the catalog's days, today included). */
const SALE_DAYS = 14;
const STATION_PAGE = "/pages/station/index";

type Field = "from" | "to";

interface SeatItem {
  code: SeatClassView["code"];
  name: string;
  priceText: string;
  remaining: number;
  remainingText: string;
  soldOut: boolean;
}

interface TrainItem extends TrainHeading {
  /** Position in the shown list: the row's wx:key (see index.wxml). */
  slot: number;
  trainId: string;
  seats: SeatItem[];
}

interface Chip {
  key: string;
  text: string;
  on: boolean;
}

function seatItem(seat: SeatClassView): SeatItem {
  const soldOut = seat.remaining <= 0;
  return {
    code: seat.code,
    name: seat.name,
    priceText: formatPrice(seat.price),
    remaining: seat.remaining,
    remainingText: soldOut ? "无票" : seat.remaining > 20 ? "有票" : `剩${seat.remaining}张`,
    soldOut,
  };
}

function trainItem(t: TrainView, slot: number): TrainItem {
  return { ...trainHeading(t), slot, trainId: t.trainId, seats: t.seats.map(seatItem) };
}

function chipsOf(filters: TrainFilters, sort: SortKey) {
  return {
    typeChips: TRAIN_TYPES.map((t): Chip => ({ key: t.key, text: t.text, on: filters.types.indexOf(t.key) >= 0 })),
    periodChips: DEPART_PERIODS.map((p): Chip => ({ key: p.key, text: p.text, on: filters.periods.indexOf(p.key) >= 0 })),
    sortChips: SORT_KEYS.map((s): Chip => ({ key: s.key, text: s.text, on: s.key === sort })),
  };
}

/** Searches started per page instance: an answer is shown only if no later search began. */
const searches = new WeakMap<object, number>();
/** The server's list of the current search, per page instance; filters and sorting apply to it. */
const answers = new WeakMap<object, TrainView[]>();

const keyOf = (e: WechatMiniprogram.BaseEvent): string => String((e.currentTarget.dataset as { key?: string }).key ?? "");

Component({
  data: {
    from: "",
    to: "",
    hint: "",
    today: "",
    date: "",
    /** True once the traveller chose a date; until then the date follows "today" (server time). */
    dateChosen: false,
    dates: [] as DateItem[],
    canPrev: false,
    canNext: false,
    filters: NO_FILTERS,
    sort: "depart" as SortKey,
    ...chipsOf(NO_FILTERS, "depart"),
    trains: [] as TrainItem[],
    totalCount: 0,
    loading: false,
    loaded: false,
    error: "",
    canRetry: false,
  },
  methods: {
    onLoad() {
      this.applyToday();
      return this.readServerClock();
    },

    onPullDownRefresh() {
      return this.search().then(() => wx.stopPullDownRefresh());
    },

    /** The station list answers with the server's clock: "today" is the server's date. If it cannot
     *  be had, the phone's clock stands in (the station page shows the error and 重试). */
    async readServerClock() {
      try {
        await loadStations();
      } catch {
        return;
      }
      this.applyToday();
    },

    /** The strip from today (server time); the date is today until the traveller chooses one, and a
     *  chosen date that is now past (or beyond the sale period) moves into the strip. */
    applyToday() {
      const today = chinaDate(serverNow());
      const last = addDays(today, SALE_DAYS - 1);
      const current = this.data.date;
      let date = current; // YYYY-MM-DD strings compare as dates
      if (!this.data.dateChosen || date < today) date = today;
      else if (date > last) date = last;
      this.setData({ today, date, dates: dateStrip(today, SALE_DAYS), canPrev: date > today, canNext: date < last });
      return date !== current;
    },

    async search(): Promise<void> {
      const { from, to, date } = this.data;
      if (!from || !to) {
        this.setData({ hint: "请先选择出发站和到达站" });
        return;
      }
      if (from === to) {
        this.setData({ hint: "出发站和到达站不能相同" });
        return;
      }
      const mine = (searches.get(this) ?? 0) + 1;
      searches.set(this, mine);
      const latest = () => searches.get(this) === mine;
      answers.set(this, []);
      this.setData({ hint: "", loading: true, error: "", canRetry: false, trains: [], totalCount: 0 });
      try {
        const res = await findTrains({ from, to, date });
        if (!latest()) return;
        answers.set(this, res.trains);
        this.setData({ loading: false, loaded: true });
        // The server's day may have turned since the date was set (its answer carries its clock):
        // the list must be of the date the strip shows.
        if (this.applyToday()) return this.search();
        this.render();
      } catch (err) {
        if (!latest()) return;
        this.setData({ loading: false, trains: [], error: errorMessage(err), canRetry: isRetryable(err) });
      }
    },

    /** The server's list through the chosen filters and order. */
    render() {
      const all = answers.get(this) ?? [];
      const shown = sortTrains(filterTrains(all, this.data.filters), this.data.sort);
      this.setData({ trains: shown.map((t, i) => trainItem(t, i)), totalCount: all.length });
    },

    onSearch() {
      return this.search();
    },

    onRetry() {
      return this.search();
    },

    onPickStation(e: WechatMiniprogram.BaseEvent) {
      const field: Field = keyOf(e) === "to" ? "to" : "from";
      return wx.navigateTo({
        url: `${STATION_PAGE}?field=${field}`,
        events: { [STATION_PICKED_EVENT]: (picked: { name?: string }) => this.chooseStation(field, String(picked?.name ?? "")) },
      });
    },

    /** A station chosen on the station page; the search runs once both ends are set. */
    async chooseStation(field: Field, name: string) {
      if (!name) return;
      const other = field === "from" ? this.data.to : this.data.from;
      if (name === other) {
        wx.showToast({ title: "出发站和到达站不能相同", icon: "none" });
        return;
      }
      this.setData({ [field]: name, hint: "" });
      if (this.data.from && this.data.to) await this.search();
    },

    async onSwap() {
      const { from, to } = this.data;
      if (!from && !to) return;
      this.setData({ from: to, to: from });
      if (from && to) await this.search();
    },

    selectDate(date: string) {
      const { today, dates } = this.data;
      if (!dates.some((d) => d.date === date)) return;
      this.setData({ date, dateChosen: true, canPrev: date > today, canNext: date < dates[dates.length - 1]!.date });
      if (this.data.from && this.data.to) return this.search();
    },

    onDateTap(e: WechatMiniprogram.BaseEvent) {
      return this.selectDate(keyOf(e));
    },

    onPrevDay() {
      if (!this.data.canPrev) return;
      return this.selectDate(addDays(this.data.date, -1));
    },

    onNextDay() {
      if (!this.data.canNext) return;
      return this.selectDate(addDays(this.data.date, 1));
    },

    setFilters(filters: TrainFilters, sort: SortKey) {
      this.setData({ filters, sort, ...chipsOf(filters, sort) });
      this.render();
    },

    onToggleAvailable() {
      this.setFilters({ ...this.data.filters, onlyAvailable: !this.data.filters.onlyAvailable }, this.data.sort);
    },

    onToggleType(e: WechatMiniprogram.BaseEvent) {
      const key = keyOf(e) as TrainType;
      if (!TRAIN_TYPES.some((t) => t.key === key)) return;
      this.setFilters({ ...this.data.filters, types: toggled(this.data.filters.types, key) }, this.data.sort);
    },

    onTogglePeriod(e: WechatMiniprogram.BaseEvent) {
      const key = keyOf(e) as DepartPeriod;
      if (!DEPART_PERIODS.some((p) => p.key === key)) return;
      this.setFilters({ ...this.data.filters, periods: toggled(this.data.filters.periods, key) }, this.data.sort);
    },

    onSort(e: WechatMiniprogram.BaseEvent) {
      const key = keyOf(e) as SortKey;
      if (!SORT_KEYS.some((s) => s.key === key)) return;
      this.setFilters(this.data.filters, key);
    },

    onSeatTap(e: WechatMiniprogram.BaseEvent) {
      if (this.data.loading) return; // what is on screen is about to be replaced
      const { trainIndex, seatIndex } = e.currentTarget.dataset as { trainIndex: number; seatIndex: number };
      const train = this.data.trains[Number(trainIndex)];
      const seat = train?.seats[Number(seatIndex)];
      if (!train || !seat) return;
      if (seat.soldOut) {
        wx.showToast({ title: `${seat.name}已售罄`, icon: "none" });
        return;
      }
      const query = [
        `trainId=${encodeURIComponent(train.trainId)}`,
        `seatClass=${seat.code}`,
        `from=${encodeURIComponent(train.from)}`,
        `to=${encodeURIComponent(train.to)}`,
        `date=${train.date}`,
      ].join("&");
      wx.navigateTo({ url: `/pages/book/index?${query}` });
    },
  },
});
