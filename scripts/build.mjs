// Bundles every cloud function into a deployable folder: index.js (exports main) + package.json,
// no TypeScript, no imports outside the folder, Node 16+. These folders are what tcb and DevTools
// deploy and what the tests and the local stack run.
import { build } from "esbuild";
import { readdirSync, existsSync, mkdirSync, writeFileSync, readFileSync, rmSync, renameSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** [sourceRoot, outRoot]: deployable functions, then test-only fixture functions. */
const targets = [
  [join(root, "cloudfunctions"), join(root, "build", "cloudfunctions")],
  [join(root, "test", "fixtures", "functions"), join(root, "build", "test-functions")],
];

const analyze = process.argv.includes("--analyze");

/** Functions that also serve a web page: its entry, bundled into the function's public/ folder. */
const pages = { ops: join(root, "web", "ops", "main.tsx") };

/** The page (TypeScript + Vue JSX, Element Plus, ECharts) for the browser: content-hashed assets, an
 *  index.html naming them, and a gzipped copy of each for clients that accept it. */
async function buildPage(entry, publicDir) {
  const result = await build({
    entryPoints: [entry],
    outdir: publicDir,
    entryNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2020",
    minify: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
    jsx: "automatic",
    jsxImportSource: "vue",
    loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".svg": "file" },
    define: {
      "process.env.NODE_ENV": '"production"',
      __VUE_OPTIONS_API__: "true",
      __VUE_PROD_DEVTOOLS__: "false",
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false",
    },
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => p.slice(p.lastIndexOf("/") + 1));
  const js = outputs.find((n) => n.endsWith(".js"));
  const css = outputs.find((n) => n.endsWith(".css"));
  const html = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>运营后台 · 火车票支付</title>
${css ? `<link rel="stylesheet" href="assets/${css}">` : ""}
</head>
<body>
<div id="app"></div>
<script src="assets/${js}" defer></script>
</body>
</html>
`;
  writeFileSync(join(publicDir, "index.html"), html);
  for (const name of [...outputs, "index.html"]) {
    const file = join(publicDir, name);
    writeFileSync(file + ".gz", gzipSync(readFileSync(file), { level: 9 }));
  }
}

async function bundle(name, srcDir, finalDir) {
  const entry = join(srcDir, "index.ts");
  // Build beside the target and swap it in, so a stack running from build/ never sees a half-built folder.
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
  if (pages[name] && srcDir.startsWith(join(root, "cloudfunctions"))) await buildPage(pages[name], join(outDir, "public"));
  writeFileSync(
    join(outDir, "package.json"),
    JSON.stringify({ name, version: "1.0.0", private: true, main: "index.js", dependencies: {} }, null, 2) + "\n",
  );
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(outDir, finalDir);
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
