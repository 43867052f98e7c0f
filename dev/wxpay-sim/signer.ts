// Signs what the simulator sends (answers and notifications) as WeChat Pay does: with the
// WeChat Pay public-key key (serial PUB_KEY_ID_…), the platform certificate key (hex serial),
// or both in turn, as merchants migrating between the two modes see it.
import { createPrivateKey, type KeyObject } from "node:crypto";
import { randomNonce, rsaSign, responseMessage } from "./crypto";

export type SignMode = "pubkey" | "cert" | "both";

export const SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048";

export interface SigningKey {
  serial: string;
  key: KeyObject;
}

export interface SignedHeaders {
  "Wechatpay-Timestamp": string;
  "Wechatpay-Nonce": string;
  "Wechatpay-Serial": string;
  "Wechatpay-Signature": string;
  "Wechatpay-Signature-Type": string;
}

export class ResponseSigner {
  private readonly keys: SigningKey[];
  private turn = 0;

  constructor(
    mode: SignMode,
    pubkey: { id: string; privateKeyPem: string },
    cert: { serial: string; privateKeyPem: string },
    private readonly nowMs: () => number,
  ) {
    const pk = { serial: pubkey.id, key: createPrivateKey(pubkey.privateKeyPem) };
    const ck = { serial: cert.serial, key: createPrivateKey(cert.privateKeyPem) };
    this.keys = mode === "pubkey" ? [pk] : mode === "cert" ? [ck] : [pk, ck];
  }

  /** Signs `body` with the next key in turn. `tamper` yields a well-formed but wrong signature. */
  sign(body: Buffer, opts: { tamper?: boolean; signtest?: boolean } = {}): SignedHeaders {
    const signing = this.keys[this.turn++ % this.keys.length]!;
    const timestamp = String(Math.floor(this.nowMs() / 1000));
    const nonce = randomNonce(32);
    let signature: string;
    if (opts.signtest) {
      // WeChat Pay's probe: a signature that can never verify, marked as such.
      signature = "WECHATPAY/SIGNTEST/" + rsaSign(responseMessage(timestamp, nonce, Buffer.from(randomNonce(16))), signing.key);
    } else {
      const signed = opts.tamper ? Buffer.concat([body, Buffer.from(" ")]) : body;
      signature = rsaSign(responseMessage(timestamp, nonce, signed), signing.key);
    }
    return {
      "Wechatpay-Timestamp": timestamp,
      "Wechatpay-Nonce": nonce,
      "Wechatpay-Serial": signing.serial,
      "Wechatpay-Signature": signature,
      "Wechatpay-Signature-Type": SIGNATURE_TYPE,
    };
  }
}
