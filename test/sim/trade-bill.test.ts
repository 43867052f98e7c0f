// The trade bill: SHA1 announced by /v3/bill/tradebill matches the downloaded bytes, and the
// file (WeChat's format) reflects that China day's payments and refunds.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cstDate } from "../../dev/wxpay-sim/china-time";
import { Sim } from "./harness";

let sim: Sim;
beforeAll(async () => {
  sim = await Sim.start({ timeScale: 1000 }); // refunds stay PROCESSING
});
afterAll(async () => sim?.stop());

const fields = (line: string) => line.split(",").map((f) => f.replace(/^`/, ""));

describe("trade bill", () => {
  it("no transaction that day → NO_STATEMENT_EXIST; bad parameters → PARAM_ERROR", async () => {
    const r = await sim.call("GET", "/v3/bill/tradebill?bill_date=2020-01-01&bill_type=ALL");
    expect([r.status, r.json.code]).toEqual([400, "NO_STATEMENT_EXIST"]);
    for (const qs of [
      "bill_date=2020-1-1",
      "bill_date=2020-01-01&bill_type=WEIRD",
      "bill_date=2999-01-01",
      "bill_date=2020-01-01&tar_type=GZIP",
    ]) {
      expect((await sim.call("GET", `/v3/bill/tradebill?${qs}`)).json.code).toBe("PARAM_ERROR");
    }
  });

  it("lists today's payments and refunds with a matching SHA1", async () => {
    const notify = sim.baseUrl + "/nowhere";
    await sim.paidOrder("BILL_ORDER_001", notify);
    await sim.paidOrder("BILL_ORDER_002", notify);
    await sim.prepay("BILL_UNPAID_01"); // not in the bill
    const refund = await sim.call("POST", "/v3/refund/domestic/refunds", {
      out_trade_no: "BILL_ORDER_002",
      out_refund_no: "BILL-R-1",
      amount: { refund: 1000, total: 55300, currency: "CNY" },
    });
    expect(refund.status).toBe(200);

    const today = cstDate(Date.now());
    const r = await sim.call("GET", `/v3/bill/tradebill?bill_date=${today}&bill_type=ALL`);
    expect(r.status, r.text).toBe(200);
    expect(r.json.hash_type).toBe("SHA1");
    const url = new URL(r.json.download_url);
    expect(url.origin).toBe(sim.baseUrl);
    const file = await sim.call("GET", url.pathname + url.search);
    expect(file.status).toBe(200);
    expect(createHash("sha1").update(file.raw).digest("hex")).toBe(r.json.hash_value);
    expect(file.headers["wechatpay-signature"]).toBeUndefined(); // downloads are not signed by WeChat Pay

    const lines = file.text.split("\r\n");
    expect(lines.pop()).toBe("");
    expect(lines[0]!.startsWith("交易时间,公众账号ID,商户号")).toBe(true);
    const header = fields(lines[0]!);
    const rows = lines.slice(1, -2).map((l) => Object.fromEntries(fields(l).map((v, i) => [header[i], v])));
    expect(lines.slice(1, -2).every((l) => l.startsWith("`"))).toBe(true);
    expect(rows.map((x) => [x.商户订单号, x.交易状态])).toEqual([
      ["BILL_ORDER_001", "SUCCESS"],
      ["BILL_ORDER_002", "SUCCESS"],
      ["BILL_ORDER_002", "REFUND"],
    ]);
    expect(rows[0]).toMatchObject({ 应结订单金额: "553.00", 商户号: sim.keys.mchid, 公众账号ID: sim.keys.appid, 交易类型: "JSAPI" });
    expect(rows[2]).toMatchObject({
      商户退款单号: "BILL-R-1",
      退款金额: "10.00",
      退款状态: "PROCESSING",
      微信退款单号: refund.json.refund_id,
    });
    expect(rows[0]!.交易时间).toMatch(new RegExp(`^${today} \\d\\d:\\d\\d:\\d\\d$`));

    expect(lines.at(-2)).toBe("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额");
    const summary = fields(lines.at(-1)!);
    expect(summary.slice(0, 4)).toEqual(["3", "1106.00", "10.00", "0.00"]);

    const successOnly = await sim.call("GET", `/v3/bill/tradebill?bill_date=${today}&bill_type=SUCCESS`);
    const u2 = new URL(successOnly.json.download_url);
    const text2 = (await sim.call("GET", u2.pathname + u2.search)).text;
    expect(text2).not.toContain("BILL-R-1");
    expect(fields(text2.trimEnd().split("\r\n").at(-1)!)[0]).toBe("2");
  });

  it("the download is authenticated and needs a valid token", async () => {
    const today = cstDate(Date.now());
    const r = await sim.call("GET", `/v3/bill/tradebill?bill_date=${today}&bill_type=ALL`);
    const url = new URL(r.json.download_url);
    const unsigned = await fetch(r.json.download_url);
    expect(unsigned.status).toBe(401);
    expect((await sim.call("GET", url.pathname + "?token=nope")).json.code).toBe("PARAM_ERROR");
  });
});
