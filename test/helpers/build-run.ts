// `npm run build` into a temporary folder (scripts/build.ts --root --out), so a test never touches
// build/ while other suites run from it; the process environment is cleared of deploy variables,
// because tcb (and so the build) lets them win over .env.local. The bundles are the ones `npm run
// build` made before the suite (--bundles build/cloudfunctions): bundling them again, the console's
// page included, cost each suite seconds of CPU for the same code; the key files are prepared for
// the temporary root as a fresh build would.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { withoutDeployVariables } from "./merchant-setup";
import { REPO_ROOT } from "./stack";

export interface BuildRun {
  outRoot: string;
  stdout: string;
}

export function buildInto(root: string, extraEnv: Record<string, string> = {}): Promise<BuildRun> {
  const outRoot = join(root, "build", "cloudfunctions");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        "--import",
        "tsx",
        join(REPO_ROOT, "scripts", "build.ts"),
        "--root",
        root,
        "--out",
        outRoot,
        "--bundles",
        join(REPO_ROOT, "build", "cloudfunctions"),
      ],
      { cwd: REPO_ROOT, env: { ...withoutDeployVariables(), ...extraEnv }, timeout: 120_000 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`build failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve({ outRoot, stdout }),
    );
  });
}
