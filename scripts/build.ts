// Bundles every cloud function into a deployable folder: index.js (exports main) + package.json, no
// TypeScript, no imports outside the folder, built for the runtime cloudbaserc.json names; then gives
// each folder the key files its environment names (scripts/deploy/prepare-folders.ts). These folders
// are what tcb and DevTools deploy and what the tests and the local stack run.
//   npm run build [-- --out DIR] [--root DIR] [--bundles DIR]
//   --out      where the deployable functions go (default build/cloudfunctions; test fixtures are built
//              into build/test-functions only with the default)
//   --root     where .env / .env.local and the key files they name are (default: the repository)
//   --bundles  take the bundles from this earlier build instead of bundling again (with --out): the
//              same code prepared for another root's keys, in a fraction of the time
// Without --out, a bundle whose sources did not change since it was built is kept as it is (its stamp
// in build/.stamps/ still matches: dev/build-stamp.ts); --analyze always bundles again.
import { build, analyzeMetafile } from "esbuild";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildPage } from "./build-page";
import { dropStamp, filesUnder, isCurrent, writeStamp } from "../dev/build-stamp";
import { prepareFunctionFolders } from "./deploy/prepare-folders";
import { esbuildTargetFor, readRawConfig, toConfig } from "./deploy/tcb-config";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const configPath = join(repo, "cloudbaserc.json");

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const outOption = option("--out");
const root = resolve(option("--root") ?? repo);
const outRoot = resolve(outOption ?? join(repo, "build", "cloudfunctions"));
const analyze = process.argv.includes("--analyze");
const bundlesOption = option("--bundles");

/** Stamps only for the repository's own build/ (a build --out elsewhere always bundles). */
const stampsDir = outOption ? undefined : join(repo, "build", ".stamps");
/** Files every bundle depends on besides what esbuild reads: how it is built, with which esbuild. */
const BUILD_INPUTS = [
  "scripts/build.ts",
  "scripts/build-page.ts",
  "dev/build-stamp.ts",
  "package-lock.json",
  "tsconfig.json",
  "cloudbaserc.json",
  "node_modules/esbuild/package.json",
].map((p) => join(repo, p));
let unchanged = 0;
/** Function bundles made afresh (the stacks' code cache goes when there are any). */
let functionsRebuilt = 0;

/** Makes a bundle unless its stamp still matches (then `keep` runs instead); answers whether it made
 *  one. `make` answers the files it read (relative to the working directory, as esbuild names
 *  them) and the files it wrote. */
async function stamped(
  stamp: string | undefined,
  keep: () => void,
  make: () => Promise<{ inputs: string[]; outputs: string[] }>,
): Promise<boolean> {
  if (stamp && !analyze && isCurrent(stamp)) {
    keep();
    unchanged++;
    return false;
  }
  if (stamp) dropStamp(stamp);
  const startedAt = Date.now();
  const { inputs, outputs } = await make();
  if (stamp) writeStamp(stamp, [...new Set(inputs.map((p) => resolve(p))), ...BUILD_INPUTS], outputs, startedAt);
  return true;
}

/** [sourceRoot, outRoot]: deployable functions, then test-only fixture functions. */
const targets: Array<[string, string]> = [[join(repo, "cloudfunctions"), outRoot]];
if (!outOption) targets.push([join(repo, "test", "fixtures", "functions"), join(repo, "build", "test-functions")]);

const config = toConfig(readRawConfig(configPath));
const runtimes = new Map(config.functions.map((f) => [f.name, f.runtime]));
/** Fixtures (not in cloudbaserc.json) run like the deployed functions. */
const defaultTarget = esbuildTargetFor(config.functions[0]?.runtime) ?? "node20";

/** Functions that also serve a web page: its entry, bundled into the function's public/ folder. */
const pages: Record<string, string> = { ops: join(repo, "web", "ops", "main.tsx") };

async function bundle(name: string, srcDir: string, finalDir: string): Promise<void> {
  const stamp = stampsDir && join(stampsDir, `${finalDir.slice(join(repo, "build").length + 1).replaceAll("/", "-")}.json`);
  // Kept, but what an earlier build copied in for its root (key files) goes, as after a bundling:
  // the key files are prepared afresh for this build's root.
  const keep = () => {
    for (const f of readdirSync(finalDir)) if (!BUNDLE_ENTRIES.includes(f)) rmSync(join(finalDir, f), { recursive: true, force: true });
  };
  if (await stamped(stamp, keep, () => bundleFunction(name, srcDir, finalDir))) functionsRebuilt++;
}

