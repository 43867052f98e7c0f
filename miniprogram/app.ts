// App entry: connect to CloudBase with the env id from config.ts and log in once at launch.
import { config } from "./config";
import { call } from "./services/api";
import { refreshUnpaidBadge } from "./services/unpaid-badge";

interface GlobalData {
  /** Known after login; pages do not depend on it (the server reads identity from the context). */
  openid: string;
}

App<{ globalData: GlobalData }>({
  globalData: { openid: "" },
  onLaunch() {
    wx.cloud.init({ env: config.envId, traceUser: true });
    call("login", {})
      .then((res) => {
        this.globalData.openid = res.openid;
      })
      .catch(() => {
        // Login only records the user; every function still knows the caller from its context.
        // Pages report their own call failures, so nothing is shown here.
      });
  },
  /** Launch and every return to the foreground: the unpaid badge as the server counts it now. */
  onShow() {
    void refreshUnpaidBadge();
  },
});
