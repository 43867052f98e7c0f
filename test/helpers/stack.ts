// The test suites' handle on the real local stack. The launcher itself lives in dev/launch.ts (the
// demo uses it too); this module keeps the names every suite imports.
export {
  launchStack as startTestStack,
  REPO_ROOT,
  type LocalStack as TestStack,
  type Identity,
  type StartOptions,
  type HttpAnswer,
  type CallAnswer,
} from "../../dev/launch";
