// A function instance (dev/stack/functions/worker.mjs) loads its bundle as require() would, compiled
// with V8's code cache when the stack has a cache directory: made by the first instance, used by
// the next, made again when V8 refuses it. Driven as the pool drives it, on a bundle written here.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/stack";
import { tempDir } from "../helpers/tmp";

const WORKER = join(REPO_ROOT, "dev", "stack", "functions", "worker.mjs");

/** A CommonJS bundle that needs what require() gives a module: its file names, a sibling require,
 *  a replaced module.exports. */
function bundle(): string {
  const dir = join(tempDir("cc-fn-"), "fn");
  mkdirSync(dir);
  writeFileSync(join(dir, "helper.js"), "module.exports = { twice: (n) => n * 2 };\n");
  writeFileSync(
    join(dir, "index.js"),
    `"use strict";
const { twice } = require("./helper");
const { basename } = require("node:path");
module.exports = {
  main: async (event) => ({ doubled: twice(event.n), file: basename(__filename), dir: basename(__dirname), self: module.filename === __filename, cached: typeof require.resolve("./helper") }),
};
`,
  );
  return join(dir, "index.js");
}

interface Loaded {
  codeCache?: string;
  result?: unknown;
  loadError?: string;
}

/** One instance: loads, answers one call, ends. */
async function instance(entry: string, codeCacheDir: string | undefined): Promise<Loaded> {
  const worker = new Worker(WORKER, { workerData: { entry, codeCacheDir }, stdout: true, stderr: true });
  try {
    return await new Promise<Loaded>((resolve, reject) => {
      const out: Loaded = {};
      worker.on("error", reject);
      worker.on("message", (m: { type: string; codeCache?: string; result?: unknown; message?: string }) => {
        if (m.type === "loadError") resolve({ loadError: m.message ?? "" });
        if (m.type === "ready") {
          out.codeCache = m.codeCache ?? "";
          worker.postMessage({ id: 1, event: { n: 21 }, context: { function_name: "fn" }, callEnv: {} });
        }
        if (m.type === "result") resolve({ ...out, result: m.result });
        if (m.type === "error") reject(new Error(m.message));
      });
    });
  } finally {
    await worker.terminate();
  }
}

const ANSWER = { doubled: 42, file: "index.js", dir: "fn", self: true, cached: "string" };

describe("function instances and the code cache", () => {
  it("the first instance makes the cache, the next uses it, and both answer the same", async () => {
    const entry = bundle();
    const cache = join(tempDir("cc-dir-"), "code-cache");
    expect(await instance(entry, cache)).toEqual({ codeCache: "made", result: ANSWER });
    expect(readdirSync(cache)).toHaveLength(1);
    expect(await instance(entry, cache)).toEqual({ codeCache: "used", result: ANSWER });
    expect(readdirSync(cache)).toHaveLength(1); // no temporary file left beside it
  });

  it("a cache V8 refuses is made again, and the instance still runs", async () => {
    const entry = bundle();
    const cache = tempDir("cc-dir-");
    await instance(entry, cache);
    const [file] = readdirSync(cache);
    writeFileSync(join(cache, file!), Buffer.alloc(4096, 7));
    expect(await instance(entry, cache)).toEqual({ codeCache: "rejected", result: ANSWER });
    expect(await instance(entry, cache)).toEqual({ codeCache: "used", result: ANSWER });
  });

  it("another bundle text gets its own cache; without a directory the bundle is simply required", async () => {
    const a = bundle();
    const b = bundle();
    writeFileSync(b, `// another build\n${readFileSync(b, "utf8")}`);
    const cache = tempDir("cc-dir-");
    expect((await instance(a, cache)).codeCache).toBe("made");
    expect((await instance(b, cache)).codeCache).toBe("made");
    expect(readdirSync(cache)).toHaveLength(2);
    expect(await instance(a, undefined)).toEqual({ codeCache: "off", result: ANSWER });
  });

  it("a bundle that does not load is a load error, cache or not", async () => {
    const entry = bundle();
    writeFileSync(entry, "module.exports = {};\n");
    const cache = tempDir("cc-dir-");
    expect((await instance(entry, cache)).loadError).toMatch(/does not export main/);
    writeFileSync(entry, "this is not javascript(\n");
    expect((await instance(entry, cache)).loadError).toBeTruthy();
  });
});
