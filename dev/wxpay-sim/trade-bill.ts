// WeChat Pay's trade bill file (交易账单) for one China calendar day, built from the simulated
// transactions: a header line, one row per payment / refund with every field prefixed by a
// back-quote, then a summary header and its back-quoted values. Lines end with \r\n.
import { cstBillTime, cstDayRange } from "./china-time";
import type { SimState } from "./state";

export type BillType = "ALL" | "SUCCESS" | "REFUND";

const HEADER = [
  "交易时间",
  "公众账号ID",
  "商户号",
  "特约商户号",
  "设备号",
  "微信订单号",
  "商户订单号",
  "用户标识",
  "交易类型",
  "交易状态",
  "付款银行",
  "货币种类",
  "应结订单金额",
  "代金券金额",
  "微信退款单号",
  "商户退款单号",
  "退款金额",
  "充值券退款金额",
  "退款类型",
  "退款状态",
  "商品名称",
  "商户数据包",
  "手续费",
  "费率",
  "订单金额",
  "申请退款金额",
  "费率备注",
];
const SUMMARY_HEADER = ["总交易单数", "应结订单总金额", "退款总金额", "充值券退款总金额", "手续费总金额", "订单总金额", "申请退款总金额"];
/** The usual 0.6 % rate; the fee is rounded to the fen like WeChat's. */
const FEE_RATE = 0.006;

const yuan = (fen: number) => (fen / 100).toFixed(2);
const fee = (fen: number) => Math.round(fen * FEE_RATE);
const row = (fields: string[]) => fields.map((f) => "`" + f).join(",");

interface Line {
  at: number;
  fields: string[];
  settled: number;
  refund: number;
  fee: number;
}

/** null when the day has no transaction of that type (WeChat answers NO_STATEMENT_EXIST). */
export function buildTradeBill(state: SimState, billDate: string, type: BillType): string | null {
  const day = cstDayRange(billDate);
  if (!day) return null;
  const inDay = (ms: number | undefined) => ms !== undefined && ms >= day.start && ms < day.end;
  const lines: Line[] = [];

  if (type !== "REFUND") {
    for (const o of Object.values(state.orders)) {
      if (!o.transactionId || !inDay(o.paidAt)) continue;
      const f = fee(o.total);
      lines.push({
        at: o.paidAt!,
        settled: o.total,
        refund: 0,
        fee: f,
        fields: [
          cstBillTime(o.paidAt!),
          o.appid,
          o.mchid,
          "0",
          "",
          o.transactionId,
          o.outTradeNo,
          o.openid,
          "JSAPI",
          "SUCCESS",
          o.bankType ?? "OTHERS",
          "CNY",
          yuan(o.total),
          "0.00",
          "0",
          "0",
          "0.00",
          "0.00",
          "",
          "",
          o.description,
          o.attach ?? "",
          (f / 100).toFixed(5),
          "0.60%",
          yuan(o.total),
          "0.00",
          "",
        ],
      });
    }
  }
  if (type !== "SUCCESS") {
    for (const r of Object.values(state.refunds)) {
      const o = state.orders[r.outTradeNo];
      if (!o || !inDay(r.createdAt)) continue;
      const f = -fee(r.refund);
      lines.push({
        at: r.createdAt,
        settled: 0,
        refund: r.refund,
        fee: f,
        fields: [
          cstBillTime(r.createdAt),
          o.appid,
          o.mchid,
          "0",
          "",
          r.transactionId,
          o.outTradeNo,
          o.openid,
          "JSAPI",
          "REFUND",
          o.bankType ?? "OTHERS",
          "CNY",
          "0.00",
          "0.00",
          r.refundId,
          r.outRefundNo,
          yuan(r.refund),
          "0.00",
          "ORIGINAL",
          r.status,
          o.description,
          o.attach ?? "",
          (f / 100).toFixed(5),
          "0.60%",
          yuan(o.total),
          yuan(r.refund),
          "",
        ],
      });
    }
  }
  if (lines.length === 0) return null;
  lines.sort((a, b) => a.at - b.at);

  const sum = (pick: (l: Line) => number) => lines.reduce((s, l) => s + pick(l), 0);
  const summary = [
    String(lines.length),
    yuan(sum((l) => l.settled)),
    yuan(sum((l) => l.refund)),
    "0.00",
    (sum((l) => l.fee) / 100).toFixed(5),
    yuan(sum((l) => l.settled)),
    yuan(sum((l) => l.refund)),
  ];
  return [HEADER.join(","), ...lines.map((l) => row(l.fields)), SUMMARY_HEADER.join(","), row(summary)].join("\r\n") + "\r\n";
}
