import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MoneyError, assertFen, fenToYuanString, isFen, yuanToFen } from "../../shared/money";

describe("money (integer fen)", () => {
  it("assertFen returns valid fen and throws a coded MoneyError otherwise", () => {
    expect(assertFen(1)).toBe(1);
    expect(assertFen(55300)).toBe(55300);
    const code = (v: unknown) => {
      try {
        assertFen(v);
        return "accepted";
      } catch (e) {
        expect(e).toBeInstanceOf(MoneyError);
        return (e as MoneyError).code;
      }
    };
    expect(code(0)).toBe("NOT_POSITIVE");
    expect(code(-5)).toBe("NOT_POSITIVE");
    expect(code(12.5)).toBe("NOT_INTEGER");
    expect(code(Number.NaN)).toBe("NOT_INTEGER");
    expect(code(Infinity)).toBe("NOT_INTEGER");
    expect(code("100")).toBe("NOT_INTEGER");
    expect(code(2 ** 53)).toBe("NOT_SAFE");
    expect(isFen(100)).toBe(true);
    expect(isFen(0.1 + 0.2)).toBe(false);
  });

  it("formats fen as a yuan string", () => {
    expect(fenToYuanString(1250)).toBe("12.50");
    expect(fenToYuanString(5)).toBe("0.05");
    expect(fenToYuanString(0)).toBe("0.00");
    expect(fenToYuanString(-5)).toBe("-0.05");
    expect(fenToYuanString(55300)).toBe("553.00");
    expect(() => fenToYuanString(1.5)).toThrow(MoneyError);
  });

  it("parses yuan strings at the display edge without floating point", () => {
    expect(yuanToFen("12")).toBe(1200);
    expect(yuanToFen("12.5")).toBe(1250);
    expect(yuanToFen("0.07")).toBe(7);
    expect(yuanToFen("0.29")).toBe(29); // 0.29 * 100 = 28.999999999999996 in floating point
    for (const bad of ["", "-1", "1.234", "1e3", " 1", "1.", ".5", "abc", "1,000"]) expect(yuanToFen(bad)).toBeUndefined();
  });

  it("round-trips every fen amount", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (fen) => yuanToFen(fenToYuanString(fen)) === fen));
  });
});
