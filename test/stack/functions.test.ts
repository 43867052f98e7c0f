// The function host, HTTP access routes and timers, driven through a stack that reads a test
// cloudbaserc.json (fixture functions with env placeholders, a route and a timer trigger), with its
// timers on. Only `sleep` keeps its declared timeout (1 s): the others are load-proof.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { until } from "../helpers/poll";
import { tempDir } from "../helpers/tmp";
import { FIXTURES_CONFIG, loadProofConfig, startTestStack, type TestStack } from "../helpers/stack";

interface WhoAmI {
  before: { openid?: string; appid?: string; unionid?: string };
  after: { openid?: string; appid?: string; unionid?: string };
  env: { source?: string; envId?: string };
  eventUserInfo: { appId: string; openId: string } | null;
  tag: number | null;
  envVars: Record<string, string | null>;
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    configPath: loadProofConfig(FIXTURES_CONFIG, ["sleep"]),
    env: { STACK_TEST_VALUE: "from-env" },
    timers: true,
    trains: false,
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe("POST /functions/<name>", () => {
  it("100 concurrent calls with different x-wx-openid each see their own identity", async () => {
    const calls = Array.from({ length: 100 }, (_v, i) =>
      stack.call<WhoAmI>("whoami", { tag: i }, { openid: `openid-${i}`, appid: `wxapp${i % 3}`, unionid: `union-${i}` }),
    );
    const answers = await Promise.all(calls);
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expect(a.result.tag).toBe(i);
      expect(a.result.before).toEqual({ openid: `openid-${i}`, appid: `wxapp${i % 3}`, unionid: `union-${i}` });
      expect(a.result.after).toEqual(a.result.before);
      expect(a.result.eventUserInfo).toEqual({ appId: `wxapp${i % 3}`, openId: `openid-${i}` });
    });
    const stats = (await stack.get("/dev/stats")).json as {
      functions: { byFunction: Record<string, number>; codeCache: Record<"used" | "made" | "rejected" | "off", number> };
    };
    expect(stats.functions.byFunction.whoami).toBeGreaterThanOrEqual(100);
    // Every instance compiled its bundle through the stack's code cache (on by default).
    const cc = stats.functions.codeCache;
    expect(cc.off).toBe(0);
    expect(cc.used + cc.made + cc.rejected).toBeGreaterThanOrEqual(1);
  });

  it("a call without identity sees none, even on an instance that served someone before", async () => {
    const a = await stack.call<WhoAmI>("whoami", {});
    expect(a.status).toBe(200);
    expect(a.result.after).toEqual({});
    expect(a.result.eventUserInfo).toBeNull();
  });

  it("envVariables from cloudbaserc: placeholders resolved, unresolved ones unset", async () => {
    const a = await stack.call<WhoAmI>(
      "whoami",
      { showEnv: "FROM_PLACEHOLDER,PREFIXED,UNRESOLVED,LITERAL,SCF_NAMESPACE,TENCENTCLOUD_RUNENV" },
      { openid: "env-check" },
    );
    expect(a.result.envVars).toEqual({
      FROM_PLACEHOLDER: "from-env",
      PREFIXED: "pre-from-env",
      UNRESOLVED: null,
      LITERAL: "literal",
      SCF_NAMESPACE: "local-env",
      TENCENTCLOUD_RUNENV: "SCF",
    });
    expect(a.result.env).toEqual({ envId: "local-env", source: "wx_client" });
  });

  it("a function that throws answers 500 { errCode, errMsg }", async () => {
    const a = await stack.call("sleep", { fail: "boom-42" });
    expect(a.status).toBe(500);
    expect(a.errCode).toBe(-504002);
    expect(a.errMsg).toContain("boom-42");
    // the instance survives a thrown error
    expect((await stack.call("sleep", { ms: 1 })).status).toBe(200);
  });

  it("the declared timeout applies (sleep declares 1 s): 500, and the next call works", async () => {
    const started = Date.now();
    const a = await stack.call("sleep", { ms: 30_000 });
    expect(a.status).toBe(500);
    expect(a.errCode).toBe(-504003);
    expect(a.errMsg).toMatch(/timed out after 1000 ms/);
    expect(Date.now() - started).toBeLessThan(20_000); // answered at the timeout, not after the sleep
    expect((await stack.call("sleep", { ms: 1 })).result).toEqual({ slept: 1 });
  });

