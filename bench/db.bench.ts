// Database throughput through the real @cloudbase/node-sdk against the local stack (a child process),
// and the stack's per-request overhead next to a bare node:http loopback echo server in the same run.
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { launchStack, signedHeaders, type LocalStack } from "../dev/launch";
import type { StackFile } from "../dev/stack-file";
import { percentile } from "./lib/stats";

const SECONDS_PER_RUN = Number(process.env.BENCH_SECONDS ?? "2");
const ECHO_REQUESTS = 2000;

interface Row {
  op: string;
  concurrency: number;
  ops: number;
  opsPerSec: number;
  p50ms: number;
  p99ms: number;
}

/** Runs `op(worker, i)` from `concurrency` workers for SECONDS_PER_RUN; each worker waits for its answer. */
async function measure(name: string, concurrency: number, op: (worker: number, i: number) => Promise<void>): Promise<Row> {
  const latencies: number[] = [];
  const end = performance.now() + SECONDS_PER_RUN * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_v, w) => {
      for (let i = 0; performance.now() < end; i++) {
        const t = performance.now();
        await op(w, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    op: name,
    concurrency,
    ops: latencies.length,
    opsPerSec: latencies.length / elapsed,
    p50ms: percentile(latencies, 50),
    p99ms: percentile(latencies, 99),
  };
}

/** The SDK's database object, pointed at the stack exactly the way a cloud function's would be. */
async function sdkDatabase(conn: StackFile) {
  Object.assign(process.env, {
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${conn.url}/admin` }),
    TENCENTCLOUD_SECRETID: conn.secretId,
    TENCENTCLOUD_SECRETKEY: conn.secretKey,
    TENCENTCLOUD_RUNENV: "SCF",
    TENCENTCLOUD_REGION: "ap-shanghai",
    SCF_NAMESPACE: "local-env",
  });
  const tcb = (await import("@cloudbase/node-sdk")).default;
  // node-sdk's database typings need skipLibCheck and do not describe results; the bench only
  // checks the fields it reads.
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's query builder types do not chain (see above)
  const db: any = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV as unknown as string }).database();
  return db;
}

/** A bare node:http echo server in its own process, like the stack. */
async function startEcho(): Promise<{ url: string; stop(): void }> {
  const code = `require("node:http").createServer((q,s)=>{const c=[];q.on("data",d=>c.push(d));q.on("end",()=>{const b=Buffer.concat(c);s.writeHead(200,{"content-type":"application/json","content-length":b.length});s.end(b)})}).listen(0,"127.0.0.1",function(){console.log(this.address().port)})`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill("SIGTERM") };
}

/** Mean microseconds per sequential keep-alive POST of `body` to `url` (same signed headers for both). */
async function meanRoundTrip(url: string, body: string, headers: Record<string, string>, n: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(url, { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end(body);
    });
  for (let i = 0; i < 200; i++) await post(); // warm up
  const t = performance.now();
  for (let i = 0; i < n; i++) await post();
  const us = ((performance.now() - t) * 1000) / n;
  agent.destroy();
  return us;
}

export async function run(): Promise<void> {
  let stack: LocalStack | undefined;
  let echo: { url: string; stop(): void } | undefined;
  try {
    stack = await launchStack();
    const db = await sdkDatabase(stack.connection);
    // Like CloudBase, the stack writes only into created collections.
    for (const name of ["bench", "bench_empty"]) await db.createCollection(name);
    const coll = db.collection("bench");
    const rows: Row[] = [];

    for (const c of [1, 32]) {
      const ids: string[][] = Array.from({ length: c }, () => []);
      rows.push(
        await measure("insert", c, async (w, i) => {
          const res = await coll.add({ w, i, status: "PENDING", amount: 100 });
          ids[w]?.push(res.id);
        }),
      );
      rows.push(
        await measure("get by id", c, async (w, i) => {
          const mine = ids[w] ?? [];
          const res = await coll.doc(mine[i % mine.length]).get();
          if (res.data.length !== 1) throw new Error("get: document missing");
        }),
      );
      // Each worker compare-and-sets its own document: version k → k+1, so every attempt must win.
      const casIds = await Promise.all(Array.from({ length: c }, async () => (await coll.add({ v: 0 })).id as string));
      rows.push(
        await measure("CAS update", c, async (w, i) => {
          const res = await coll.where({ _id: casIds[w], v: i }).update({ v: i + 1 });
          if (res.updated !== 1) throw new Error(`CAS lost unexpectedly (worker ${w}, step ${i})`);
        }),
      );
    }

    console.log(`\ndatabase through @cloudbase/node-sdk → local stack (${SECONDS_PER_RUN}s per row)`);
    console.log("op           conc      ops     ops/s   p50 ms   p99 ms");
    for (const r of rows) {
      console.log(
        `${r.op.padEnd(12)} ${String(r.concurrency).padStart(4)} ${String(r.ops).padStart(8)} ${r.opsPerSec.toFixed(0).padStart(9)} ${r.p50ms.toFixed(2).padStart(8)} ${r.p99ms.toFixed(2).padStart(8)}`,
      );
    }

    echo = await startEcho();
    const request = { action: "database.calculateDocument", collectionName: "bench_empty", query: "{}" };
    const wire = JSON.stringify(request);
    // Signed once: the stack verifies every request's signature, so its cost is in the figure.
    const headers = signedHeaders(stack.connection, `${stack.baseUrl}/admin`, request);
    const echoUs = await meanRoundTrip(echo.url, wire, headers, ECHO_REQUESTS);
    const stackUs = await meanRoundTrip(`${stack.baseUrl}/admin`, wire, headers, ECHO_REQUESTS);
    console.log(`\nrequest overhead (sequential keep-alive POSTs, ${ECHO_REQUESTS} each, same body)`);
    console.log(`bare node:http echo     ${echoUs.toFixed(0).padStart(6)} µs/request`);
    console.log(`stack /admin (count)    ${stackUs.toFixed(0).padStart(6)} µs/request`);
    console.log(`ratio stack/echo        ${(stackUs / echoUs).toFixed(2)}x`);
  } finally {
    echo?.stop();
    await stack?.stop();
  }
}

// Allow `npx tsx bench/db.bench.ts` on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
