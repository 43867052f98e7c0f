// A pool of worker-thread instances for one function, like SCF: one call at a time per instance,
// warm instances are reused, new ones start on demand up to a cap, a timed-out instance is killed.
import { Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";

const WORKER_FILE = fileURLToPath(new URL("./worker.mjs", import.meta.url));

export type Outcome = { ok: true; result: unknown } | { ok: false; kind: "error" | "timeout" | "crash" | "load"; message: string };

/** How an instance's load used the code cache (worker.mjs). */
export type CodeCacheUse = "used" | "made" | "rejected" | "off";

export interface CallMessage {
  event: unknown;
  context: Record<string, unknown>;
  callEnv: Record<string, string>;
}

interface Instance {
  worker: Worker;
  ready: Promise<string | null>; // null when loaded, else the load error
  dead: boolean;
}

export class FunctionPool {
  private readonly idle: Instance[] = [];
  private readonly all = new Set<Instance>();
  private readonly waiting: ((inst: Instance) => void)[] = [];
  private size = 0;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly entry: string,
    private readonly env: Record<string, string>,
    private readonly maxInstances: number,
    /** Where compiled bundles are cached (worker.mjs); undefined: plain require(). */
    private readonly codeCacheDir: string | undefined,
    /** Told how each instance's load used the cache. */
    private readonly onLoaded: (use: CodeCacheUse) => void = () => {},
  ) {}

  async invoke(call: CallMessage, timeoutMs: number): Promise<Outcome> {
    const inst = await this.acquire();
    const loadError = await inst.ready;
    if (loadError !== null) {
      this.discard(inst);
      return { ok: false, kind: "load", message: `function failed to load: ${loadError}` };
    }
    const outcome = await this.run(inst, call, timeoutMs);
    if (outcome.ok || outcome.kind === "error") this.release(inst);
    else this.discard(inst);
    return outcome;
  }

  private run(inst: Instance, call: CallMessage, timeoutMs: number): Promise<Outcome> {
    const id = this.nextId++;
    return new Promise<Outcome>((resolve) => {
      const finish = (o: Outcome) => {
        clearTimeout(timer);
        inst.worker.off("message", onMessage);
        inst.worker.off("error", onError);
        inst.worker.off("exit", onExit);
        resolve(o);
      };
      const onMessage = (m: { type: string; id?: number; result?: unknown; message?: string }) => {
        if (m.id !== id) return;
        if (m.type === "result") finish({ ok: true, result: m.result });
        else finish({ ok: false, kind: "error", message: m.message ?? "function failed" });
      };
      // An uncaught error ends the worker; its 'exit' comes after every message it posted, so a
      // result posted just before a stray exception still wins (the 'error' event can overtake it).
      let crash: string | undefined;
      const onError = (e: Error) => {
        crash = e.message;
      };
      const onExit = (code: number) =>
        finish({ ok: false, kind: "crash", message: crash ? `instance crashed: ${crash}` : `instance exited with code ${code}` });
      const timer = setTimeout(
        () => finish({ ok: false, kind: "timeout", message: `function timed out after ${timeoutMs} ms` }),
        timeoutMs,
      );
      inst.worker.on("message", onMessage);
      inst.worker.on("error", onError);
      inst.worker.on("exit", onExit);
      inst.worker.postMessage({ id, ...call });
    });
  }

  private acquire(): Promise<Instance> {
    const warm = this.idle.pop();
    if (warm) return Promise.resolve(warm);
    if (this.size < this.maxInstances) return Promise.resolve(this.spawn());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(inst: Instance): void {
    if (inst.dead) {
      this.discard(inst);
      return;
    }
    if (this.closed) {
      void inst.worker.terminate();
      return;
    }
    const next = this.waiting.shift();
    if (next) next(inst);
    else this.idle.push(inst);
  }

  private discard(inst: Instance): void {
    this.size--;
    this.all.delete(inst);
    void inst.worker.terminate();
    // Someone may be waiting for an instance slot that just freed up.
    const next = this.waiting.shift();
    if (next && !this.closed) next(this.spawn());
  }

  private spawn(): Instance {
    this.size++;
    const worker = new Worker(WORKER_FILE, {
      workerData: { entry: this.entry, codeCacheDir: this.codeCacheDir },
      env: this.env,
      stdout: true,
      stderr: true,
    });
    // Function logs go to the stack's stderr: stdout carries only the `ready` line.
    // Forwarded by listeners on the worker's streams: pipe() would add listeners to
    // process.stderr for every instance (MaxListenersExceededWarning past ten).
    const forward = (chunk: Buffer) => process.stderr.write(chunk);
    worker.stdout.on("data", forward);
    worker.stderr.on("data", forward);
    const ready = new Promise<string | null>((resolve) => {
      const onMessage = (m: { type: string; message?: string; codeCache?: CodeCacheUse }) => {
        if (m.type === "ready") {
          this.onLoaded(m.codeCache ?? "off");
          done(null);
        } else if (m.type === "loadError") done(m.message ?? "unknown load error");
      };
      const onError = (e: Error) => done(e.message);
      const onExit = (code: number) => done(`instance exited with code ${code} while loading`);
      const done = (v: string | null) => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        resolve(v);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
    });
    const inst: Instance = { worker, ready, dead: false };
    this.all.add(inst);
    // An instance can die between calls (e.g. a stray rejection after main returned): forget it so
    // no call is ever sent to a dead worker.
    // An uncaught error always ends the worker, so it is forgotten at once: between its 'error' and
    // its 'exit' it must not be handed the next call.
    const forget = () => {
      inst.dead = true;
      const i = this.idle.indexOf(inst);
      if (i >= 0) {
        this.idle.splice(i, 1);
        this.size--;
        this.all.delete(inst);
      }
    };
    // Without a permanent listener an 'error' between calls would crash the whole stack.
    worker.on("error", (e) => {
      forget();
      console.error(`[function] instance of ${this.entry} died: ${e.message}`);
    });
    worker.once("exit", forget);
    return inst;
  }

  get instances(): number {
    return this.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.idle.length = 0;
    const all = [...this.all];
    this.all.clear();
    await Promise.all(all.map((i) => i.worker.terminate()));
  }
}
