import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The run's temporary root and its one dev key set (test/helpers/global-setup.ts).
    globalSetup: ["test/helpers/global-setup.ts"],
    // Generous: only a stuck test meets them, and a stack-backed one may share the machine with
    // another whole suite (each waits on the real stack with its own deadline, test/helpers/poll.ts).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Stack-backed suites spawn their own servers; two cores here, so keep files few at a time.
    maxWorkers: 2,
    pool: "forks",
  },
});