  it("an instance that crashes after answering is replaced; the next call works", async () => {
    const died = () =>
      stack
        .stderr()
        .split("\n")
        .filter((l) => l.includes("instance of") && l.includes("died")).length;
    const dir = tempDir("crash-");
    for (let round = 0; round < 3; round++) {
      const before = died();
      const trigger = join(dir, `crash-${round}`);
      expect((await stack.call("sleep", { crashWhen: trigger })).status).toBe(200);
      writeFileSync(trigger, "");
      await until(`instance crash ${round + 1} reported`, () => died() > before);
    }
    expect((await stack.call("sleep", { ms: 2 })).result).toEqual({ slept: 2 });
  });

  it("an unknown function is 404", async () => {
    const a = await stack.call("noSuchFunction", {});
    expect(a.status).toBe(404);
    expect(a.errCode).toBe(-501000);
    expect((await stack.call("../etc", {})).status).toBe(404);
  });

  it("a malformed or non-object body is 400 and the function never runs", async () => {
    const calls = async () =>
      ((await stack.get("/dev/stats")).json as { functions: { byFunction: Record<string, number> } }).functions.byFunction.whoami;
    const before = await calls();
    const bad = await stack.post("/functions/whoami", "{not json", { "content-type": "application/json" });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ errCode: -501007, code: "INVALID_JSON" });
    const arr = await stack.post("/functions/whoami", [1, 2]);
    expect(arr.status).toBe(400);
    expect(await calls()).toBe(before);
  });
});

describe("HTTP access route (cloudbaserc path)", () => {
  it("delivers the integration event and maps the JSON answer", async () => {
    const res = await stack.post("/test/echo/sub?x=1&y=two", '{"hello":"世界"}', {
      "X-Custom-Header": "Abc",
      "content-type": "application/json",
    });
    expect(res.status).toBe(200);
    const { event } = res.json as { event: Record<string, unknown> };
    expect(event).toMatchObject({
      path: "/test/echo/sub",
      httpMethod: "POST",
      queryStringParameters: { x: "1", y: "two" },
      body: '{"hello":"世界"}',
      isBase64Encoded: false,
    });
    expect(event.headers).toMatchObject({ "x-custom-header": "Abc", "content-type": "application/json" });
    expect(event.requestContext).toMatchObject({ httpMethod: "POST", path: "/test/echo/sub" });
  });

  it("delivers a non-UTF-8 body base64-encoded", async () => {
    const raw = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const res = await stack.post("/test/echo", raw, { "content-type": "application/octet-stream" });
    const { event } = res.json as { event: { body: string; isBase64Encoded: boolean } };
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body, "base64").equals(raw)).toBe(true);
  });

  it("maps statusCode, headers and a base64 body back to HTTP", async () => {
    const res = await fetch(`${stack.baseUrl}/test/echo?mode=binary`);
    expect(res.status).toBe(202);
    expect(res.headers.get("x-probe")).toBe("yes");
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from([0, 255, 1, 254]))).toBe(true);
  });

  it("a plain (non-integration) return value is answered as JSON", async () => {
    const res = await stack.get("/test/echo?mode=plain");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ plain: true });
  });

  it("paths that are no route are 404", async () => {
    expect((await stack.get("/test/echoes")).status).toBe(404);
  });
});

describe("timers", () => {
  it("POST /timers/<fn> runs the function now with a CloudBase timer event", async () => {
    const res = await stack.post("/timers/tick", "");
    expect(res.status).toBe(200);
    const { result } = res.json as { result: { event: Record<string, unknown> } };
    expect(result.event).toMatchObject({ Type: "Timer", TriggerName: "everySecond", Message: "" });
    expect(String(result.event.Time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await stack.post("/timers/noSuchFunction", "")).status).toBe(404);
  });
});

describe("timers on schedule", () => {
  it("a 7-field cron trigger fires on its schedule when timers are on", async () => {
    const ticks = async () =>
      ((await stack.get("/dev/stats")).json as { functions: { byFunction: Record<string, number> } }).functions.byFunction.tick ?? 0;
    const before = await ticks();
    // Every second: two more runs, however long this machine takes to show them.
    await until("two scheduled ticks", async () => (await ticks()) >= before + 2);
  });
});
