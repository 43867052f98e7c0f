// 订单: search by order id, out_trade_no, WeChat Pay transaction_id or openid, a creation date
// range and a status; each row opens the order page.
import { ElAlert, ElButton, ElCard, ElDatePicker, ElInput, ElOption, ElSelect, ElTable, ElTableColumn } from "../el";
import { defineComponent, onMounted, reactive, ref, watch } from "vue";
import type { OrderStatus } from "../../../shared/contracts/api";
import type { OrderRow, OrderSearchResult } from "../../../shared/ops/contract";
import { get } from "../api";
import { ORDER_STATUS, time, yuan } from "../format";
import { go, route } from "../router";
import { OrderStatusTag, showError } from "../ui";

const FIELDS = [
  { key: "transactionId", label: "微信支付单号" },
  { key: "outTradeNo", label: "商户订单号" },
  { key: "orderId", label: "订单 ID" },
  { key: "openid", label: "用户 openid" },
] as const;
type Field = (typeof FIELDS)[number]["key"];

export const OrdersPage = defineComponent({
  setup() {
    const form = reactive({
      field: "transactionId" as Field,
      value: "",
      range: null as [string, string] | null,
      status: "" as OrderStatus | "",
    });
    const result = ref<OrderSearchResult>();
    const busy = ref(false);

    function fromRoute() {
      const q = route.query;
      const f = FIELDS.find((x) => q[x.key]);
      form.field = f?.key ?? "transactionId";
      form.value = f ? q[f.key]! : "";
      form.range = q.from && q.to ? [q.from, q.to] : null;
      form.status = (q.status as OrderStatus) ?? "";
    }

    async function load() {
      if (Object.keys(route.query).length === 0) return;
      busy.value = true;
      try {
        result.value = await get<OrderSearchResult>("orders", route.query);
      } catch (e) {
        showError(e);
      } finally {
        busy.value = false;
      }
    }

    function search() {
      go("orders", {
        [form.field]: form.value.trim() || undefined,
        from: form.range?.[0],
        to: form.range?.[1],
        status: form.status || undefined,
        t: String(Date.now() % 100000),
      });
    }

    onMounted(() => {
      fromRoute();
      void load();
    });
    watch(
      () => route.query,
      () => {
        if (route.name !== "orders") return;
        fromRoute();
        void load();
      },
    );

    return () => (
      <div>
        <ElCard class="search-card">
          <div class="search-row">
            <ElSelect class="search-field" modelValue={form.field} onUpdate:modelValue={(v: Field) => (form.field = v)} style="width:150px">
              {FIELDS.map((f) => (
                <ElOption value={f.key} label={f.label} />
              ))}
            </ElSelect>
            <ElInput
              class="search-value"
              modelValue={form.value}
              onUpdate:modelValue={(v: string) => (form.value = v)}
              placeholder="输入单号或 openid"
              clearable
              style="width:320px"
              onKeydown={(e: Event | KeyboardEvent) => "key" in e && e.key === "Enter" && search()}
            />
            <ElDatePicker
              type="daterange"
              valueFormat="YYYY-MM-DD"
              startPlaceholder="下单开始日期"
              endPlaceholder="结束日期"
              modelValue={form.range ?? undefined}
              onUpdate:modelValue={(v: [string, string] | null) => (form.range = v)}
              style="width:260px"
            />
            <ElSelect
              modelValue={form.status}
              onUpdate:modelValue={(v: OrderStatus | "") => (form.status = v)}
              placeholder="全部状态"
              clearable
              style="width:130px"
            >
              {(Object.keys(ORDER_STATUS) as OrderStatus[]).map((s) => (
                <ElOption value={s} label={ORDER_STATUS[s].label} />
              ))}
            </ElSelect>
            <ElButton class="search-submit" type="primary" loading={busy.value} onClick={search}>
              查询
            </ElButton>
          </div>
        </ElCard>
        {result.value?.source === "wechatpay" ? (
          <ElAlert type="info" closable={false} title="本地没有记录此微信支付单号，已向微信支付查询其商户订单号" style="margin-top:12px" />
        ) : null}
        {result.value?.truncated ? (
          <ElAlert type="warning" closable={false} title="结果较多，只显示最近 50 条，请缩小条件" style="margin-top:12px" />
        ) : null}
        {result.value ? (
          <ElCard class="result-card">
            <ElTable
              class="orders-table"
              data={result.value.orders}
              emptyText="没有符合条件的订单"
              onRow-click={(row: OrderRow) => go(`orders/${row.orderId}`)}
              rowClassName="clickable"
            >
              <ElTableColumn label="商户订单号" prop="outTradeNo" width="240" />
              <ElTableColumn label="微信支付单号" width="260">
                {{ default: ({ row }: { row: OrderRow }) => row.transactionId ?? "—" }}
              </ElTableColumn>
              <ElTableColumn label="车次" minWidth="230">
                {{
                  default: ({ row }: { row: Partial<OrderRow> }) =>
                    row.train ? `${row.train.trainNo} ${row.train.from}→${row.train.to} ${row.train.date}` : "",
                }}
              </ElTableColumn>
              <ElTableColumn label="金额（元）" width="110" align="right">
                {{ default: ({ row }: { row: OrderRow }) => yuan(row.amount) }}
              </ElTableColumn>
              <ElTableColumn label="已退（元）" width="110" align="right">
                {{ default: ({ row }: { row: OrderRow }) => yuan(row.refundedAmount) }}
              </ElTableColumn>
              <ElTableColumn label="状态" width="100">
                {{ default: ({ row }: { row: OrderRow }) => <OrderStatusTag status={row.status} /> }}
              </ElTableColumn>
              <ElTableColumn label="下单时间" width="170">
                {{ default: ({ row }: { row: OrderRow }) => time(row.createdAt) }}
              </ElTableColumn>
            </ElTable>
          </ElCard>
        ) : null}
      </div>
    );
  },
});
