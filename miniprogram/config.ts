// The one place the mini-program is configured. Edit envId before deploying; localDev is for DevTools only.

export interface LocalDevConfig {
  /** Send every function call to the local stack instead of CloudBase. Honoured only inside DevTools. */
  enabled: boolean;
  /** The local stack started by `npm start` (prints `ready http://127.0.0.1:<port>`). */
  baseUrl: string;
  /** The OPENID the local stack gives the caller (header x-wx-openid). */
  openid: string;
}

export interface AppConfig {
  /** CloudBase environment id used by wx.cloud.init. */
  envId: string;
  localDev: LocalDevConfig;
}

export const config: AppConfig = {
  envId: "your-env-id",
  localDev: {
    enabled: false,
    baseUrl: "http://127.0.0.1:3000",
    openid: "dev-openid-traveller",
  },
};
