// 登录
import { ElAlert, ElButton, ElCard, ElForm, ElFormItem, ElInput } from "./el";
import { defineComponent, ref } from "vue";
import type { SessionView } from "../../shared/ops/contract";
import { ApiError, post } from "./api";

export const LoginPage = defineComponent({
  emits: ["login"],
  setup(_props, { emit }) {
    const username = ref("");
    const password = ref("");
    const error = ref("");
    const busy = ref(false);
    async function submit() {
      if (busy.value) return;
      busy.value = true;
      error.value = "";
      try {
        const s = await post<SessionView>("login", { username: username.value, password: password.value });
        password.value = "";
        emit("login", s);
      } catch (e) {
        error.value = e instanceof ApiError ? e.message : "登录失败";
      } finally {
        busy.value = false;
      }
    }
    return () => (
      <div class="login">
        <ElCard class="login-card" header="火车票支付 · 运营后台">
          <ElForm labelPosition="top">
            <ElFormItem label="用户名">
              <ElInput
                class="login-username"
                modelValue={username.value}
                onUpdate:modelValue={(v: string) => (username.value = v)}
                autocomplete="username"
              />
            </ElFormItem>
            <ElFormItem label="密码">
              <ElInput
                class="login-password"
                type="password"
                showPassword
                modelValue={password.value}
                onUpdate:modelValue={(v: string) => (password.value = v)}
                autocomplete="current-password"
                onKeydown={(e: Event | KeyboardEvent) => "key" in e && e.key === "Enter" && submit()}
              />
            </ElFormItem>
            {error.value ? <ElAlert class="login-error" type="error" title={error.value} closable={false} showIcon /> : null}
            <ElButton class="login-submit" type="primary" loading={busy.value} onClick={submit} style="width:100%;margin-top:12px">
              登录
            </ElButton>
          </ElForm>
        </ElCard>
      </div>
    );
  },
});
