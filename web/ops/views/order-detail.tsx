// One order: amounts, passengers and tickets, the timeline, every payment_events record (source,
// decision, Request-ID), its refunds, the console's audit of it; a manual refund (support and up).
// Everything from the server is rendered as text (Vue interpolation), never as HTML.
import {
  ElAlert,
  ElButton,
  ElCard,
  ElDescriptions,
  ElDescriptionsItem,
  ElDialog,
  ElForm,
  ElFormItem,
  ElInput,
  ElTable,
  ElTableColumn,
  ElTimeline,
  ElTimelineItem,
  ElMessage,
} from "../el";
import { defineComponent, reactive, ref, watch } from "vue";
import type { AuditView, OpsOrderDetail, OpsRefundView, PaymentEventView } from "../../../shared/ops/contract";
import { ApiError, get, post, requestToken } from "../api";
import { AUDIT_ACTION, fenOf, time, yuan } from "../format";
import { route } from "../router";
import { allowed } from "../state";
import { OrderStatusTag, RefundStatusTag, showError } from "../ui";

const SOURCE: Record<PaymentEventView["source"], string> = {
  notification: "微信支付通知",
  query: "主动查单",
  sweeper: "定时补偿查单",
  mock: "模拟支付",
};

export const OrderDetailPage = defineComponent({
  setup() {
    const detail = ref<OpsOrderDetail>();
    const loading = ref(false);
    const dialog = reactive({ open: false, amount: "", reason: "", token: "", busy: false, error: "" });

    async function load() {
      if (route.name !== "order" || !route.param) return;
      loading.value = true;
      try {
        detail.value = await get<OpsOrderDetail>(`orders/${encodeURIComponent(route.param)}`);
      } catch (e) {
        showError(e);
      } finally {
        loading.value = false;
      }
    }
    watch(() => route.param, load, { immediate: true });

    function openRefund() {
      Object.assign(dialog, {
        open: true,
        amount: yuan(detail.value?.order.refundable ?? 0),
        reason: "",
        token: requestToken(),
        error: "",
      });
    }

    async function submitRefund() {
      const d = detail.value;
      const amount = fenOf(dialog.amount);
      if (!d || amount === undefined) return void (dialog.error = "请输入正确的金额（元，最多两位小数）");
      if (amount > d.order.refundable) return void (dialog.error = `最多可退 ${yuan(d.order.refundable)} 元`);
      if (dialog.reason.trim().length === 0) return void (dialog.error = "请填写退款原因");
      dialog.busy = true;
      dialog.error = "";
      try {
        const r = await post<OpsRefundView>(`orders/${d.order.orderId}/refund`, {
          amount,
          reason: dialog.reason.trim(),
          requestToken: dialog.token,
        });
        ElMessage.success(`已提交退款 ${yuan(r.amount)} 元`);
        dialog.open = false;
        await load();
      } catch (e) {
        dialog.error = e instanceof ApiError ? e.message : "退款失败";
      } finally {
        dialog.busy = false;
      }
    }

    async function sync() {
      const d = detail.value;
      if (!d) return;
      try {
        detail.value = await post<OpsOrderDetail>(`orders/${d.order.orderId}/sync`);
        ElMessage.success("已向微信支付查询并更新");
      } catch (e) {
        showError(e);
      }
    }

    return () => {
      const d = detail.value;
      if (!d) return <ElCard>{loading.value ? "加载中…" : "没有这个订单"}</ElCard>;
      const o = d.order;
      return (
        <div class="order-detail">
          <ElCard>
            {{
              header: () => (
                <div class="card-header">
                  <span>
                    订单 <span class="mono">{o.outTradeNo}</span> <OrderStatusTag status={o.status} />
                  </span>
                  <span>
                    {allowed("support") ? (
                      <ElButton class="btn-sync" onClick={sync}>
                        向微信支付查询
                      </ElButton>
                    ) : null}
                    {allowed("support") && o.refundable > 0 ? (
                      <ElButton class="btn-refund" type="danger" onClick={openRefund}>
                        退款
                      </ElButton>
                    ) : null}
                  </span>
                </div>
              ),
              default: () => (
                <ElDescriptions column={3} border>
                  <ElDescriptionsItem label="订单 ID">{{ default: () => o.orderId }}</ElDescriptionsItem>
                  <ElDescriptionsItem label="微信支付单号">{{ default: () => o.transactionId ?? "—" }}</ElDescriptionsItem>
                  <ElDescriptionsItem label="用户 openid">{{ default: () => o.openid }}</ElDescriptionsItem>
                  <ElDescriptionsItem label="车次">
                    {{ default: () => `${o.train.trainNo} ${o.train.from}→${o.train.to}` }}
                  </ElDescriptionsItem>
                  <ElDescriptionsItem label="发车">
                    {{ default: () => `${o.train.date} ${o.train.departTime}（${o.train.seatClassName}）` }}
                  </ElDescriptionsItem>
                  <ElDescriptionsItem label="乘客数">{{ default: () => o.passengerCount }}</ElDescriptionsItem>
                  <ElDescriptionsItem label="订单金额">{{ default: () => `${yuan(o.amount)} 元` }}</ElDescriptionsItem>
                  <ElDescriptionsItem label="已退款">{{ default: () => `${yuan(o.refundedAmount)} 元` }}</ElDescriptionsItem>
                  <ElDescriptionsItem label="可退">
                    {{
                      default: () => [
                        <span class="refundable">{`${yuan(o.refundable)} 元`}</span>,
                        o.refundReserved > o.refundedAmount ? (
                          <span class="muted">{`（${yuan(o.refundReserved - o.refundedAmount)} 元退款处理中）`}</span>
                        ) : null,
                      ],
                    }}
                  </ElDescriptionsItem>
                  <ElDescriptionsItem label="下单时间">{{ default: () => time(o.createdAt) }}</ElDescriptionsItem>
                  <ElDescriptionsItem label="支付时间">{{ default: () => time(o.paidAt) }}</ElDescriptionsItem>
                  <ElDescriptionsItem label="支付时限">{{ default: () => time(o.expiresAt) }}</ElDescriptionsItem>
                </ElDescriptions>
              ),
            }}
          </ElCard>

          <ElCard header="乘客与车票">
            <ElTable class="passengers-table" data={o.passengers}>
              <ElTableColumn label="乘客" prop="name" />
              <ElTableColumn label="证件号" prop="idCardNoMasked" />
              <ElTableColumn label="车票">
                {{ default: () => `${o.train.trainNo} ${o.train.date} ${o.train.departTime} ${o.train.seatClassName}` }}
              </ElTableColumn>
            </ElTable>
          </ElCard>

          <ElCard header="退款">
            <ElTable class="refunds-table" data={d.refunds} emptyText="没有退款">
              <ElTableColumn label="商户退款单号" prop="outRefundNo" width="250" />
              <ElTableColumn label="金额（元）" width="110" align="right">
                {{ default: ({ row }: { row: OpsRefundView }) => yuan(row.amount) }}
              </ElTableColumn>
              <ElTableColumn label="状态" width="110">
                {{ default: ({ row }: { row: OpsRefundView }) => <RefundStatusTag status={row.status} /> }}
              </ElTableColumn>
              <ElTableColumn label="原因">
                {{
                  default: ({ row }: { row: OpsRefundView }) =>
                    `${row.automatic ? "【自动】" : ""}${row.reason}${row.failure ? `（${row.failure}）` : ""}`,
                }}
              </ElTableColumn>
              <ElTableColumn label="申请时间" width="170">
                {{ default: ({ row }: { row: OpsRefundView }) => time(row.createdAt) }}
              </ElTableColumn>
              <ElTableColumn label="到账时间" width="170">
                {{ default: ({ row }: { row: OpsRefundView }) => time(row.succeededAt) }}
              </ElTableColumn>
            </ElTable>
          </ElCard>

          <div class="two-col">
            <ElCard header="时间线">
              <ElTimeline>
                {o.timeline.map((t) => (
                  <ElTimelineItem timestamp={time(t.at)}>{t.note}</ElTimelineItem>
                ))}
              </ElTimeline>
            </ElCard>
            <ElCard header="操作记录">
              <ElTable class="audit-table" data={d.audit} emptyText="没有操作记录">
                <ElTableColumn label="时间" width="160">
                  {{ default: ({ row }: { row: AuditView }) => time(row.at) }}
                </ElTableColumn>
                <ElTableColumn label="操作员" prop="operator" width="80" />
                <ElTableColumn label="操作" width="110">
                  {{ default: ({ row }: { row: AuditView }) => AUDIT_ACTION[row.action] ?? row.action }}
                </ElTableColumn>
                <ElTableColumn label="结果" width="70">
                  {{
                    default: ({ row }: { row: AuditView }) =>
                      row.outcome === "ok" ? "成功" : `${row.outcome === "refused" ? "拒绝" : "出错"} ${row.code ?? ""}`,
                  }}
                </ElTableColumn>
                <ElTableColumn label="说明" minWidth="120">
                  {{ default: ({ row }: { row: AuditView }) => row.note ?? "" }}
                </ElTableColumn>
              </ElTable>
            </ElCard>
          </div>

          <ElCard header="支付事件（payment_events）">
            <ElTable class="events-table" data={d.events} emptyText="没有记录">
              <ElTableColumn label="时间" width="170">
                {{ default: ({ row }: { row: PaymentEventView }) => time(row.at) }}
              </ElTableColumn>
              <ElTableColumn label="来源" width="110">
                {{ default: ({ row }: { row: PaymentEventView }) => SOURCE[row.source] }}
              </ElTableColumn>
              <ElTableColumn label="事件" width="190">
                {{ default: ({ row }: { row: PaymentEventView }) => row.eventType ?? "—" }}
              </ElTableColumn>
              <ElTableColumn label="判定" width="190">
                {{ default: ({ row }: { row: PaymentEventView }) => `${row.decision}${row.detail ? `（${row.detail}）` : ""}` }}
              </ElTableColumn>
              <ElTableColumn label="HTTP" width="70">
                {{ default: ({ row }: { row: PaymentEventView }) => row.httpStatus ?? "—" }}
              </ElTableColumn>
              <ElTableColumn label="Request-ID">
                {{ default: ({ row }: { row: PaymentEventView }) => <span class="mono">{row.requestId ?? "—"}</span> }}
              </ElTableColumn>
            </ElTable>
          </ElCard>

          <ElDialog modelValue={dialog.open} onUpdate:modelValue={(v: boolean) => (dialog.open = v)} title="人工退款" width="460px">
            {{
              default: () => (
                <ElForm labelWidth="90px" class="refund-form">
                  <ElFormItem label="可退金额">{`${yuan(o.refundable)} 元`}</ElFormItem>
                  <ElFormItem label="退款金额">
                    <ElInput class="refund-amount" modelValue={dialog.amount} onUpdate:modelValue={(v: string) => (dialog.amount = v)}>
                      {{ append: () => "元" }}
                    </ElInput>
                  </ElFormItem>
                  <ElFormItem label="原因">
                    <ElInput
                      class="refund-reason"
                      type="textarea"
                      maxlength={80}
                      showWordLimit
                      modelValue={dialog.reason}
                      onUpdate:modelValue={(v: string) => (dialog.reason = v)}
                    />
                  </ElFormItem>
                  {dialog.error ? <ElAlert type="error" closable={false} title={dialog.error} /> : null}
                </ElForm>
              ),
              footer: () => (
                <span>
                  <ElButton onClick={() => (dialog.open = false)}>取消</ElButton>
                  <ElButton class="refund-submit" type="danger" loading={dialog.busy} onClick={submitRefund}>
                    确认退款
                  </ElButton>
                </span>
              ),
            }}
          </ElDialog>
        </div>
      );
    };
  },
});
