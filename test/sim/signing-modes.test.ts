// Public-key mode, platform-certificate mode and the migration mode that alternates both,
// and /v3/certificates as merchants of each kind see it.
import { createPublicKey, X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptResource, Receiver, Sim, verifyWechatpaySignature } from "./harness";

let pubkey: Sim;
let cert: Sim;
let both: Sim;
beforeAll(async () => {
  pubkey = await Sim.start({ signMode: "pubkey" });
  // The same key set in the three modes (keys are reused from the data directory).
  cert = await Sim.start({ signMode: "cert" }, pubkey.dataDir);
  both = await Sim.start({ signMode: "both", timeScale: 0.001 }, pubkey.dataDir);
});
afterAll(async () => {
  await pubkey?.stop();
  await cert?.stop();
  await both?.stop();
});

const query = (s: Sim) => s.call("GET", `/v3/pay/transactions/out-trade-no/MODE_NONE_01?mchid=${s.keys.mchid}`);

describe("signing modes", () => {
  it("pubkey mode: every answer carries the PUB_KEY_ID_ serial; /v3/certificates is 404 like for new merchants", async () => {
    expect(pubkey.keys.wxpayPublicKeyId).toMatch(/^PUB_KEY_ID_/);
    for (let i = 0; i < 3; i++) {
      const r = await query(pubkey);
      expect(verifyWechatpaySignature(r.headers, r.raw, pubkey.trustedKeys())).toEqual({ ok: true, serial: pubkey.keys.wxpayPublicKeyId });
    }
    const c = await pubkey.call("GET", "/v3/certificates");
    expect([c.status, c.json.code]).toEqual([404, "NOT_FOUND"]);
    expect(verifyWechatpaySignature(c.headers, c.raw, pubkey.trustedKeys()).ok).toBe(true);
  });

  it("cert mode: /v3/certificates decrypts to a certificate whose public key verifies the answers", async () => {
    const c = await cert.call("GET", "/v3/certificates");
    expect(c.status).toBe(200);
    const [entry] = c.json.data;
    expect(entry).toMatchObject({
      serial_no: cert.keys.platformSerialNo,
      encrypt_certificate: { algorithm: "AEAD_AES_256_GCM", associated_data: "certificate" },
    });
    expect(entry.effective_time).toMatch(/\+08:00$/);
    const pem = decryptResource(entry.encrypt_certificate, cert.keys.apiV3Key);
    const x509 = new X509Certificate(pem);
    expect(x509.serialNumber).toBe(entry.serial_no);
    expect(x509.verify(x509.publicKey)).toBe(true); // self-signed
    // Trust only what was downloaded: the answer to the download itself and later answers verify.
    const trusted = new Map([[entry.serial_no as string, x509.publicKey]]);
    expect(verifyWechatpaySignature(c.headers, c.raw, trusted).ok).toBe(true);
    const r = await query(cert);
    expect(verifyWechatpaySignature(r.headers, r.raw, trusted)).toEqual({ ok: true, serial: cert.keys.platformSerialNo });
    // The WeChat Pay public key alone does not verify cert-mode answers.
    const onlyPub = new Map([[cert.keys.wxpayPublicKeyId, createPublicKey(cert.keys.wxpayPublicKeyPem)]]);
    expect(verifyWechatpaySignature(r.headers, r.raw, onlyPub).ok).toBe(false);
  });

  it("both mode: answers and notifications alternate the two serials, each verifying with its own key", async () => {
    const serials: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await query(both);
      const v = verifyWechatpaySignature(r.headers, r.raw, both.trustedKeys());
      expect(v.ok).toBe(true);
      serials.push(v.serial);
    }
    expect(new Set(serials)).toEqual(new Set([both.keys.wxpayPublicKeyId, both.keys.platformSerialNo]));
    expect(serials[0]).not.toBe(serials[1]);
    expect(serials[1]).not.toBe(serials[2]);
    expect((await both.call("GET", "/v3/certificates")).status).toBe(200);

    const receiver = await Receiver.start((_r, i) => (i === 0 ? { status: 500 } : { status: 204 }));
    try {
      await both.paidOrder("MODE_BOTH_NOTIFY", receiver.url);
      const got = await receiver.waitFor(2);
      const v = got.map((g) => verifyWechatpaySignature(g.headers, g.raw, both.trustedKeys()));
      expect(v.every((x) => x.ok)).toBe(true);
      expect(v[0]!.serial).not.toBe(v[1]!.serial);
    } finally {
      await receiver.stop();
    }
  });

  it("an unknown serial is what a merchant without that key sees (the key is chosen by serial)", async () => {
    const r = await query(both);
    const withoutIt = both.trustedKeys();
    withoutIt.delete(String(r.headers["wechatpay-serial"]));
    expect(verifyWechatpaySignature(r.headers, r.raw, withoutIt).ok).toBe(false);
  });
});
