// 概览: today's figures, the last 14 days as a chart, and the open exceptions by kind.
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { init, use, type ECharts } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { ElAlert, ElCard, ElCol, ElRow, ElStatistic, ElTag } from "../el";
import { defineComponent, nextTick, onBeforeUnmount, onMounted, ref } from "vue";
import type { ExceptionKind, OverviewView } from "../../../shared/ops/contract";
import { get } from "../api";
import { EXCEPTION_KIND } from "../format";
import { go } from "../router";
import { showError } from "../ui";

use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export const OverviewPage = defineComponent({
  setup() {
    const data = ref<OverviewView>();
    const chartEl = ref<HTMLDivElement>();
    let chart: ECharts | undefined;
    const resize = () => chart?.resize();

    function draw(v: OverviewView) {
      if (!chartEl.value) return;
      chart ??= init(chartEl.value);
      chart.setOption({
        animation: !matchMedia("(prefers-reduced-motion: reduce)").matches,
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: ["收款（元）", "退款（元）", "订单数"] },
        grid: { left: 56, right: 48, top: 48, bottom: 32 },
        xAxis: { type: "category", data: v.days.map((d) => d.date.slice(5)) },
        yAxis: [
          { type: "value", name: "元" },
          { type: "value", name: "单", minInterval: 1 },
        ],
        series: [
          { name: "收款（元）", type: "bar", data: v.days.map((d) => d.paidAmount / 100), itemStyle: { color: "#409eff" } },
          { name: "退款（元）", type: "bar", data: v.days.map((d) => d.refundAmount / 100), itemStyle: { color: "#e6a23c" } },
          { name: "订单数", type: "line", yAxisIndex: 1, data: v.days.map((d) => d.orders), itemStyle: { color: "#67c23a" } },
        ],
      });
    }

    onMounted(async () => {
      window.addEventListener("resize", resize);
      try {
        data.value = await get<OverviewView>("overview");
        await nextTick();
        draw(data.value);
      } catch (e) {
        showError(e);
      }
    });
    onBeforeUnmount(() => {
      window.removeEventListener("resize", resize);
      chart?.dispose();
    });

    return () => {
      const v = data.value;
      return (
        <div class="overview">
          <ElRow gutter={16}>
            <ElCol span={6}>
              <ElCard class="stat">
                <ElStatistic title="今日订单" value={v?.today.orders ?? 0} />
              </ElCard>
            </ElCol>
            <ElCol span={6}>
              <ElCard class="stat">
                <ElStatistic title={`今日收款（${v?.today.paidCount ?? 0} 笔）`} value={(v?.today.paidAmount ?? 0) / 100} precision={2} />
              </ElCard>
            </ElCol>
            <ElCol span={6}>
              <ElCard class="stat">
                <ElStatistic
                  title={`今日退款（${v?.today.refundCount ?? 0} 笔）`}
                  value={(v?.today.refundAmount ?? 0) / 100}
                  precision={2}
                />
              </ElCard>
            </ElCol>
            <ElCol span={6}>
              <button type="button" class="clickable" style="all: unset; display: block; width: 100%" onClick={() => go("exceptions")}>
                <ElCard class="stat stat-exceptions" shadow="hover">
                  <ElStatistic title="待处理异常" value={v?.openExceptions ?? 0} />
                </ElCard>
              </button>
            </ElCol>
          </ElRow>
          {v?.truncated ? (
            <ElAlert type="warning" closable={false} title="数据量超过单次查询上限，以下为下限值" style="margin-top:12px" />
          ) : null}
          <ElCard class="chart-card" header="近 14 天">
            <div ref={chartEl} class="chart" />
          </ElCard>
          {v && v.openExceptions > 0 ? (
            <ElCard header="待处理异常">
              {(Object.entries(v.openByKind) as [ExceptionKind, number][]).map(([k, n]) => (
                <ElTag type="danger" class="kind-tag" onClick={() => go("exceptions")}>
                  {EXCEPTION_KIND[k]} {n}
                </ElTag>
              ))}
            </ElCard>
          ) : null}
        </div>
      );
    };
  },
});
