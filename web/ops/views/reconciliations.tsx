// 对账: reports by date, one report's discrepancies, re-run for a date (finance and up), CSV export.
import { ElAlert, ElButton, ElCard, ElDatePicker, ElMessage, ElTable, ElTableColumn, ElTag } from "../el";
import { defineComponent, onMounted, ref, watch } from "vue";
import type { ReconcileDetail, ReconcileSummary } from "../../../shared/ops/contract";
import { discrepancyText } from "../../../shared/ops/discrepancy-text";
import { get, post } from "../api";
import { time } from "../format";
import { go, route } from "../router";
import { allowed } from "../state";
import { showError } from "../ui";

type Item = ReconcileDetail["items"][number];

const KIND: Record<Item["kind"], string> = {
  UNKNOWN_ORDER: "未知订单",
  PAID_NOT_RECORDED: "已收款未入账",
  AMOUNT_MISMATCH: "金额不符",
  UNKNOWN_REFUND: "未知退款",
  REFUND_AMOUNT_MISMATCH: "退款金额不符",
  NOT_IN_BILL: "账单中缺失",
  CLOSED_ORDER_NOT_REFUNDED: "关闭订单付款未退",
};

export const ReconciliationsPage = defineComponent({
  setup() {
    const reports = ref<ReconcileSummary[]>([]);
    const detail = ref<ReconcileDetail>();
    const date = ref<string>(new Date(Date.now() + 8 * 3600_000 - 86400_000).toISOString().slice(0, 10));
    const busy = ref(false);

    async function loadList() {
      try {
        reports.value = (await get<{ reports: ReconcileSummary[] }>("reconciliations")).reports;
      } catch (e) {
        showError(e);
      }
    }
    async function loadDetail() {
      detail.value = undefined;
      if (route.name !== "reconciliation" || !route.param) return;
      try {
        detail.value = await get<ReconcileDetail>(`reconciliations/${route.param}`);
      } catch (e) {
        showError(e);
      }
    }
    async function run(billDate: string) {
      busy.value = true;
      try {
        detail.value = await post<ReconcileDetail>(`reconciliations/${billDate}/run`);
        ElMessage.success(`${billDate} 已重新对账：${detail.value.discrepancies} 处差异`);
        await loadList();
        if (route.param !== billDate) go(`reconciliations/${billDate}`);
      } catch (e) {
        showError(e);
      } finally {
        busy.value = false;
      }
    }
    onMounted(() => {
      void loadList();
      void loadDetail();
    });
    watch(() => route.param, loadDetail);

    return () => (
      <div>
        <ElCard>
          {{
            header: () => (
              <div class="card-header">
                <span>对账报告</span>
                {allowed("finance") ? (
                  <span>
                    <ElDatePicker
                      type="date"
                      valueFormat="YYYY-MM-DD"
                      modelValue={date.value}
                      onUpdate:modelValue={(v: string) => (date.value = v)}
                      style="width:150px;margin-right:8px"
                    />
                    <ElButton class="btn-run" type="primary" loading={busy.value} onClick={() => run(date.value)}>
                      对账
                    </ElButton>
                  </span>
                ) : null}
              </div>
            ),
            default: () => (
              <ElTable
                class="reports-table"
                data={reports.value}
                emptyText="还没有对账报告"
                onRow-click={(r: ReconcileSummary) => go(`reconciliations/${r.billDate}`)}
                rowClassName="clickable"
              >
                <ElTableColumn label="账单日期" prop="billDate" width="130" />
                <ElTableColumn label="支付笔数" prop="payments" width="100" />
                <ElTableColumn label="退款笔数" prop="refunds" width="100" />
                <ElTableColumn label="差异">
                  {{
                    default: ({ row }: { row: ReconcileSummary }) =>
                      row.error ? (
                        <ElTag type="warning">{`未取得账单：${row.error}`}</ElTag>
                      ) : row.discrepancies > 0 ? (
                        <ElTag type="danger">{`${row.discrepancies} 处差异`}</ElTag>
                      ) : (
                        <ElTag type="success">一致</ElTag>
                      ),
                  }}
                </ElTableColumn>
                <ElTableColumn label="核对时间" width="180">
                  {{ default: ({ row }: { row: ReconcileSummary }) => time(row.checkedAt) }}
                </ElTableColumn>
              </ElTable>
            ),
          }}
        </ElCard>
        {detail.value ? (
          <ElCard class="report-detail">
            {{
              header: () => (
                <div class="card-header">
                  <span>{`${detail.value!.billDate} 对账明细`}</span>
                  <span>
                    <a class="el-button" href={`/ops/api/reconciliations/${detail.value!.billDate}/csv`} download>
                      导出 CSV
                    </a>
                    {allowed("finance") ? (
                      <ElButton class="btn-rerun" loading={busy.value} onClick={() => run(detail.value!.billDate)} style="margin-left:8px">
                        重新对账
                      </ElButton>
                    ) : null}
                  </span>
                </div>
              ),
              default: () => [
                detail.value!.truncated ? (
                  <ElAlert type="warning" closable={false} title="当天记录超过 1000 条，“账单中缺失”方向只核对了部分" />
                ) : null,
                <ElTable class="discrepancies-table" data={detail.value!.items} emptyText="账单与记录一致，没有差异">
                  <ElTableColumn label="差异" width="130">
                    {{ default: ({ row }: { row: Item }) => KIND[row.kind] ?? row.kind }}
                  </ElTableColumn>
                  <ElTableColumn label="商户订单号 / 退款单号">
                    {{
                      default: ({ row }: { row: Item }) =>
                        row.orderId ? (
                          <a class="link" href={`#/orders/${row.orderId}`}>
                            {row.outTradeNo}
                          </a>
                        ) : (
                          <span class="mono">{[row.outTradeNo, row.outRefundNo].filter(Boolean).join(" / ")}</span>
                        ),
                    }}
                  </ElTableColumn>
                  <ElTableColumn label="说明">{{ default: ({ row }: { row: Item }) => discrepancyText(row.detail) }}</ElTableColumn>
                  <ElTableColumn label="处理" width="220">
                    {{
                      default: ({ row }: { row: Item }) =>
                        row.resolved ? `${row.resolved.by}：${row.resolved.note}` : "未处理（在异常队列中处理）",
                    }}
                  </ElTableColumn>
                </ElTable>,
              ],
            }}
          </ElCard>
        ) : null}
      </div>
    );
  },
});
