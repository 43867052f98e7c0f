// Bundles every cloud function into a deployable folder: index.js (exports main) + package.json,
// no TypeScript, no imports outside the folder, Node 16+. These folders are what tcb and DevTools
// deploy and what the tests and the local stack run.
import { build } from "esbuild";
import { readdirSync, existsSync, mkdirSync, writeFileSync, rmSync, renameSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** [sourceRoot, outRoot]: deployable functions, then test-only fixture functions. */
const targets = [
  [join(root, "cloudfunctions"), join(root, "build", "cloudfunctions")],
  [join(root, "test", "fixtures", "functions"), join(root, "build", "test-functions")],
];

const analyze = process.argv.includes("--analyze");

async function bundle(name, srcDir, finalDir) {
  const entry = join(srcDir, "index.ts");
  // Build beside the target and move it in, so a stack running from build/ never sees a half-built folder.
  const outDir = `${finalDir}.tmp-${process.pid}`;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [entry],
    outfile: join(outDir, "index.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node16",
    minify: true,
    legalComments: "none",
    metafile: analyze,
    logLevel: "warning",
    // Optional native speedups some SDK dependencies probe for; absent in CloudBase too.
    external: ["bufferutil", "utf-8-validate", "encoding"],
  });
  writeFileSync(
    join(outDir, "package.json"),
    JSON.stringify({ name, version: "1.0.0", private: true, main: "index.js", dependencies: {} }, null, 2) + "\n",
  );
  // File by file: a rename over an existing file is atomic, so a function instance starting from
  // build/ meanwhile (a test suite running beside this build) loads the old or the new file, never
  // none. Files the new build did not produce go.
  mkdirSync(finalDir, { recursive: true });
  const produced = readdirSync(outDir);
  for (const f of produced) renameSync(join(outDir, f), join(finalDir, f));
  for (const f of readdirSync(finalDir)) if (!produced.includes(f)) rmSync(join(finalDir, f), { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
  if (analyze && result.metafile) {
    const { analyzeMetafile } = await import("esbuild");
    console.log(`== ${name}\n` + (await analyzeMetafile(result.metafile, { verbose: false })));
  }
}

let count = 0;
for (const [srcRoot, outRoot] of targets) {
  if (!existsSync(srcRoot)) continue;
  const names = readdirSync(srcRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(srcRoot, d.name, "index.ts")))
    .map((d) => d.name);
  await Promise.all(names.map((n) => bundle(n, join(srcRoot, n), join(outRoot, n))));
  count += names.length;
}
console.log(`built ${count} functions`);
