// Everything a service needs from outside, passed in: the database, the clock, WeChat Pay and the
// merchant. The functions build it from the environment (runtime/payment.ts); tests build it over
// the stack's engine in-process with a fake clock.
import type { Repos } from "../store/repos";
import type { PaymentGateway } from "../wechatpay/types";
import type { MessageSender } from "./notices";

export interface StoreDeps {
  db: Repos;
  /** Epoch ms. */
  now(): number;
  /** [0, 1), for choosing among equally good seats; Math.random when absent (tests pass a seeded one). */
  random?(): number;
  /** Subscription messages (cloud.openapi.subscribeMessage.send); absent: none are sent. */
  messages?: MessageSender;
}

export interface PaymentDeps extends StoreDeps {
  mode: "wechatpay" | "mock";
  merchant: { mchid: string; appid: string };
  /** Lazy: a call that never talks to WeChat Pay never loads its HTTP client. */
  gateway(): Promise<PaymentGateway>;
  /** Minutes a PENDING order stays payable. */
  orderTtlMinutes: number;
}
