// Build stamps: `npm run build` keeps a bundle whose stamp still matches, and the launcher runs the
// stack's bundle only while its stamp matches (dev/build-stamp.ts). Times are set with utimes, never
// waited for.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isCurrent, writeStamp } from "../../dev/build-stamp";
import { REPO_ROOT, stackEntry } from "../../dev/launch";
import { withoutDeployVariables } from "../helpers/merchant-setup";
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

/** A repository of one tiny function beside the real sources (scripts/ copied, so build.ts takes the
 *  copy as its repository; the rest linked), and a root whose .env.local names `key` as its key file. */
function tinyRepo() {
  const repo = tempDir("stamp-repo-");
  for (const e of readdirSync(REPO_ROOT))
    if (!["build", "scripts", "cloudfunctions", "cloudbaserc.json", "test"].includes(e) && !e.startsWith(".env"))
      symlinkSync(join(REPO_ROOT, e), join(repo, e));
  cpSync(join(REPO_ROOT, "scripts"), join(repo, "scripts"), { recursive: true });
  mkdirSync(join(repo, "cloudfunctions", "tiny"), { recursive: true });
  writeFileSync(join(repo, "cloudfunctions", "tiny", "index.ts"), "export const main = async () => 1;\n");
  const fn = {
    name: "tiny",
    handler: "index.main",
    runtime: "Nodejs20.19",
    envVariables: { WECHAT_PRIVATE_KEY: "{{env.WECHAT_PRIVATE_KEY}}" },
  };
  writeFileSync(
    join(repo, "cloudbaserc.json"),
    JSON.stringify({ version: "2.0", envId: "x", functionRoot: "./build/cloudfunctions", functions: [fn] }),
  );
  return repo;
}

function rootNaming(key: string) {
  const root = tempDir("stamp-root-");
  mkdirSync(join(root, "secrets"));
  writeFileSync(join(root, "secrets", key), "not a real key\n");
  writeFileSync(join(root, ".env.local"), `WECHAT_PRIVATE_KEY=secrets/${key}\n`);
  return root;
}

function runBuild(repo: string, root: string): Promise<string> {
  return new Promise((done, fail) =>
    execFile(
      process.execPath,
      ["--import", "tsx", join(repo, "scripts", "build.ts"), "--root", root],
      { cwd: repo, env: withoutDeployVariables(), timeout: 100_000 },
      (err, stdout, stderr) => (err ? fail(new Error(`${err.message}\n${stdout}\n${stderr}`)) : done(stdout)),
    ),
  );
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

  it("a kept bundle's folder holds only the key files this build's root names", async () => {
    const repo = tinyRepo();
    const fnDir = join(repo, "build", "cloudfunctions", "tiny");
    await runBuild(repo, rootNaming("old.pem"));
    expect(existsSync(join(fnDir, "secrets", "old.pem"))).toBe(true);
    const second = await runBuild(repo, rootNaming("new.pem"));
    expect(second).toContain("unchanged"); // the bundle was kept
    expect(existsSync(join(fnDir, "secrets", "new.pem"))).toBe(true);
    expect(readdirSync(join(fnDir, "secrets"))).toEqual(["new.pem"]); // the other root's key is not deployed
  });
});
