// One function instance (like one SCF container): loads a built bundle once, then runs one call at a
// time. Plain JS so it runs in a worker thread whatever loader started the stack. Each worker has
// its own process.env copy, so the per-call WX_* variables set here are invisible to other calls.
import { parentPort, workerData } from "node:worker_threads";
import Module, { createRequire } from "node:module";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import vm from "node:vm";

const { entry, codeCacheDir } = workerData;

/** The bundle as require() loads it, compiled with V8's code cache for its exact text when
 *  `codeCacheDir` is set: every instance of a function compiles the same 1–1.5 MB bundle, and a
 *  cached compile takes a fraction of the CPU. Answers how the cache served ("used", "made", or
 *  "rejected" when V8 refused a cache, which is then made again). */
function load() {
  if (!codeCacheDir) return { exports: createRequire(entry)(entry), codeCache: "off" };
  const source = readFileSync(entry, "utf8");
  // Keyed by the text and the Node version (V8 also refuses a cache from another version or flags).
  const key = createHash("sha256").update(`${process.version}\0${process.arch}\0`).update(source).digest("hex").slice(0, 40);
  const file = join(codeCacheDir, `${key}.v8`);
  let cachedData;
  try {
    cachedData = readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: entry, cachedData });
  // A module as require() makes it: its own paths, filename and require.
  const mod = new Module(entry, null);
  mod.filename = entry;
  mod.paths = Module._nodeModulePaths(dirname(entry));
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(entry), mod, entry, dirname(entry));
  mod.loaded = true;
  const codeCache = cachedData === undefined ? "made" : script.cachedDataRejected ? "rejected" : "used";
  if (codeCache !== "used") {
    // After the top level ran, so the functions it compiled are in the cache too. Written beside
    // and renamed: an instance loading meanwhile reads a whole cache or none.
    const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      mkdirSync(codeCacheDir, { recursive: true });
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, file);
    } catch (e) {
      rmSync(tmp, { force: true });
      console.error(`[function] code cache not written: ${e?.message || e}`);
    }
  }
  return { exports: mod.exports, codeCache };
}

let main;
try {
  const loaded = load();
  main = loaded.exports?.main;
  if (typeof main !== "function") throw new Error(`${entry} does not export main`);
  parentPort.postMessage({ type: "ready", codeCache: loaded.codeCache });
} catch (e) {
  parentPort.postMessage({ type: "loadError", message: String(e?.message || e) });
}

/** Keys set for the previous call, removed before the next one. */
let previousKeys = [];

parentPort.on("message", async (msg) => {
  if (!main) return;
  for (const k of previousKeys) delete process.env[k];
  previousKeys = Object.keys(msg.callEnv);
  Object.assign(process.env, msg.callEnv);
  try {
    const value = await main(msg.event, msg.context);
    // Real callFunction answers JSON: same round trip here (drops functions, Dates become strings).
    const result = value === undefined ? null : JSON.parse(JSON.stringify(value));
    parentPort.postMessage({ type: "result", id: msg.id, result });
  } catch (e) {
    console.error(`[function] ${msg.context.function_name} threw:`, e);
    const message = e instanceof Error ? e.message : typeof e === "string" ? e : JSON.stringify(e);
    parentPort.postMessage({ type: "error", id: msg.id, message: String(message) });
  }
});
