// The shell: login, or the side menu (pages the role may see), the header with who is logged in,
// and the current page.
import { ElButton, ElConfigProvider, ElContainer, ElHeader, ElAside, ElMain, ElMenu, ElMenuItem, ElTag } from "./el";
import zhCn from "element-plus/es/locale/lang/zh-cn";
import { defineComponent, onMounted, ref } from "vue";
import type { SessionView } from "../../shared/ops/contract";
import { get, post, useSession } from "./api";
import { ROLE_LABEL } from "./format";
import { LoginPage } from "./login";
import { go, route } from "./router";
import { allowed, session } from "./state";
import { ExceptionsPage } from "./views/exceptions";
import { OperatorsPage } from "./views/operators";
import { OrderDetailPage } from "./views/order-detail";
import { OrdersPage } from "./views/orders";
import { OverviewPage } from "./views/overview";
import { ReconciliationsPage } from "./views/reconciliations";

const MENU = [
  { index: "overview", label: "概览", min: "viewer" },
  { index: "orders", label: "订单", min: "viewer" },
  { index: "exceptions", label: "异常", min: "viewer" },
  { index: "reconciliations", label: "对账", min: "viewer" },
  { index: "operators", label: "操作员", min: "admin" },
] as const;

function setSession(s: SessionView | undefined) {
  session.value = s;
  useSession(s, () => setSession(undefined));
}

export const App = defineComponent({
  setup() {
    const ready = ref(false);
    onMounted(async () => {
      try {
        setSession(await get<SessionView>("session"));
      } catch {
        setSession(undefined);
      }
      ready.value = true;
    });

    async function logout() {
      try {
        await post("logout");
      } finally {
        setSession(undefined);
      }
    }

    const page = () => {
      switch (route.name) {
        case "orders":
          return <OrdersPage />;
        case "order":
          return <OrderDetailPage />;
        case "exceptions":
          return <ExceptionsPage />;
        case "reconciliations":
        case "reconciliation":
          return <ReconciliationsPage />;
        case "operators":
          return allowed("admin") ? <OperatorsPage /> : <div>无权访问</div>;
        default:
          return <OverviewPage />;
      }
    };
    const active = () => (route.name === "order" ? "orders" : route.name === "reconciliation" ? "reconciliations" : route.name);

    return () => (
      <ElConfigProvider locale={zhCn}>
        {!ready.value ? null : !session.value ? (
          <LoginPage onLogin={(s: SessionView) => setSession(s)} />
        ) : (
          <ElContainer class="shell">
            <ElAside width="180px" class="aside">
              <div class="brand">运营后台</div>
              <ElMenu defaultActive={active()} key={active()} onSelect={(index: string) => go(index)}>
                {MENU.filter((m) => allowed(m.min)).map((m) => (
                  <ElMenuItem index={m.index} class={`menu-${m.index}`}>
                    {m.label}
                  </ElMenuItem>
                ))}
              </ElMenu>
            </ElAside>
            <ElContainer>
              <ElHeader class="header">
                <span class="who">
                  {session.value.username} <ElTag size="small">{ROLE_LABEL[session.value.role]}</ElTag>
                </span>
                <ElButton class="btn-logout" size="small" onClick={logout}>
                  退出
                </ElButton>
              </ElHeader>
              <ElMain class="main">{page()}</ElMain>
            </ElContainer>
          </ElContainer>
        )}
      </ElConfigProvider>
    );
  },
});
