// 7-field CloudBase cron: second minute hour day month week year.
import { describe, expect, it } from "vitest";
import { cronMatches, parseCron } from "../../dev/stack/timers/cron";

const at = (iso: string) => new Date(iso);

describe("cron", () => {
  it("the sweeper schedule (second 0 of every minute)", () => {
    const s = parseCron("0 */1 * * * * *");
    expect(cronMatches(s, at("2026-01-05T10:11:00"))).toBe(true);
    expect(cronMatches(s, at("2026-01-05T10:11:01"))).toBe(false);
  });

  it("ranges, lists, steps and names", () => {
    const s = parseCron("*/15 0-5,30 2 1 JAN-MAR MON *");
    expect(cronMatches(s, at("2024-01-01T02:30:45"))).toBe(true); // 1 Jan 2024 is a Monday
    expect(cronMatches(s, at("2024-01-01T02:30:44"))).toBe(false);
    expect(cronMatches(s, at("2024-01-01T02:06:00"))).toBe(false);
    expect(cronMatches(s, at("2024-04-01T02:00:00"))).toBe(false);
  });

  it("rejects malformed expressions", () => {
    expect(() => parseCron("* * * * *")).toThrow(/7 fields/);
    expect(() => parseCron("61 * * * * * *")).toThrow(/out of range/);
    expect(() => parseCron("*/0 * * * * * *")).toThrow();
    expect(() => parseCron("5-1 * * * * * *")).toThrow(/empty range/);
  });
});
