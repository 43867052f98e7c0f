// PaymentGateway for PAY_MODE=mock (demos without a merchant account). Stateless and offline:
// prepay succeeds with a made-up id, queries say NOTPAY (the functions record mock payments
// themselves), close succeeds, refunds succeed at once, the bill is empty. Nothing is sent anywhere.
import { createHash, createHmac } from "node:crypto";
import type { MiniProgramPayParams } from "../contracts/api";
import { parseTradeBill } from "./bill";
import type { MockPayConfig } from "./config";
import { PREPAY_PACKAGE_PREFIX } from "./pay-params";
import {
  checkAbnormalRefund,
  checkBillDate,
  checkOutTradeNo,
  checkPrepay,
  checkRefund,
  refusedLocally,
  toChinaRfc3339,
} from "./request-rules";
import { joinLines, makeNonce } from "./signer";
import type {
  AbnormalRefundRequest,
  GatewayResult,
  PaymentGateway,
  PrepayRequest,
  RefundCreateRequest,
  RefundRecord,
  TradeBill,
  Transaction,
} from "./types";

const digest = (label: string, value: string, size: number) =>
  createHash("sha256").update(`${label}\0${value}`).digest("hex").slice(0, size).toUpperCase();

export function createMockGateway(config: MockPayConfig, clock: () => Date = () => new Date()): PaymentGateway {
  const ok = <T>(value: T): GatewayResult<T> => ({ kind: "ok", value, requestId: `MOCK-${makeNonce(16)}` });
  return {
    mode: "mock",

    async jsapiPrepay(req: PrepayRequest) {
      const bad = checkPrepay(req, clock());
      if (bad) return refusedLocally(bad);
      // Same order, same id (like WeChat Pay for a repeated identical prepay).
      return ok({ prepayId: `wx_mock_${digest("prepay", req.outTradeNo, 24)}` });
    },

    /** Shaped like the real thing, but signed with an HMAC: wx.requestPayment is not called in mock mode. */
    payParams(prepayId: string): MiniProgramPayParams {
      const timeStamp = String(Math.floor(clock().getTime() / 1000));
      const nonceStr = makeNonce();
      const pkg = PREPAY_PACKAGE_PREFIX + prepayId;
      const paySign = createHmac("sha256", "mock-pay-sign")
        .update(joinLines(config.appid, timeStamp, nonceStr, pkg))
        .digest("base64");
      return { timeStamp, nonceStr, package: pkg, signType: "RSA", paySign };
    },

    async queryByOutTradeNo(outTradeNo: string): Promise<GatewayResult<Transaction>> {
      const bad = checkOutTradeNo(outTradeNo);
      if (bad) return refusedLocally(bad);
      // Stateless: the amount is unknown here (0); callers in mock mode trust their own order.
      return ok({
        appid: config.appid,
        mchid: config.mchid,
        outTradeNo,
        tradeState: "NOTPAY",
        tradeStateDesc: "mock: not paid through WeChat Pay",
        amount: { total: 0, currency: "CNY" },
      });
    },

    async queryByTransactionId(): Promise<GatewayResult<Transaction>> {
      return { kind: "business_error", httpStatus: 404, code: "ORDER_NOT_EXIST", message: "mock mode keeps no transactions" };
    },

    async close(outTradeNo: string): Promise<GatewayResult<void>> {
      const bad = checkOutTradeNo(outTradeNo);
      if (bad) return refusedLocally(bad);
      return ok(undefined);
    },

    async refund(req: RefundCreateRequest): Promise<GatewayResult<RefundRecord>> {
      const bad = checkRefund(req);
      if (bad) return refusedLocally(bad);
      return ok({
        refundId: `50000${digest("refund", req.outRefundNo, 23)}`,
        outRefundNo: req.outRefundNo,
        outTradeNo: req.outTradeNo,
        transactionId: `4200${digest("transaction", req.outTradeNo, 24)}`,
        status: "SUCCESS",
        successTime: toChinaRfc3339(clock()),
        userReceivedAccount: "mock: 支付用户零钱",
        amount: { total: req.total, refund: req.refund, payerTotal: req.total, payerRefund: req.refund, currency: "CNY" },
      });
    },

    async queryRefund(): Promise<GatewayResult<RefundRecord>> {
      return { kind: "business_error", httpStatus: 404, code: "RESOURCE_NOT_EXISTS", message: "mock mode keeps no refunds" };
    },

    /** Mock refunds succeed at once, so none is ever ABNORMAL; and none is kept to re-route. */
    async applyAbnormalRefund(req: AbnormalRefundRequest): Promise<GatewayResult<RefundRecord>> {
      const bad = checkAbnormalRefund(req);
      if (bad) return refusedLocally(bad);
      return { kind: "business_error", httpStatus: 404, code: "RESOURCE_NOT_EXISTS", message: "mock mode keeps no refunds" };
    },

    async tradeBill(billDate: string): Promise<GatewayResult<TradeBill>> {
      const bad = checkBillDate(billDate);
      if (bad) return refusedLocally(bad);
      const parsed = parseTradeBill(EMPTY_BILL);
      if (!parsed.ok) return { kind: "unknown", reason: parsed.reason };
      return ok(parsed.bill);
    },
  };
}

const EMPTY_BILL =
  "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n" +
  "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n" +
  "`0,`0.00,`0.00,`0.00,`0.00,`0.00,`0.00\r\n";
