// What the services need from outside the database: WeChat Pay and the clock.
import type { PaymentGateway } from "../wechatpay/types";

export interface PaymentDeps {
  mode: "wechatpay" | "mock";
  merchant: { mchid: string; appid: string };
  /** Lazy: a call that never talks to WeChat Pay never loads its HTTP client. */
  gateway(): Promise<PaymentGateway>;
  now(): number;
  /** Minutes a PENDING order stays payable. */
  orderTtlMinutes: number;
}
