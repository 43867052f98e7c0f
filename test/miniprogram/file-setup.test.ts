// The cleanup between page-test files (file-setup.ts, run after every file of the shared workers):
// a timer a page left behind never fires in the next file, and the next file loads the
// mini-program's modules afresh.
import "./dom-globals";
import { describe, expect, it } from "vitest";
import { sweepFile } from "./file-setup";
import { mpRequire } from "./harness";

describe("between page-test files", () => {
  it("a pending timeout and interval are cleared; timers set afterwards run", async () => {
    const fired: string[] = [];
    setTimeout(() => fired.push("left timeout"), 0);
    setInterval(() => fired.push("left interval"), 0);
    sweepFile();
    // Node runs due timers in the order they were set: once this one has run, the earlier ones
    // would have run before it.
    await new Promise<void>((r) =>
      setTimeout(() => {
        fired.push("after the sweep");
        r();
      }, 0),
    );
    expect(fired).toEqual(["after the sweep"]);
  });

  it("the mini-program's modules are loaded afresh (their state does not carry over)", () => {
    const before = mpRequire<object>("services/trains.ts");
    expect(mpRequire<object>("services/trains.ts")).toBe(before);
    sweepFile();
    expect(mpRequire<object>("services/trains.ts")).not.toBe(before);
  });
});
