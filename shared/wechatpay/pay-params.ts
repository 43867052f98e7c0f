// The mini-program's wx.requestPayment parameters, signed with the merchant key (no network, no plugin).
import type { KeyObject } from "node:crypto";
import type { MiniProgramPayParams } from "../contracts/api";
import { joinLines, makeNonce, signSha256Rsa } from "./signer";

export const PREPAY_PACKAGE_PREFIX = "prepay_id=";

export function signPayParams(
  appid: string,
  merchantPrivateKey: KeyObject,
  prepayId: string,
  now: Date = new Date(),
  nonceStr: string = makeNonce(),
): MiniProgramPayParams {
  // timeStamp must be a string of seconds; a number is refused by wx.requestPayment on devices.
  const timeStamp = String(Math.floor(now.getTime() / 1000));
  const pkg = PREPAY_PACKAGE_PREFIX + prepayId;
  const paySign = signSha256Rsa(joinLines(appid, timeStamp, nonceStr, pkg), merchantPrivateKey);
  return { timeStamp, nonceStr, package: pkg, signType: "RSA", paySign };
}