async function bundleFunction(name: string, srcDir: string, finalDir: string): Promise<{ inputs: string[]; outputs: string[] }> {
  // Build beside the target and swap it in, so a stack running from build/ never sees a half-built folder.
  const outDir = `${finalDir}.tmp-${process.pid}`;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(srcDir, "index.ts")],
    outfile: join(outDir, "index.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: esbuildTargetFor(runtimes.get(name)) ?? defaultTarget,
    minify: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
    // Optional native speedups some SDK dependencies probe for; absent in CloudBase too.
    external: ["bufferutil", "utf-8-validate", "encoding"],
  });
  const page = pages[name];
  const inputs = Object.keys(result.metafile.inputs);
  if (page && srcDir === join(repo, "cloudfunctions", name)) inputs.push(...(await buildPage(page, join(outDir, "public"))));
  writeFileSync(
    join(outDir, "package.json"),
    JSON.stringify({ name, version: "1.0.0", private: true, main: "index.js", dependencies: {} }, null, 2) + "\n",
  );
  // Entry by entry: a rename over an existing file is atomic, so a function instance starting from
  // build/ meanwhile (a test suite running beside this build) loads the old or the new file, never
  // none. Entries the new build did not produce go.
  mkdirSync(finalDir, { recursive: true });
  const produced = readdirSync(outDir);
  for (const f of produced) {
    const target = join(finalDir, f);
    if (statSync(join(outDir, f)).isDirectory()) rmSync(target, { recursive: true, force: true });
    renameSync(join(outDir, f), target);
  }
  for (const f of readdirSync(finalDir)) if (!produced.includes(f)) rmSync(join(finalDir, f), { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
  if (analyze) console.log(`== ${name}\n` + (await analyzeMetafile(result.metafile, { verbose: false })));
  return { inputs, outputs: produced.flatMap((f) => filesUnder(join(finalDir, f))) };
}

/** What bundling puts in a function's folder (the key files are prepared per root afterwards). */
const BUNDLE_ENTRIES = ["index.js", "package.json", "public"];

/** --bundles: an earlier build's function folders, bundle entries only (never the key files it
 *  prepared for its own root). */
function copyBundles(from: string, to: string): number {
  const names = readdirSync(from, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(from, d.name, "index.js")));
  rmSync(to, { recursive: true, force: true });
  for (const d of names) {
    for (const entry of BUNDLE_ENTRIES) {
      const src = join(from, d.name, entry);
      if (existsSync(src)) cpSync(src, join(to, d.name, entry), { recursive: true });
    }
  }
  return names.length;
}

let count = 0;
if (bundlesOption && !outOption) throw new Error("--bundles needs --out (it never replaces build/cloudfunctions)");
if (bundlesOption) {
  count = copyBundles(resolve(bundlesOption), outRoot);
  targets.length = 0;
}
for (const [srcRoot, out] of targets) {
  if (!existsSync(srcRoot)) continue;
  const names = readdirSync(srcRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(srcRoot, d.name, "index.ts")))
    .map((d) => d.name);
  mkdirSync(out, { recursive: true });
  await Promise.all(names.map((n) => bundle(n, join(srcRoot, n), join(out, n))));
  count += names.length;
}

/** The stack's bundle (build/dev-stack/): main.mjs, its chunks and the function worker. */
async function bundleStack(stackDir: string): Promise<{ inputs: string[]; outputs: string[] }> {
  const worker = join(repo, "dev", "stack", "functions", "worker.mjs");
  const stackTmp = `${stackDir}.tmp-${process.pid}`;
  rmSync(stackTmp, { recursive: true, force: true });
  const result = await build({
    entryPoints: [join(repo, "dev", "main.ts")],
    outdir: stackTmp,
    outExtension: { ".js": ".mjs" },
    // Code behind a dynamic import (the SDK, needed only to create the first operator) goes in a
    // chunk loaded when used: a stack starts without it.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    metafile: true,
  });
  copyFileSync(worker, join(stackTmp, "worker.mjs"));
  mkdirSync(join(stackDir, "chunks"), { recursive: true });
  // Chunks and the worker first, main.mjs last: a stack started from the new main.mjs finds all it
  // imports beside it (chunk names carry their content hash, so the old ones stay valid meanwhile).
  const chunks = readdirSync(join(stackTmp, "chunks"));
  // The chunks the previous main.mjs names stay too: a stack starting from it may still import its
  // lazy chunk (when it creates the first operator, right after starting). Older ones go.
  const previousMain = join(stackDir, "main.mjs");
  const previous = existsSync(previousMain)
    ? [...readFileSync(previousMain, "utf8").matchAll(/chunks\/([\w.-]+\.mjs)/g)].map((m) => m[1]!)
    : [];
  const files = [...chunks.map((c) => join("chunks", c)), "worker.mjs", "main.mjs"];
  for (const f of files) renameSync(join(stackTmp, f), join(stackDir, f));
  const kept = new Set([...chunks, ...previous]);
  for (const f of readdirSync(join(stackDir, "chunks"))) if (!kept.has(f)) rmSync(join(stackDir, "chunks", f), { force: true });
  rmSync(stackTmp, { recursive: true, force: true });
  return { inputs: [...Object.keys(result.metafile.inputs), worker], outputs: files.map((f) => join(stackDir, f)) };
}

// The local stack itself, bundled: dev/launch.ts runs it instead of dev/main.ts through tsx while its
// stamp matches (a stack starts in about half the CPU time). Packages stay external; the function
// worker is a plain .mjs file loaded beside the bundle.
if (stampsDir) {
  const stackDir = join(repo, "build", "dev-stack");
  await stamped(
    join(stampsDir, "dev-stack.json"),
    () => {},
    () => bundleStack(stackDir),
  );
}

// The stacks' cache of compiled bundles (dev/stack/functions/worker.mjs) is keyed by bundle text, so
// entries of replaced bundles would only pile up: emptied whenever a function was bundled again.
if (stampsDir && functionsRebuilt > 0) rmSync(join(repo, "build", ".code-cache"), { recursive: true, force: true });

const report = await prepareFunctionFolders({ root, configPath, outRoot });
const files = new Set(report.copied.map((c) => c.path));
console.log(
  `built ${count} functions` +
    (unchanged ? ` (${unchanged} bundles unchanged since the last build, kept)` : "") +
    (files.size ? `; key files copied into their folders: ${[...files].join(", ")}` : ""),
);
for (const w of report.warnings) console.log(`注意：${w}`);
if (report.warnings.length) console.log("部署前请运行 npm run doctor");
