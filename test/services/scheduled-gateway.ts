// The simulator's ledger behind fast-check's scheduler: each call waits for the scheduler before
// reaching WeChat Pay, so answers interleave with database writes (model tests).
import type fc from "fast-check";
import type { PaymentGateway } from "../../shared/wechatpay/types";

export function scheduledGateway(s: fc.Scheduler, inner: PaymentGateway): PaymentGateway {
  // Each call waits for the scheduler before reaching WeChat Pay, so answers interleave with writes.
  const wrap = <A extends unknown[], R>(name: string, f: (...a: A) => Promise<R>) => (...a: A) => s.schedule(Promise.resolve(), `wx.${name}`).then(() => f(...a));
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
