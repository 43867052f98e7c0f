// The stack is dev-only: it refuses to bind anything but loopback.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { stackEntry } from "../../dev/launch";
import { REPO_ROOT } from "../helpers/stack";
import { dataDirWithKeys } from "../helpers/tmp";
import { isLoopbackHost } from "../../dev/stack/loopback";

describe("loopback only", () => {
  it("classifies hosts", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "localhost"]) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", ""]) expect(isLoopbackHost(h)).toBe(false);
  });

  it("dev/main.ts with HOST=0.0.0.0 exits non-zero with a clear error and prints no ready line", () => {
    const r = spawnSync(process.execPath, stackEntry(), {
      cwd: REPO_ROOT,
      env: { ...process.env, HOST: "0.0.0.0", PORT: "0", DATA_DIR: dataDirWithKeys("stack-host-"), TIMERS: "0" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout).not.toMatch(/ready/);
    expect(r.stderr).toMatch(/refusing to listen on 0\.0\.0\.0/);
  });
});
