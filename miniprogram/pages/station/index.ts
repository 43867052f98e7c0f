// 选择车站: opened from 车次查询 for 出发站 or 到达站 (`?field=from|to`). Search by 汉字, 拼音 or
// 首字母; without a query: 最近, 热门, then every station by city. The choice goes back to the opener
// through the event channel wx.navigateTo opened (event "station"), then the page closes.
import type { StationView } from "../../../shared/contracts/api";
import { errorMessage } from "../../services/errors";
import { recentStations, rememberStation } from "../../services/recent-stations";
import { loadStations } from "../../services/trains";
import { STATION_PICKED_EVENT, groupByCity, matchStations, stationsNamed, type CityGroup } from "../../utils/station-search";

/** The stations of the last answer, per page instance (kept out of `data`: the view never needs all of it twice). */
const lists = new WeakMap<object, StationView[]>();

Component({
  data: {
    field: "from" as "from" | "to",
    title: "选择出发站",
    query: "",
    loading: true,
    error: "",
    results: [] as StationView[],
    recent: [] as StationView[],
    hot: [] as StationView[],
    groups: [] as CityGroup[],
  },
  methods: {
    onLoad(query: { field?: string }) {
      const field = query.field === "to" ? "to" : "from";
      this.setData({ field, title: field === "to" ? "选择到达站" : "选择出发站" });
      return this.load();
    },

    async load() {
      this.setData({ loading: true, error: "" });
      try {
        const res = await loadStations();
        lists.set(this, res.stations);
        this.setData({
          loading: false,
          recent: stationsNamed(res.stations, recentStations()),
          hot: res.stations.filter((s) => s.hot),
          groups: groupByCity(res.stations),
          results: matchStations(res.stations, this.data.query),
        });
      } catch (err) {
        // Whatever failed (no answer, a broken one, a refusal), the page is useless without the list:
        // 重试 is always offered.
        this.setData({ loading: false, error: `车站列表加载失败：${errorMessage(err)}` });
      }
    },

    onRetry() {
      return this.load();
    },

    onInput(e: WechatMiniprogram.Input) {
      const query = String(e.detail.value);
      this.setData({ query, results: matchStations(lists.get(this) ?? [], query) });
    },

    onClear() {
      this.setData({ query: "", results: [] });
    },

    onPick(e: WechatMiniprogram.BaseEvent) {
      const name = String((e.currentTarget.dataset as { name?: string }).name ?? "");
      if (!name) return;
      rememberStation(name);
      const channel = this.getOpenerEventChannel();
      if (channel.emit) channel.emit(STATION_PICKED_EVENT, { field: this.data.field, name });
      wx.navigateBack({ delta: 1 });
    },
  },
});
