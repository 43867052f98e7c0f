// Mini-program pay params signed per second against a bare RSA-SHA256 sign of the same message with
// the same KeyObject, in the same run. Target ≥ 0.9.
import { createSign } from "node:crypto";
import { signPayParams } from "../shared/wechatpay/pay-params";
import { generateTestKeySet } from "../shared/wechatpay/testing";

const ROUND_MS = 1000;
const ROUNDS = 3;

/** Operations per CPU-second of this process (CPU time, so a busy machine does not skew the ratio). */
function measure(op: () => unknown): number {
  const start = performance.now();
  const cpu = process.cpuUsage();
  let n = 0;
  while (performance.now() - start < ROUND_MS) {
    for (let i = 0; i < 10; i++) op();
    n += 10;
  }
  const used = process.cpuUsage(cpu);
  return (n * 1e6) / (used.user + used.system);
}

export async function run(): Promise<void> {
  const keys = generateTestKeySet();
  const prepayId = "wx27201500000000000001";
  const message = `${keys.appid}\n1795000000\nABCDEFGHIJKLMNOPQRSTUVWXYZ012345\nprepay_id=${prepayId}\n`;
  const floor = () => createSign("RSA-SHA256").update(message).sign(keys.merchantPrivateKey, "base64");
  const ours = () => signPayParams(keys.appid, keys.merchantPrivateKey, prepayId);

  measure(floor); // warm-up
  measure(ours);
  let bestFloor = 0;
  let bestOurs = 0;
  for (let r = 0; r < ROUNDS; r++) {
    bestFloor = Math.max(bestFloor, measure(floor));
    bestOurs = Math.max(bestOurs, measure(ours));
  }
  const ratio = bestOurs / bestFloor;
  console.log("== paysign: mini-program pay params signed per CPU-second (one core)");
  console.log(`floor (RSA-SHA256 sign, KeyObject)  ${bestFloor.toFixed(0).padStart(8)} /s`);
  console.log(`payParams (nonce, message, sign)     ${bestOurs.toFixed(0).padStart(8)} /s`);
  console.log(`ratio payParams/floor ${ratio.toFixed(2)} (target ≥ 0.90) ${ratio >= 0.9 ? "OK" : "BELOW TARGET"}`);
}

// Allow `npx tsx bench/paysign.bench.ts` on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
