// 异常: the queue, each item with its next action (query WeChat Pay, re-route an ABNORMAL refund,
// close an expired order, re-run a day's reconciliation) and a resolution note.
import {
  ElAlert,
  ElButton,
  ElCard,
  ElDialog,
  ElForm,
  ElFormItem,
  ElInput,
  ElMessage,
  ElOption,
  ElRadioButton,
  ElRadioGroup,
  ElSelect,
  ElTable,
  ElTableColumn,
  ElTag,
} from "../el";
import { defineComponent, onBeforeUnmount, onMounted, reactive, ref } from "vue";
import type { AbnormalRefundType, ExceptionItem, ExceptionList } from "../../../shared/ops/contract";
import { ApiError, get, post } from "../api";
import { EXCEPTION_KIND, time, yuan } from "../format";
import { go } from "../router";
import { allowed } from "../state";
import { showError } from "../ui";

/** Debit cards WeChat Pay re-routes to (a few of its bank_type codes). */
const BANKS = [
  { code: "ICBC_DEBIT", name: "工商银行" },
  { code: "CCB_DEBIT", name: "建设银行" },
  { code: "ABC_DEBIT", name: "农业银行" },
  { code: "BOC_DEBIT", name: "中国银行" },
  { code: "CMB_DEBIT", name: "招商银行" },
  { code: "COMM_DEBIT", name: "交通银行" },
  { code: "PSBC_DEBIT", name: "邮储银行" },
];
/** While something is in flight at WeChat Pay the queue refreshes itself. */
const REFRESH_MS = 3000;

