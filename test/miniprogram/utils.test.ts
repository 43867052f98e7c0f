import { describe, it, expect } from "vitest";
import { formatYuan, formatPrice, parseYuanToFen } from "../../miniprogram/utils/money";
import { checkIdCard, idCardCheckChar, normalizeIdCard } from "../../miniprogram/utils/idcard";
import { orderStatusLabel, refundStatusLabel, refundOutcome, ORDER_STATUS_TONES } from "../../miniprogram/utils/status";
import { formatCountdown, formatDuration, formatDateTime, chinaDate } from "../../miniprogram/utils/time";
import { newToken } from "../../miniprogram/utils/token";

describe("money", () => {
  it("formats fen as yuan with two decimals, exactly", () => {
    expect(formatYuan(0)).toBe("0.00");
    expect(formatYuan(5)).toBe("0.05");
    expect(formatYuan(55300)).toBe("553.00");
    expect(formatYuan(44350)).toBe("443.50");
    expect(formatYuan(-1234)).toBe("-12.34");
    expect(formatPrice(1)).toBe("¥0.01");
  });
  it("parses typed yuan into fen without float drift, refusing bad input", () => {
    expect(parseYuanToFen("553")).toBe(55300);
    expect(parseYuanToFen(" 0.1 ")).toBe(10);
    expect(parseYuanToFen("19.99")).toBe(1999);
    expect(parseYuanToFen("0.29")).toBe(29); // 0.29 * 100 = 28.999… in floating point
    for (const bad of ["", "0", "0.00", "-1", "1.234", "abc", "1e3", "1.", ".5"]) expect(parseYuanToFen(bad)).toBeNull();
  });
});

describe("ID card (GB 11643)", () => {
  it("computes the check character with the standard weights", () => {
    expect(idCardCheckChar("11010519491231002")).toBe("X");
    expect(idCardCheckChar("44052419800101001")).toBe("3");
  });
  it("accepts valid numbers, lower-case x included", () => {
    expect(checkIdCard("11010519491231002X")).toBeNull();
    expect(checkIdCard("11010519491231002x")).toBeNull();
    expect(checkIdCard("440524198001010013")).toBeNull();
    expect(normalizeIdCard(" 11010519491231002x ")).toBe("11010519491231002X");
  });
  it("names what is wrong", () => {
    expect(checkIdCard("")).toBe("EMPTY");
    expect(checkIdCard("1101051949123100")).toBe("FORMAT");
    expect(checkIdCard("11010519491231002Y")).toBe("FORMAT");
    expect(checkIdCard("110105194912310021")).toBe("CHECK_DIGIT");
    expect(checkIdCard("110105194902300021")).toBe("BIRTH_DATE"); // 30 February
    expect(checkIdCard("110105194913010021")).toBe("BIRTH_DATE");
    const today = new Date(Date.UTC(2026, 10, 27));
    expect(checkIdCard("110105202701010011", today)).toBe("BIRTH_DATE"); // born in the future
  });
  it("every single-digit change of a valid number is caught", () => {
    const valid = "440524198001010013";
    for (let i = 0; i < 17; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === valid[i]) continue;
        const changed = valid.slice(0, i) + d + valid.slice(i + 1);
        expect(checkIdCard(changed)).not.toBeNull();
      }
    }
  });
});

describe("status labels", () => {
  it("maps every order and refund status to Chinese", () => {
    expect(["PENDING", "PAID", "PARTIALLY_REFUNDED", "REFUNDED", "CLOSED"].map((s) => orderStatusLabel(s as never))).toEqual([
      "待支付",
      "已支付",
      "部分退款",
      "已退款",
      "已关闭",
    ]);
    expect(refundStatusLabel("PROCESSING")).toBe("退款处理中");
    expect(refundStatusLabel("SUCCESS")).toBe("退款成功");
    expect(ORDER_STATUS_TONES.PAID).toBe("ok");
  });
  it("says how a 退票 ended, by its status, with the reason when it did not succeed", () => {
    expect(refundOutcome({ status: "SUCCESS", amount: 49750 })).toBe("退票成功，¥497.50 已原路退回");
    expect(refundOutcome({ status: "PROCESSING", amount: 49750 })).toBe("退票申请已提交，¥497.50 退款处理中");
    expect(refundOutcome({ status: "CLOSED", amount: 49750, failureReason: "车票已在退票中或已退" })).toBe(
      "退票未成功：车票已在退票中或已退",
    );
    expect(refundOutcome({ status: "ABNORMAL", amount: 49750 })).toMatch(/^退款异常/);
  });
});

describe("time", () => {
  it("formats a countdown", () => {
    expect(formatCountdown(15 * 60_000)).toBe("15:00");
    expect(formatCountdown(61_001)).toBe("01:02");
    expect(formatCountdown(3_723_000)).toBe("1:02:03");
    expect(formatCountdown(0)).toBe("00:00");
    expect(formatCountdown(-5000)).toBe("00:00");
  });
  it("formats durations and China-time dates", () => {
    expect(formatDuration(268)).toBe("4小时28分");
    expect(formatDuration(45)).toBe("45分");
    expect(formatDuration(120)).toBe("2小时");
    const t = Date.UTC(2026, 10, 27, 16, 30); // 00:30 next day in China
    expect(formatDateTime(t)).toBe("2026-11-28 00:30");
    expect(chinaDate(t)).toBe("2026-11-28");
    expect(chinaDate(t, 14)).toBe("2026-12-12");
  });
});

describe("tokens", () => {
  it("are distinct per call and carry their prefix", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newToken("book")));
    expect(tokens.size).toBe(1000);
    for (const t of tokens) expect(t).toMatch(/^book-[0-9a-z-]+$/);
  });
});

describe("query", () => {
  it("decodes percent-encoded page query values and leaves others alone", async () => {
    const { decodeQuery, decodeQueryValue } = await import("../../miniprogram/utils/query");
    expect(decodeQuery({ from: "%E5%8C%97%E4%BA%AC%E5%8D%97", to: "上海虹桥", x: undefined })).toEqual({
      from: "北京南",
      to: "上海虹桥",
      x: undefined,
    });
    expect(decodeQueryValue("100%")).toBe("100%");
  });
});
