// 车次查询: pick from / to / date, list the trains with each seat class; tap a class to book it.
// A new search clears the list at once (no train of another date can be tapped while it loads or
// after it fails), and only the latest search's answer is shown (an older, slower one is dropped).
import type { SeatClassView, TrainView } from "../../../shared/contracts/api";
import { call } from "../../services/api";
import { errorMessage, isRetryable } from "../../services/errors";
import { formatPrice } from "../../utils/money";
import { chinaDate } from "../../utils/time";
import { trainHeading, type TrainHeading } from "../../utils/train";

const ANY_STATION = "全部";
/** How far ahead tickets are sold. */
const SALE_DAYS = 14;

interface SeatItem {
  code: SeatClassView["code"];
  name: string;
  priceText: string;
  remaining: number;
  remainingText: string;
  soldOut: boolean;
}

interface TrainItem extends TrainHeading {
  trainId: string;
  seats: SeatItem[];
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

function trainItem(t: TrainView): TrainItem {
  return { ...trainHeading(t), trainId: t.trainId, seats: t.seats.map(seatItem) };
}

/** Stations seen in an unfiltered answer, so the pickers offer only places the catalog serves. */
function stationsOf(trains: TrainView[], known: string[]): string[] {
  const set: Record<string, true> = {};
  for (const s of known) if (s !== ANY_STATION) set[s] = true;
  for (const t of trains) {
    set[t.from] = true;
    set[t.to] = true;
  }
  return [ANY_STATION, ...Object.keys(set).sort()];
}

/** Searches started per page instance: an answer is shown only if no later search began. */
const searches = new WeakMap<object, number>();

Component({
  data: {
    stations: [ANY_STATION] as string[],
    fromIndex: 0,
    toIndex: 0,
    date: "",
    minDate: "",
    maxDate: "",
    trains: [] as TrainItem[],
    loading: false,
    loaded: false,
    error: "",
    canRetry: false,
  },
  methods: {
    onLoad() {
      const now = Date.now();
      const today = chinaDate(now);
      this.setData({ date: today, minDate: today, maxDate: chinaDate(now, SALE_DAYS - 1) });
      return this.search();
    },

    onPullDownRefresh() {
      return this.search().then(() => wx.stopPullDownRefresh());
    },

    async search() {
      const { stations, fromIndex, toIndex, date } = this.data;
      const from = stations[fromIndex];
      const to = stations[toIndex];
      const filter: { from?: string; to?: string; date: string } = { date };
      if (from && from !== ANY_STATION) filter.from = from;
      if (to && to !== ANY_STATION) filter.to = to;
      const mine = (searches.get(this) ?? 0) + 1;
      searches.set(this, mine);
      const latest = () => searches.get(this) === mine;
      this.setData({ loading: true, error: "", canRetry: false, trains: [] });
      try {
        const res = await call("trains", filter);
        if (!latest()) return;
        const update: Record<string, unknown> = {
          trains: res.trains.map(trainItem),
          loading: false,
          loaded: true,
        };
        if (!filter.from && !filter.to) update.stations = stationsOf(res.trains, stations);
        this.setData(update);
      } catch (err) {
        if (!latest()) return;
        this.setData({ loading: false, trains: [], error: errorMessage(err), canRetry: isRetryable(err) });
      }
    },

    onFromChange(e: WechatMiniprogram.PickerChange) {
      this.setData({ fromIndex: Number(e.detail.value) });
      return this.search();
    },

    onToChange(e: WechatMiniprogram.PickerChange) {
      this.setData({ toIndex: Number(e.detail.value) });
      return this.search();
    },

    onDateChange(e: WechatMiniprogram.PickerChange) {
      this.setData({ date: String(e.detail.value) });
      return this.search();
    },

    onSwap() {
      this.setData({ fromIndex: this.data.toIndex, toIndex: this.data.fromIndex });
      return this.search();
    },

    onRetry() {
      return this.search();
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
