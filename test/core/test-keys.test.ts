// The key pairs tests draw (shared/wechatpay/testing.ts) come from the run's pool, made once at the
// start of the run (test/helpers/global-setup.ts, key-pool.ts): distinct within a file, never a dev key.
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, inject, it } from "vitest";
import { KEY_FILES } from "../../dev/keys";
import { generateTestKeySet, testRsaKeyPair, useTestKeyPool } from "../../shared/wechatpay/testing";

const pkcs8 = (k: ReturnType<typeof testRsaKeyPair>["privateKey"]) => k.export({ type: "pkcs8", format: "pem" }).toString();

it("a file's draws are the pool's keys, distinct until the pool is used up, then again from the start", () => {
  const pool = inject("rsaKeyPool");
  expect(pool.length).toBeGreaterThanOrEqual(4);
  useTestKeyPool(pool);
  const drawn = pool.map(() => pkcs8(testRsaKeyPair().privateKey));
  expect(new Set(drawn).size).toBe(pool.length);
  for (const pem of drawn) expect(pool).toContain(pem);
  expect(pkcs8(testRsaKeyPair().privateKey)).toBe(drawn[0]);
  // A key set takes its keys from the pool too.
  useTestKeyPool(pool);
  const set = generateTestKeySet();
  expect([set.merchantPrivateKeyPem, pkcs8(set.wechatpay.privateKey)]).toEqual([pool[0], pool[1]]);
  expect(createPrivateKey(pool[0]!).asymmetricKeyDetails?.modulusLength).toBe(2048);
});

it("no pool key is one of the dev keys every stack and simulator of the run uses", () => {
  const dir = join(inject("devKeysTemplate"), "keys");
  const dev = [KEY_FILES.merchantPrivateKey, KEY_FILES.wxpayPrivateKey, KEY_FILES.platformPrivateKey].map((f) =>
    pkcs8(createPrivateKey(readFileSync(join(dir, f), "utf8"))),
  );
  for (const pem of inject("rsaKeyPool")) expect(dev).not.toContain(pem);
});

it("without a pool a new key pair is generated", () => {
  useTestKeyPool([]);
  try {
    const a = testRsaKeyPair();
    expect(inject("rsaKeyPool")).not.toContain(pkcs8(a.privateKey));
  } finally {
    useTestKeyPool(inject("rsaKeyPool"));
  }
});
