// 操作员 (admin): add operators, change roles, disable or enable, reset a password.
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
  ElSelect,
  ElTable,
  ElTableColumn,
  ElTag,
} from "../el";
import { defineComponent, onMounted, reactive, ref } from "vue";
import { ROLES, type OperatorView, type Role } from "../../../shared/ops/contract";
import { ApiError, get, post } from "../api";
import { ROLE_LABEL, time } from "../format";
import { session } from "../state";
import { showError } from "../ui";

export const OperatorsPage = defineComponent({
  setup() {
    const list = ref<OperatorView[]>([]);
    const form = reactive({ open: false, username: "", role: "support" as Role, password: "", busy: false, error: "" });

    async function load() {
      try {
        list.value = (await get<{ operators: OperatorView[] }>("operators")).operators;
      } catch (e) {
        showError(e);
      }
    }
    onMounted(load);

    async function change(op: OperatorView, body: { role?: Role; disabled?: boolean }) {
      try {
        await post(`operators/${op.username}`, body);
        ElMessage.success("已修改");
        await load();
      } catch (e) {
        showError(e);
      }
    }

    async function add() {
      form.busy = true;
      form.error = "";
      try {
        await post("operators", { username: form.username.trim(), role: form.role, password: form.password });
        form.open = false;
        form.password = "";
        ElMessage.success("已添加");
        await load();
      } catch (e) {
        form.error = e instanceof ApiError ? e.message : "添加失败";
      } finally {
        form.busy = false;
      }
    }

    return () => (
      <div>
        <ElCard>
          {{
            header: () => (
              <div class="card-header">
                <span>操作员</span>
                <ElButton
                  type="primary"
                  class="btn-add-operator"
                  onClick={() => Object.assign(form, { open: true, username: "", role: "support", password: "", error: "" })}
                >
                  添加操作员
                </ElButton>
              </div>
            ),
            default: () => (
              <ElTable class="operators-table" data={list.value}>
                <ElTableColumn label="用户名" prop="username" width="160" />
                <ElTableColumn label="角色" width="150">
                  {{
                    default: ({ row }: { row: OperatorView }) => (
                      <ElSelect
                        size="small"
                        disabled={row.username === session.value?.username}
                        modelValue={row.role}
                        onUpdate:modelValue={(v: Role) => change(row, { role: v })}
                      >
                        {ROLES.map((r) => (
                          <ElOption value={r} label={ROLE_LABEL[r]} />
                        ))}
                      </ElSelect>
                    ),
                  }}
                </ElTableColumn>
                <ElTableColumn label="状态" width="160">
                  {{
                    default: ({ row }: { row: OperatorView }) =>
                      row.disabled ? (
                        <ElTag type="info">已停用</ElTag>
                      ) : row.lockedUntil && row.lockedUntil > Date.now() ? (
                        <ElTag type="warning">{`锁定至 ${time(row.lockedUntil)}`}</ElTag>
                      ) : (
                        <ElTag type="success">正常</ElTag>
                      ),
                  }}
                </ElTableColumn>
                <ElTableColumn label="最近登录" width="180">
                  {{ default: ({ row }: { row: OperatorView }) => time(row.lastLoginAt) }}
                </ElTableColumn>
                <ElTableColumn label="创建">
                  {{ default: ({ row }: { row: OperatorView }) => `${time(row.createdAt)}${row.createdBy ? `（${row.createdBy}）` : ""}` }}
                </ElTableColumn>
                <ElTableColumn label="操作" width="120">
                  {{
                    default: ({ row }: { row: OperatorView }) =>
                      row.username === session.value?.username ? null : (
                        <ElButton size="small" onClick={() => change(row, { disabled: !row.disabled })}>
                          {row.disabled ? "启用" : "停用"}
                        </ElButton>
                      ),
                  }}
                </ElTableColumn>
              </ElTable>
            ),
          }}
        </ElCard>
        <ElDialog modelValue={form.open} onUpdate:modelValue={(v: boolean) => (form.open = v)} title="添加操作员" width="440px">
          {{
            default: () => (
              <ElForm labelWidth="80px">
                <ElFormItem label="用户名">
                  <ElInput
                    modelValue={form.username}
                    onUpdate:modelValue={(v: string) => (form.username = v)}
                    placeholder="小写字母开头，3-32 位"
                  />
                </ElFormItem>
                <ElFormItem label="角色">
                  <ElSelect modelValue={form.role} onUpdate:modelValue={(v: Role) => (form.role = v)}>
                    {ROLES.map((r) => (
                      <ElOption value={r} label={ROLE_LABEL[r]} />
                    ))}
                  </ElSelect>
                </ElFormItem>
                <ElFormItem label="初始密码">
                  <ElInput
                    type="password"
                    showPassword
                    autocomplete="new-password"
                    modelValue={form.password}
                    onUpdate:modelValue={(v: string) => (form.password = v)}
                    placeholder="至少 10 个字符"
                  />
                </ElFormItem>
                {form.error ? <ElAlert type="error" closable={false} title={form.error} /> : null}
              </ElForm>
            ),
            footer: () => (
              <ElButton type="primary" loading={form.busy} onClick={add}>
                添加
              </ElButton>
            ),
          }}
        </ElDialog>
      </div>
    );
  },
});
