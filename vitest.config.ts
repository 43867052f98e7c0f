import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The run's temporary root and its one dev key set (test/helpers/global-setup.ts).
    globalSetup: ["test/helpers/global-setup.ts"],
    // Generous: only a stuck test meets them, and a stack-backed one may share the machine with
    // another whole suite (each waits on the real stack with its own deadline, test/helpers/poll.ts).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Stack-backed suites spawn their own servers; two cores here, so keep files few at a time.
    maxWorkers: 2,
    pool: "forks",
    // Test files run one after another in shared worker processes (a fresh process per file cost
    // ~0.5 s of CPU each, a third of the suite). Workers are never shared between the two projects:
    // the page tests install a DOM and a fake `wx` as globals (jsdom's XMLHttpRequest would turn
    // the WeChat Pay HTTP client to its browser adapter). Page files share their workers too; pages poll
    // on real timers after a test ends (once seen as a stray call in the next file under load), so
    // test/miniprogram/file-setup.ts clears every timer a file left and the mini-program's modules.
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/miniprogram/**"],
          isolate: false,
          // RSA key pairs from the run's pool (test/helpers/global-setup.ts) instead of new ones.
          setupFiles: ["test/helpers/key-pool.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "miniprogram",
          include: ["test/miniprogram/**/*.test.ts"],
          isolate: false,
          setupFiles: ["test/miniprogram/file-setup.ts"],
        },
      },
    ],
  },
});
