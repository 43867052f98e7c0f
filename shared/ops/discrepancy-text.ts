// A reconciliation discrepancy in words staff read (the report keeps the service's own codes and
// English details). No imports: the page uses it too.
const STATUS: Record<string, string> = {
  PENDING: "待支付",
  PAID: "已支付",
  PARTIALLY_REFUNDED: "部分退款",
  REFUNDED: "已退款",
  CLOSED: "已关闭",
};

const REFUND_STATUS: Record<string, string> = {
  CREATED: "待提交",
  PROCESSING: "处理中",
  ABNORMAL: "退款异常",
  CLOSED: "已关闭",
  FAILED: "失败",
};

const yuan = (fen: string) => (Number(fen) / 100).toFixed(2);

export function discrepancyText(detail: string | undefined): string {
  if (!detail) return "";
  let m = /^order is (\w+)$/.exec(detail);
  if (m) return `我方订单状态：${STATUS[m[1]!] ?? m[1]}`;
  m = /^bill ([\d.]+) yuan, (order|refund) (\d+) fen$/.exec(detail);
  if (m) return `账单 ${m[1]} 元，我方${m[2] === "order" ? "订单" : "退款单"} ${yuan(m[3]!)} 元`;
  if (detail === "payment") return "我方记为当天已支付";
  if (detail === "refund") return "我方记为当天退款成功";
  if (detail === "no refund recorded") return "没有自动退款记录";
  m = /^automatic refund (\w+)(?: \((.+)\))?$/.exec(detail);
  if (m) return `自动退款状态：${REFUND_STATUS[m[1]!] ?? m[1]}${m[2] ? `（${m[2]}）` : ""}`;
  return detail;
}