export const ExceptionsPage = defineComponent({
  setup() {
    const show = ref<"open" | "resolved">("open");
    const list = ref<ExceptionList>();
    const resolve = reactive({ item: undefined as ExceptionItem | undefined, note: "", busy: false, error: "" });
    const reroute = reactive({
      item: undefined as ExceptionItem | undefined,
      type: "USER_BANK_CARD" as AbnormalRefundType,
      bankType: "ICBC_DEBIT",
      bankAccount: "",
      realName: "",
      busy: false,
      error: "",
    });
    let timer: number | undefined;

    async function load() {
      try {
        list.value = await get<ExceptionList>("exceptions", { status: show.value });
      } catch (e) {
        showError(e);
      }
    }
    onMounted(() => {
      void load();
      timer = window.setInterval(() => {
        if (!resolve.item && !reroute.item && document.visibilityState === "visible") void load();
      }, REFRESH_MS);
    });
    onBeforeUnmount(() => window.clearInterval(timer));

    async function act(item: ExceptionItem, action: "sync" | "closeExpired" | "rerunReconcile") {
      try {
        if (action === "sync") await post(`orders/${item.orderId}/sync`);
        if (action === "closeExpired") await post(`orders/${item.orderId}/close-expired`);
        if (action === "rerunReconcile") await post(`reconciliations/${item.billDate}/run`);
        ElMessage.success("已完成");
        await load();
      } catch (e) {
        showError(e);
      }
    }

    async function submitResolve() {
      const item = resolve.item;
      if (!item) return;
      if (resolve.note.trim().length < 2) return void (resolve.error = "请写明处理结果（至少 2 个字）");
      resolve.busy = true;
      try {
        await post(`exceptions/${encodeURIComponent(item.key)}/resolve`, { note: resolve.note.trim() });
        resolve.item = undefined;
        ElMessage.success("已标记为已处理");
        await load();
      } catch (e) {
        resolve.error = e instanceof ApiError ? e.message : "提交失败";
      } finally {
        resolve.busy = false;
      }
    }

    async function submitReroute() {
      const item = reroute.item;
      if (!item?.refundId) return;
      const user = reroute.type === "USER_BANK_CARD";
      if (user && (!/^\d{8,30}$/.test(reroute.bankAccount) || reroute.realName.trim() === ""))
        return void (reroute.error = "请填写正确的银行卡号和户名");
      reroute.busy = true;
      try {
        await post(
          `refunds/${item.refundId}/reroute`,
          user
            ? { type: reroute.type, bankType: reroute.bankType, bankAccount: reroute.bankAccount, realName: reroute.realName.trim() }
            : { type: reroute.type },
        );
        reroute.item = undefined;
        ElMessage.success("已向微信支付发起异常退款，等待退款结果");
        await load();
      } catch (e) {
        reroute.error = e instanceof ApiError ? e.message : "提交失败";
      } finally {
        reroute.busy = false;
        reroute.bankAccount = "";
        reroute.realName = "";
      }
    }

    const actions = (item: ExceptionItem) => (
      <div class="actions">
        {item.orderId ? (
          <ElButton size="small" link type="primary" onClick={() => go(`orders/${item.orderId}`)}>
            订单
          </ElButton>
        ) : null}
        {item.status === "open" && allowed("support")
          ? item.actions.map((a) => {
              if (a === "sync")
                return (
                  <ElButton size="small" class="act-sync" onClick={() => act(item, "sync")}>
                    查单
                  </ElButton>
                );
              if (a === "closeExpired")
                return (
                  <ElButton size="small" class="act-close" onClick={() => act(item, "closeExpired")}>
                    查单并关闭
                  </ElButton>
                );
              if (a === "rerunReconcile" && allowed("finance"))
                return (
                  <ElButton size="small" class="act-rerun" onClick={() => act(item, "rerunReconcile")}>
                    重新对账
                  </ElButton>
                );
              if (a === "reroute" && !item.rerouted)
                return (
                  <ElButton
                    size="small"
                    type="danger"
                    class="act-reroute"
                    onClick={() => Object.assign(reroute, { item, type: "USER_BANK_CARD", bankAccount: "", realName: "", error: "" })}
                  >
                    发起异常退款
                  </ElButton>
                );
              if (a === "resolve" && (item.kind !== "RECONCILE" || allowed("finance")))
                return (
                  <ElButton
                    size="small"
                    type="success"
                    class="act-resolve"
                    onClick={() => Object.assign(resolve, { item, note: "", error: "" })}
                  >
                    标记已处理
                  </ElButton>
                );
              return null;
            })
          : null}
      </div>
    );

    return () => (
      <div>
        <ElCard>
          {{
            header: () => (
              <div class="card-header">
                <span>异常队列</span>
                <ElRadioGroup
                  modelValue={show.value}
                  onUpdate:modelValue={(v: string | number | boolean | undefined) => {
                    show.value = v === "resolved" ? "resolved" : "open";
                    void load();
                  }}
                >
                  <ElRadioButton value="open">待处理</ElRadioButton>
                  <ElRadioButton value="resolved">已处理</ElRadioButton>
                </ElRadioGroup>
              </div>
            ),
            default: () => (
              <ElTable
                class="exceptions-table"
                data={list.value?.items ?? []}
                emptyText={show.value === "open" ? "没有待处理的异常" : "没有已处理的异常"}
              >
                <ElTableColumn label="类型" width="110">
                  {{
                    default: ({ row }: { row: ExceptionItem }) => (
                      <ElTag type={row.status === "open" ? "danger" : "info"}>{EXCEPTION_KIND[row.kind]}</ElTag>
                    ),
                  }}
                </ElTableColumn>
                <ElTableColumn label="时间" width="170">
                  {{ default: ({ row }: { row: ExceptionItem }) => time(row.at) }}
                </ElTableColumn>
                <ElTableColumn label="内容">
                  {{
                    default: ({ row }: { row: ExceptionItem }) => (
                      <div class="exception-text">
                        <div class="exception-title">{row.title}</div>
                        <div class="muted">{row.detail}</div>
                        <div class="muted mono">{[row.outTradeNo, row.outRefundNo].filter(Boolean).join(" · ")}</div>
                        {row.rerouted ? (
                          <div class="pending">{`${row.rerouted.by} 已于 ${time(row.rerouted.at)} 发起异常退款（${row.rerouted.type === "USER_BANK_CARD" ? "退至用户银行卡" : "退至商户账户"}），微信支付仍报告退款异常，请查单核实`}</div>
                        ) : null}
                        {row.resolution ? (
                          <div class="resolution">{`${row.resolution.by} 于 ${time(row.resolution.at)} 处理：${row.resolution.note}`}</div>
                        ) : null}
                      </div>
                    ),
                  }}
                </ElTableColumn>
                <ElTableColumn label="金额（元）" width="100" align="right">
                  {{ default: ({ row }: { row: ExceptionItem }) => (row.amount ? yuan(row.amount) : "") }}
                </ElTableColumn>
                <ElTableColumn label="操作" width="300">
                  {{ default: ({ row }: { row: ExceptionItem }) => actions(row) }}
                </ElTableColumn>
              </ElTable>
            ),
          }}
        </ElCard>

        <ElDialog
          modelValue={resolve.item !== undefined}
          onUpdate:modelValue={(v: boolean) => !v && (resolve.item = undefined)}
          title="标记已处理"
          width="480px"
        >
          {{
            default: () => (
              <ElForm labelPosition="top">
                <div class="muted" style="margin-bottom:8px">
                  {resolve.item?.title}
                </div>
                <ElFormItem label="处理说明（写入操作记录）">
                  <ElInput
                    class="resolve-note"
                    type="textarea"
                    rows={3}
                    maxlength={500}
                    modelValue={resolve.note}
                    onUpdate:modelValue={(v: string) => (resolve.note = v)}
                  />
                </ElFormItem>
                {resolve.error ? <ElAlert type="error" closable={false} title={resolve.error} /> : null}
              </ElForm>
            ),
            footer: () => (
              <ElButton class="resolve-submit" type="primary" loading={resolve.busy} onClick={submitResolve}>
                提交
              </ElButton>
            ),
          }}
        </ElDialog>

        <ElDialog
          modelValue={reroute.item !== undefined}
          onUpdate:modelValue={(v: boolean) => !v && (reroute.item = undefined)}
          title="发起异常退款"
          width="520px"
        >
          {{
            default: () => (
              <ElForm labelWidth="100px" class="reroute-form">
                <ElAlert
                  type="warning"
                  closable={false}
                  title={`退款 ${yuan(reroute.item?.amount ?? 0)} 元未能退回原账户。请与用户确认收款方式后提交；卡号和户名只加密发送给微信支付，不会保存。`}
                  style="margin-bottom:12px"
                />
                <ElFormItem label="退款去向">
                  <ElRadioGroup
                    modelValue={reroute.type}
                    onUpdate:modelValue={(v: string | number | boolean | undefined) =>
                      (reroute.type = v === "MERCHANT_BANK_CARD" ? "MERCHANT_BANK_CARD" : "USER_BANK_CARD")
                    }
                  >
                    <ElRadioButton value="USER_BANK_CARD">用户银行卡</ElRadioButton>
                    <ElRadioButton value="MERCHANT_BANK_CARD">商户银行账户</ElRadioButton>
                  </ElRadioGroup>
                </ElFormItem>
                {reroute.type === "USER_BANK_CARD"
                  ? [
                      <ElFormItem label="开户银行">
                        <ElSelect modelValue={reroute.bankType} onUpdate:modelValue={(v: string) => (reroute.bankType = v)}>
                          {BANKS.map((b) => (
                            <ElOption value={b.code} label={`${b.name}借记卡`} />
                          ))}
                        </ElSelect>
                      </ElFormItem>,
                      <ElFormItem label="银行卡号">
                        <ElInput
                          class="reroute-account"
                          modelValue={reroute.bankAccount}
                          onUpdate:modelValue={(v: string) => (reroute.bankAccount = v.replace(/\s/g, ""))}
                          autocomplete="off"
                        />
                      </ElFormItem>,
                      <ElFormItem label="户名">
                        <ElInput
                          class="reroute-name"
                          modelValue={reroute.realName}
                          onUpdate:modelValue={(v: string) => (reroute.realName = v)}
                          autocomplete="off"
                        />
                      </ElFormItem>,
                    ]
                  : null}
                {reroute.error ? <ElAlert type="error" closable={false} title={reroute.error} /> : null}
              </ElForm>
            ),
            footer: () => (
              <ElButton class="reroute-submit" type="danger" loading={reroute.busy} onClick={submitReroute}>
                提交到微信支付
              </ElButton>
            ),
          }}
        </ElDialog>
      </div>
    );
  },
});
