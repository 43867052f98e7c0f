// Notifications verified + decrypted per second on one core: our parser against the bare node:crypto
// floor (RSA-SHA256 verify + AES-256-GCM decrypt of the same bytes) in the same run. Target ≥ 0.8.
import { createDecipheriv, createSecretKey, createVerify } from "node:crypto";
import { StaticKeyStore } from "../shared/wechatpay/key-store";
import { createNotificationParser } from "../shared/wechatpay/notification";
import { buildTestNotification, generateTestKeySet } from "../shared/wechatpay/testing";
import { pairedRates } from "./lib/cpu";
import { verdict } from "./lib/stats";

const PAIRS = 12;

export async function run(): Promise<void> {
  const keys = generateTestKeySet();
  const apiV3Key = createSecretKey(Buffer.from(keys.apiV3Key));
  const parser = createNotificationParser({
    apiV3Key,
    keys: new StaticKeyStore(new Map([[keys.wechatpay.serial, keys.wechatpay.publicKey]])),
  });
  const signed = buildTestNotification(keys, keys.wechatpay);
  // As payNotify receives it: the CloudBase HTTP access event (like Node) lower-cases header names.
  const n = { headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])), body: signed.body };
  const check = await parser.parse(n);
  if (!check.ok) throw new Error(`fixture rejected: ${check.code}`);

  // The floor: exactly the cryptography the parser must do, on the same bytes, nothing else.
  const body = Buffer.from(n.body);
  const h = signed.headers;
  const resource = JSON.parse(n.body).resource as { ciphertext: string; nonce: string; associated_data: string };
  const floor = () => {
    const message = Buffer.concat([Buffer.from(`${h["Wechatpay-Timestamp"]}\n${h["Wechatpay-Nonce"]}\n`), body, Buffer.from("\n")]);
    if (!createVerify("RSA-SHA256").update(message).verify(keys.wechatpay.publicKey, h["Wechatpay-Signature"]!, "base64"))
      throw new Error("floor verify");
    const data = Buffer.from(resource.ciphertext, "base64");
    const d = createDecipheriv("aes-256-gcm", apiV3Key, Buffer.from(resource.nonce));
    d.setAuthTag(data.subarray(data.length - 16));
    d.setAAD(Buffer.from(resource.associated_data));
    return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]);
  };
  const ours = () => parser.parse(n);

  const { floor: floorRate, ours: oursRate, ratio } = await pairedRates(floor, ours, PAIRS);
  console.log("== notify: notifications verified + decrypted per CPU-second (one core)");
  console.log(`floor (node:crypto verify + AES-GCM)  ${floorRate.toFixed(0).padStart(8)} /s`);
  console.log(`parser (headers, verify, decrypt, typed event) ${oursRate.toFixed(0).padStart(8)} /s`);
  console.log(`ratio parser/floor ${ratio.toFixed(2)} (median of ${PAIRS} paired rounds) (target ≥ 0.80) ${verdict(ratio >= 0.8)}`);
}

// Allow `npx tsx bench/notify.bench.ts` on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
