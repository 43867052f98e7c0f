import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The run's temporary root and its one dev key set (test/helpers/global-setup.ts).
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Stack-backed suites spawn their own servers; two cores here, so keep files few at a time.
    maxWorkers: 2,
    pool: "forks",
  },
});
