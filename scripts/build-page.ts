// A function's web page (TypeScript + Vue JSX, Element Plus, ECharts) bundled for the browser into
// the function's public/ folder: content-hashed assets, an index.html naming them, and a gzipped copy
// of each for clients that accept it. Called by scripts/build.ts for the functions in its `pages`.
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const indexHtml = (js: string, css: string | undefined): string => `<!doctype html>
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

/** Answers the files the bundle was made from (esbuild's metafile inputs, relative to the working directory). */
export async function buildPage(entry: string, publicDir: string): Promise<string[]> {
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
  if (!js) throw new Error(`${entry}: esbuild produced no script`);
  writeFileSync(
    join(publicDir, "index.html"),
    indexHtml(
      js,
      outputs.find((n) => n.endsWith(".css")),
    ),
  );
  for (const name of [...outputs, "index.html"]) {
    const file = join(publicDir, name);
    writeFileSync(file + ".gz", gzipSync(readFileSync(file), { level: 9 }));
  }
  return Object.keys(result.metafile.inputs);
}
