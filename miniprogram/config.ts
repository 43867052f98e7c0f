// The one place the mini-program is configured. Edit envId before deploying; localDev is for DevTools only.

export interface LocalDevConfig {
  /** Send every function call to the local stack instead of CloudBase. Honoured only inside DevTools. */
  enabled: boolean;
  /** The local stack started by `npm start` (prints `ready http://127.0.0.1:<port>`). */
  baseUrl: string;
  /** The OPENID the local stack gives the caller (header x-wx-openid). */
  openid: string;
}

/** Subscription message template ids (公众平台 → 订阅消息 → 我的模板): the same ids as the functions'
 *  SUBSCRIBE_TPL_TICKET_ISSUED / _REFUND_SUCCESS / _DEPARTURE_REMINDER. An empty one is not asked for. */
export interface SubscribeTemplateIds {
  ticketIssued: string;
  refundSuccess: string;
  departureReminder: string;
}

export interface AppConfig {
  /** CloudBase environment id used by wx.cloud.init. */
  envId: string;
  localDev: LocalDevConfig;
  subscribeTemplates: SubscribeTemplateIds;
}

export const config: AppConfig = {
  envId: "your-env-id",
  localDev: {
    enabled: false,
    baseUrl: "http://127.0.0.1:3000",
    openid: "dev-openid-traveller",
  },
  // Fill in with the deployed templates' ids; the local stack's are local-tpl-ticket-issued,
  // local-tpl-refund-success and local-tpl-departure-reminder (docs/local-stack.md).
  subscribeTemplates: { ticketIssued: "", refundSuccess: "", departureReminder: "" },
};
