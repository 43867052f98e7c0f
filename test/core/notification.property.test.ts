// fast-check: no random input is ever accepted, and nothing escapes as an exception.
import { createSecretKey } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { StaticKeyStore } from "../../shared/wechatpay/key-store";
import { createNotificationParser } from "../../shared/wechatpay/notification";
import { buildTestNotification, generateTestKeySet, type TestKeySet } from "../../shared/wechatpay/testing";
import type { NotificationInput, NotificationParser, NotificationRejectionCode } from "../../shared/wechatpay/types";

const CODES: NotificationRejectionCode[] = [
  "MISSING_HEADER",
  "STALE_TIMESTAMP",
  "UNKNOWN_SERIAL",
  "BAD_SIGNATURE",
  "BAD_BODY",
  "DECRYPT_FAILED",
];

let keys: TestKeySet;
let parser: NotificationParser;
beforeAll(() => {
  keys = generateTestKeySet();
  parser = createNotificationParser({
    apiV3Key: createSecretKey(Buffer.from(keys.apiV3Key)),
    keys: new StaticKeyStore(new Map([[keys.wechatpay.serial, keys.wechatpay.publicKey]])),
  });
});

async function expectRejected(input: NotificationInput): Promise<void> {
  const result = await parser.parse(input); // a throw fails the property
  expect(result.ok).toBe(false);
  if (!result.ok) expect(CODES).toContain(result.code);
}

const headerName = fc.oneof(
  fc.constantFrom(
    "Wechatpay-Timestamp",
    "wechatpay-nonce",
    "WECHATPAY-SERIAL",
    "Wechatpay-Signature",
    "Wechatpay-Signature-Type",
    "Request-ID",
  ),
  fc.string(),
);
const headerValue = fc.oneof(
  fc.string(),
  fc.constant(undefined),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.integer().map(String),
  fc.constant("WECHATPAY/SIGNTEST/AAAA"),
  fc.constant("PUB_KEY_ID_X"),
);

describe("notification parser properties", () => {
  it("rejects arbitrary headers, body and base64 flag with a typed code", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(headerName, headerValue),
        fc.oneof(fc.string(), fc.base64String(), fc.json()),
        fc.boolean(),
        async (headers, body, isBase64Encoded) => {
          await expectRejected({ headers, body, isBase64Encoded });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects inputs of the wrong types without throwing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.anything(), fc.anything(), async (headers, body, flag) => {
        // Deliberately untyped: the parser receives whatever an HTTP trigger hands over.
        await expectRejected({ headers, body, isBase64Encoded: flag } as unknown as NotificationInput);
      }),
      { numRuns: 200 },
    );
    await expectRejected(null as unknown as NotificationInput);
  });

  it("rejects every single-byte change to a valid notification body", async () => {
    const n = buildTestNotification(keys, keys.wechatpay);
    const bytes = Buffer.from(n.body, "utf8");
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.boolean(), async (i, xor, asBase64) => {
        const changed = Buffer.from(bytes);
        changed[i] = changed[i]! ^ xor;
        const body = asBase64 ? changed.toString("base64") : changed.toString("utf8");
        await expectRejected({ headers: n.headers, body, isBase64Encoded: asBase64 });
      }),
      { numRuns: 300 },
    );
  });

  it("rejects a valid body under any changed signature header", async () => {
    const n = buildTestNotification(keys, keys.wechatpay);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial", "Wechatpay-Signature"),
        fc.string(),
        async (name, value) => {
          fc.pre(value.trim() !== n.headers[name]);
          await expectRejected({ headers: { ...n.headers, [name]: value }, body: n.body });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("still accepts the untouched notification (the properties are not vacuous)", async () => {
    const n = buildTestNotification(keys, keys.wechatpay);
    expect((await parser.parse(n)).ok).toBe(true);
    expect((await parser.parse({ headers: n.headers, body: Buffer.from(n.body).toString("base64"), isBase64Encoded: true })).ok).toBe(true);
  });
});
