// Mini-program pay params signed per second against a bare RSA-SHA256 sign of the same message with
// the same KeyObject, in the same run. Target ≥ 0.9.
import { createSign } from "node:crypto";
import { signPayParams } from "../shared/wechatpay/pay-params";
import { generateTestKeySet } from "../shared/wechatpay/testing";
import { pairedRates } from "./lib/cpu";
import { verdict } from "./lib/stats";

export async function run(): Promise<void> {
  const keys = generateTestKeySet();
  const prepayId = "wx27201500000000000001";
  const message = `${keys.appid}\n1795000000\nABCDEFGHIJKLMNOPQRSTUVWXYZ012345\nprepay_id=${prepayId}\n`;
  const floor = () => createSign("RSA-SHA256").update(message).sign(keys.merchantPrivateKey, "base64");
  const ours = () => signPayParams(keys.appid, keys.merchantPrivateKey, prepayId);

  const { floor: bestFloor, ours: bestOurs, ratio } = await pairedRates(floor, ours, 8, 500);
  console.log("== paysign: mini-program pay params signed per CPU-second (one core)");
  console.log(`floor (RSA-SHA256 sign, KeyObject)  ${bestFloor.toFixed(0).padStart(8)} /s`);
  console.log(`payParams (nonce, message, sign)     ${bestOurs.toFixed(0).padStart(8)} /s`);
  console.log(`ratio payParams/floor ${ratio.toFixed(2)} (target ≥ 0.90, median of 8 paired rounds) ${verdict(ratio >= 0.9)}`);
}

// Allow `npx tsx bench/paysign.bench.ts` on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
