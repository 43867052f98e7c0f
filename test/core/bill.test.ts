import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { formatTradeBill, parseTradeBill, readTradeBill } from "../../shared/wechatpay/bill";

const header = ["交易时间", "公众账号ID", "商户号", "微信订单号", "商户订单号", "交易状态", "应结订单金额"];
const summaryHeader = ["总交易单数", "应结订单总金额", "退款总金额"];
const text = formatTradeBill(
  header,
  [
    ["2026-11-27 10:00:00", "wx1", "1900009191", "4200001", "T2026A", "SUCCESS", "553.00"],
    ["2026-11-27 11:00:00", "wx1", "1900009191", "4200002", "T2026B", "REFUND", "0.00"],
  ],
  summaryHeader,
  ["2", "553.00", "0.00"],
);
const sha1 = (b: Buffer) => createHash("sha1").update(b).digest("hex");

describe("trade bill", () => {
  it("parses header, back-quoted rows and the summary block", () => {
    const r = parseTradeBill("\uFEFF" + text);
    if (!r.ok) throw new Error(r.reason);
    expect(r.bill.rows).toHaveLength(2);
    expect(r.bill.rows[0]).toMatchObject({ 交易时间: "2026-11-27 10:00:00", 商户订单号: "T2026A", 应结订单金额: "553.00" });
    expect(r.bill.rows[1]!.交易状态).toBe("REFUND");
    expect(r.bill.summary).toEqual({ 总交易单数: "2", 应结订单总金额: "553.00", 退款总金额: "0.00" });
  });

  it("checks the SHA1 of the bytes (and of the plain file when gzipped)", () => {
    const bytes = Buffer.from(text, "utf8");
    expect(readTradeBill(bytes, "SHA1", sha1(bytes)).ok).toBe(true);
    expect(readTradeBill(bytes, "SHA1", sha1(bytes).toUpperCase()).ok).toBe(true);
    const tampered = Buffer.from(text.replace("553.00", "553.01"), "utf8");
    expect(readTradeBill(tampered, "SHA1", sha1(bytes))).toEqual({ ok: false, reason: "bill SHA1 does not match hash_value" });
    expect(readTradeBill(gzipSync(bytes), "SHA1", sha1(bytes)).ok).toBe(true);
    expect(readTradeBill(bytes, "MD5", sha1(bytes)).ok).toBe(false);
  });

  it("refuses a file without a summary block or with a short row", () => {
    expect(parseTradeBill(header.join(",") + "\r\n`a,`b\r\n").ok).toBe(false);
    const short = text.replace("`REFUND,`0.00", "`REFUND");
    expect(parseTradeBill(short).ok).toBe(false);
  });
});
