// One function instance (like one SCF container): loads a built bundle once, then runs one call at a
// time. Plain JS so it runs in a worker thread whatever loader started the stack. Each worker has
// its own process.env copy, so the per-call WX_* variables set here are invisible to other calls.
import { parentPort, workerData } from "node:worker_threads";
import { createRequire } from "node:module";

const { entry } = workerData;
let main;
try {
  const mod = createRequire(entry)(entry);
  main = mod?.main;
  if (typeof main !== "function") throw new Error(`${entry} does not export main`);
  parentPort.postMessage({ type: "ready" });
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
