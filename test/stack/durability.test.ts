// An acknowledged write survives kill -9: write N documents through the SDK, SIGKILL the stack,
// start it again on the same DATA_DIR, and every document is there.
import { afterAll, expect, it } from "vitest";
import { FIXTURES_CONFIG, loadProofConfig, startTestStack, type TestStack } from "../helpers/stack";
import { dataDirWithKeys } from "../helpers/tmp";

const dataDir = dataDirWithKeys("stack-durability-");
const configPath = loadProofConfig(FIXTURES_CONFIG);
let second: TestStack | undefined;
afterAll(async () => {
  await second?.stop();
});

it("every acknowledged document is present after kill -9 and restart", async () => {
  const first = await startTestStack({ dataDir, configPath, trains: false });
  for (const coll of ["durable", "durable_cas"]) await first.call("sdkprobe", { sdk: "node", op: "createCollection", coll });
  const N = 200;
  // Several writers at once, each waiting for its acknowledgement before the next write. Many short
  // calls rather than a few long ones: each must finish within the fixture's 3 s timeout, however
  // loaded the machine (calls beyond the 8 instances queue, and queueing does not count).
  const names = Array.from({ length: 20 }, (_v, k) => `w${k}`);
  const perWriter = N / names.length;
  const writers = await Promise.all(
    names.map((w) =>
      first.call<{ ok: { written: number } }>("sdkprobe", { sdk: "node", op: "addMany", coll: "durable", id: w, n: perWriter }),
    ),
  );
  for (const w of writers) expect(w.result?.ok?.written, JSON.stringify(w.body)).toBe(perWriter);
  // A CAS acknowledged just before the kill must survive too.
  await first.call("sdkprobe", { sdk: "wx", op: "add", coll: "durable_cas", doc: { _id: "o", status: "PENDING" } });
  const cas = await first.call<{ ok: { updated: number[] } }>("sdkprobe", { sdk: "wx", op: "cas", coll: "durable_cas", id: "o", n: 5 });
  expect(cas.result.ok.updated.filter((u) => u === 1)).toHaveLength(1);
  await first.kill("SIGKILL");

  second = await startTestStack({ dataDir, configPath, trains: false });
  const counted = await second.call<{ ok: { total: number } }>("sdkprobe", { sdk: "node", op: "count", coll: "durable", where: {} });
  expect(counted.result.ok.total).toBe(N);
  const some = await second.call<{ ok: { data: { _id: string; i: number }[] } }>("sdkprobe", {
    sdk: "node",
    op: "query",
    coll: "durable",
    where: {},
    orderBy: [["_id", "asc"]],
    limit: 1000,
  });
  const ids = new Set(some.result.ok.data.map((d) => d._id));
  for (const w of names) for (let i = 0; i < perWriter; i++) expect(ids.has(`${w}-${i}`)).toBe(true);
  const o = await second.call<{ ok: { data: { status: string }[] } }>("sdkprobe", { sdk: "node", op: "get", coll: "durable_cas", id: "o" });
  expect(o.result.ok.data[0]?.status).toBe("PAID");
});
