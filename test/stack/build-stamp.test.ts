// Build stamps: `npm run build` keeps a bundle whose stamp still matches, and the launcher runs the
// stack's bundle only while its stamp matches (dev/build-stamp.ts). Times are set with utimes, never
// waited for.
import { mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isCurrent, writeStamp } from "../../dev/build-stamp";
import { stackEntry } from "../../dev/launch";
import { tempDir } from "../helpers/tmp";

const T = Date.parse("2026-12-01T00:00:00Z");

function setup() {
  const root = tempDir("stamp-");
  const input = join(root, "src", "a.ts");
  const output = join(root, "build", "dev-stack", "main.mjs");
  const stamp = join(root, "build", ".stamps", "dev-stack.json");
  mkdirSync(join(root, "src"));
  mkdirSync(join(root, "build", "dev-stack"), { recursive: true });
  writeFileSync(input, "export const a = 1;\n");
  utimesSync(input, T / 1000, T / 1000);
  writeFileSync(output, "bundle\n");
  return { root, input, output, stamp };
}

describe("build stamps", () => {
  it("match until an input or an output changes size or time, or goes", () => {
    const { input, output, stamp } = setup();
    expect(isCurrent(stamp)).toBe(false); // none yet
    expect(writeStamp(stamp, [input], [output], T + 1000)).toBe(true);
    expect(isCurrent(stamp)).toBe(true);

    writeFileSync(input, "export const a = 22;\n"); // content (and size) changed
    utimesSync(input, T / 1000, T / 1000);
    expect(isCurrent(stamp)).toBe(false);
    writeStamp(stamp, [input], [output], T + 1000);
    expect(isCurrent(stamp)).toBe(true);

    utimesSync(input, (T + 5000) / 1000, (T + 5000) / 1000); // same size, touched
    expect(isCurrent(stamp)).toBe(false);
    utimesSync(input, T / 1000, T / 1000);
    expect(isCurrent(stamp)).toBe(true);

    rmSync(output);
    expect(isCurrent(stamp)).toBe(false);
  });

  it("are not written when an input changed after the build started (it may have read the old content)", () => {
    const { input, output, stamp } = setup();
    expect(writeStamp(stamp, [input], [output], T + 1000)).toBe(true);
    utimesSync(input, (T + 2000) / 1000, (T + 2000) / 1000);
    expect(writeStamp(stamp, [input], [output], T + 1000)).toBe(false);
    expect(isCurrent(stamp)).toBe(false); // the old stamp is gone too
    utimesSync(input, T / 1000, T / 1000);
    expect(isCurrent(stamp)).toBe(false);
  });

  it("a stamp that cannot be read, or lists nothing, never matches", () => {
    const { stamp } = setup();
    mkdirSync(join(stamp, ".."), { recursive: true });
    writeFileSync(stamp, "{not json");
    expect(isCurrent(stamp)).toBe(false);
    writeFileSync(stamp, JSON.stringify({ inputs: {}, outputs: {} }));
    expect(isCurrent(stamp)).toBe(false);
  });

  it("the launcher runs the stack's bundle only while its stamp matches", () => {
    const { root, input, output, stamp } = setup();
    const source = ["--import", "tsx", join(root, "dev", "main.ts")];
    expect(stackEntry(root)).toEqual(source);
    writeStamp(stamp, [input], [output], T + 1000);
    expect(stackEntry(root)).toEqual([output]);
    writeFileSync(input, "export const a = 3;\n");
    expect(stackEntry(root)).toEqual(source);
  });
});
