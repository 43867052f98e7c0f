// Slow answers without wall-clock time: WeChat Pay does the work of a call at once, and its answer
// reaches the caller only when the test says so (a refusal that arrives late, a slow prepay); and
// every call behind fast-check's scheduler (model tests).
import type fc from "fast-check";
import type { PaymentDeps } from "../../shared/services/deps";
import type { PaymentGateway } from "../../shared/wechatpay/types";
import type { World } from "./harness";

type Method = "jsapiPrepay" | "queryByOutTradeNo" | "close" | "refund" | "queryRefund";

export interface HeldAnswer {
  /** Deps whose gateway holds the first answer of `method`. */
  deps: PaymentDeps;
  /** Resolves when that call has been carried out at WeChat Pay (its answer now held). */
  reached: Promise<void>;
  release(): void;
}

export function holdFirstAnswer(w: World, method: Method): HeldAnswer {
  let release!: () => void;
  let reach!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (reach = r));
  let used = false;
  // Everything else is the ledger gateway itself (prototype), only `method` is wrapped.
  type Call = (...a: unknown[]) => Promise<unknown>;
  const gw = Object.create(w.wx) as PaymentGateway;
  const inner = (w.wx[method] as Call).bind(w.wx);
  (gw as unknown as Record<Method, Call>)[method] = async (...args: unknown[]) => {
    const answer = await inner(...args);
    if (!used) {
      used = true;
      reach();
      await released;
    }
    return answer;
  };
  return { deps: { ...w.deps, gateway: async () => gw }, reached, release };
}

/** Each call waits for the scheduler before reaching WeChat Pay, so answers interleave with writes. */
export function scheduledGateway(s: fc.Scheduler, inner: PaymentGateway): PaymentGateway {
  const wrap =
    <A extends unknown[], R>(name: string, f: (...a: A) => Promise<R>) =>
    (...a: A) =>
      s.schedule(Promise.resolve(), `wx.${name}`).then(() => f(...a));
  return {
    mode: inner.mode,
    payParams: (id) => inner.payParams(id),
    jsapiPrepay: wrap("prepay", (r) => inner.jsapiPrepay(r)),
    queryByOutTradeNo: wrap("query", (n) => inner.queryByOutTradeNo(n)),
    queryByTransactionId: wrap("query", (n) => inner.queryByTransactionId(n)),
    close: wrap("close", (n) => inner.close(n)),
    refund: wrap("refund", (r) => inner.refund(r)),
    queryRefund: wrap("refund_query", (n) => inner.queryRefund(n)),
    applyAbnormalRefund: wrap("abnormal_refund", (r) => inner.applyAbnormalRefund(r)),
    tradeBill: (d) => inner.tradeBill(d),
  };
}
