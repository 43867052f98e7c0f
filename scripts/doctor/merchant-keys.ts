// The merchant's key material: apiclient_key.pem parses and belongs to apiclient_cert.pem, the
// certificate is valid and its serial is WECHAT_SERIAL_NO; the WeChat Pay public key (or platform
// certificates) parse and are not the merchant's own.
import { createPublicKey, type KeyObject } from "node:crypto";
import { samePublicKey } from "../../shared/wechatpay/config";
import { parseCertificates, parseRsaPrivateKey, parseRsaPublicKey, sameSerial, type CertificateKey } from "../../shared/wechatpay/keys";
import type { Values } from "../deploy/tcb-config";
import { error, ok, warn, type Finding } from "./findings";
import { day, pemKind, readKeyFiles } from "./key-material";

const EXPIRY_WARNING_DAYS = 30;
const CERT_FIX = "商户平台 → 账户中心 → API安全 → 申请API证书（或更换证书），下载 apiclient_key.pem 与 apiclient_cert.pem";

export function checkMerchantKeys(root: string, values: Values, now: Date): Finding[] {
  const out: Finding[] = [];
  const privateKey = checkPrivateKey(root, values, out);
  const cert = checkMerchantCert(root, values, now, privateKey, out);
  checkSerial(values, cert, out);
  checkWechatpayKeys(root, values, now, privateKey, out);
  return out;
}

function checkPrivateKey(root: string, values: Values, out: Finding[]): KeyObject | undefined {
  if (!(values.WECHAT_PRIVATE_KEY ?? "").trim()) {
    out.push(error("WECHAT_PRIVATE_KEY", "未设置", "在 .env.local 写 WECHAT_PRIVATE_KEY=secrets/apiclient_key.pem"));
    return undefined;
  }
  const pem = readKeyFiles(root, values, "WECHAT_PRIVATE_KEY", out)?.[0];
  if (pem === undefined) return undefined;
  const key = parseRsaPrivateKey(pem);
  if (!key.ok) {
    out.push(
      error(
        "WECHAT_PRIVATE_KEY",
        "无法解析为 2048 位 RSA 私钥（PKCS#8 或 PKCS#1 PEM）",
        `应为商户 API 证书的私钥 apiclient_key.pem；${CERT_FIX}`,
      ),
    );
    return undefined;
  }
  out.push(ok("WECHAT_PRIVATE_KEY", `${pemKind(pem)} RSA 私钥，${key.value.asymmetricKeyDetails?.modulusLength ?? "?"} 位`));
  return key.value;
}

function checkMerchantCert(
  root: string,
  values: Values,
  now: Date,
  privateKey: KeyObject | undefined,
  out: Finding[],
): CertificateKey | undefined {
  if (!(values.WECHAT_MERCHANT_CERT ?? "").trim()) {
    out.push(
      warn(
        "WECHAT_MERCHANT_CERT",
        "未设置：无法核对私钥与证书是否一对、序列号是否正确、证书是否过期",
        "在 .env.local 写 WECHAT_MERCHANT_CERT=secrets/apiclient_cert.pem",
      ),
    );
    return undefined;
  }
  const pem = readKeyFiles(root, values, "WECHAT_MERCHANT_CERT", out)?.[0];
  if (pem === undefined) return undefined;
  const parsed = parseCertificates(pem);
  if (!parsed.ok) {
    out.push(error("WECHAT_MERCHANT_CERT", "无法解析为 X.509 证书", `应为 apiclient_cert.pem；${CERT_FIX}`));
    return undefined;
  }
  const cert = parsed.value[0]!;
  if (cert.notAfter.getTime() <= now.getTime()) {
    out.push(error("WECHAT_MERCHANT_CERT", `商户 API 证书已于 ${day(cert.notAfter)} 过期，微信支付会拒绝签名`, CERT_FIX));
  } else if (cert.notAfter.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * 86_400_000) {
    out.push(warn("WECHAT_MERCHANT_CERT", `商户 API 证书将于 ${day(cert.notAfter)} 过期`, CERT_FIX));
  } else {
    out.push(ok("WECHAT_MERCHANT_CERT", `证书序列号 ${cert.serial}，有效期至 ${day(cert.notAfter)}`));
  }
  if (privateKey && !samePublicKey(createPublicKey(privateKey), cert.publicKey)) {
    out.push(
      error(
        "WECHAT_PRIVATE_KEY",
        "与 apiclient_cert.pem 不是一对（私钥不属于该证书）",
        "使用同一次申请证书得到的 apiclient_key.pem 与 apiclient_cert.pem",
      ),
    );
  }
  return cert;
}

function checkSerial(values: Values, cert: CertificateKey | undefined, out: Finding[]): void {
  const serial = (values.WECHAT_SERIAL_NO ?? "").trim();
  if (!serial) {
    if (cert) out.push(ok("WECHAT_SERIAL_NO", `未设置：云函数启动时从 apiclient_cert.pem 读出（${cert.serial}）`));
    else
      out.push(
        error(
          "WECHAT_SERIAL_NO",
          "未设置，也没有 WECHAT_MERCHANT_CERT 可以读出",
          "写 WECHAT_MERCHANT_CERT=secrets/apiclient_cert.pem（推荐），或商户平台 → API安全 → 管理证书 中的证书序列号",
        ),
      );
    return;
  }
  if (!/^[0-9A-Fa-f]{8,64}$/.test(serial)) {
    out.push(
      error(
        "WECHAT_SERIAL_NO",
        "不是十六进制的证书序列号",
        "删除该行让它从 apiclient_cert.pem 读出，或从商户平台 → API安全 → 管理证书 复制",
      ),
    );
  } else if (cert && !sameSerial(serial, cert.serial)) {
    out.push(
      error(
        "WECHAT_SERIAL_NO",
        `与 apiclient_cert.pem 的序列号（${cert.serial}）不一致：微信支付会以 401 SIGN_ERROR 拒绝每个请求`,
        "删除 WECHAT_SERIAL_NO 让它从证书读出，或改为证书序列号",
      ),
    );
  } else {
    out.push(ok("WECHAT_SERIAL_NO", cert ? "与 apiclient_cert.pem 一致" : "已设置（无证书可核对）"));
  }
}

function checkWechatpayKeys(root: string, values: Values, now: Date, merchantKey: KeyObject | undefined, out: Finding[]): void {
  const id = (values.WECHAT_PUBLIC_KEY_ID ?? "").trim();
  const hasKey = Boolean((values.WECHAT_PUBLIC_KEY ?? "").trim());
  const hasCerts = Boolean((values.WECHAT_PLATFORM_CERTS ?? "").trim());
  const download = (values.WECHAT_PLATFORM_CERTS_DOWNLOAD ?? "").trim() || "auto";
  const PUBKEY_FIX = "商户平台 → 账户中心 → API安全 → 微信支付公钥：下载 pub_key.pem 并复制公钥 ID";
  if (id && !/^PUB_KEY_ID_[0-9A-Za-z_]{1,64}$/.test(id))
    out.push(error("WECHAT_PUBLIC_KEY_ID", "应形如 PUB_KEY_ID_…（微信支付公钥 ID）", PUBKEY_FIX));
  if (id && !hasKey)
    out.push(
      error("WECHAT_PUBLIC_KEY", "设置了 WECHAT_PUBLIC_KEY_ID 却没有公钥文件", `写 WECHAT_PUBLIC_KEY=secrets/pub_key.pem；${PUBKEY_FIX}`),
    );
  if (hasKey && !id) out.push(error("WECHAT_PUBLIC_KEY_ID", "设置了 WECHAT_PUBLIC_KEY 却没有公钥 ID", PUBKEY_FIX));
  if (hasKey) {
    const pem = readKeyFiles(root, values, "WECHAT_PUBLIC_KEY", out)?.[0];
    const key = pem === undefined ? undefined : parseRsaPublicKey(pem);
    if (key && !key.ok) out.push(error("WECHAT_PUBLIC_KEY", "无法解析为 RSA 公钥（pub_key.pem，SPKI PEM）", PUBKEY_FIX));
    else if (key?.ok && merchantKey && samePublicKey(key.value, createPublicKey(merchantKey))) {
      out.push(error("WECHAT_PUBLIC_KEY", "是商户自己的公钥，不是微信支付公钥：通知验签会全部失败", PUBKEY_FIX));
    } else if (key?.ok && id && /^PUB_KEY_ID_/.test(id)) out.push(ok("WECHAT_PUBLIC_KEY", "微信支付公钥可解析（公钥模式）"));
  }
  if (hasCerts) {
    const texts = readKeyFiles(root, values, "WECHAT_PLATFORM_CERTS", out);
    const certs = texts === undefined ? undefined : parseCertificates(texts.join("\n"));
    if (certs && !certs.ok) out.push(error("WECHAT_PLATFORM_CERTS", "含无法解析的证书", "重新下载平台证书，或改用微信支付公钥"));
    else if (certs?.ok) {
      const live = certs.value.filter((c) => c.notAfter.getTime() > now.getTime());
      if (live.length === 0)
        out.push(error("WECHAT_PLATFORM_CERTS", "平台证书都已过期", "允许下载（WECHAT_PLATFORM_CERTS_DOWNLOAD=on）或改用微信支付公钥"));
      else out.push(ok("WECHAT_PLATFORM_CERTS", `${live.length} 张有效平台证书`));
    }
  }
  if (!["auto", "on", "off"].includes(download)) out.push(error("WECHAT_PLATFORM_CERTS_DOWNLOAD", "应为 auto、on 或 off"));
  if (!hasKey && !hasCerts && download === "off") {
    out.push(error("WECHAT_PUBLIC_KEY", "没有任何微信支付验签密钥（公钥、平台证书都未配置，且不下载）", PUBKEY_FIX));
  } else if (!hasKey && !hasCerts) {
    out.push(
      warn(
        "WECHAT_PUBLIC_KEY",
        "未配置微信支付公钥：将从 /v3/certificates 下载平台证书（仅 2024 年前开户的商户可用）",
        `新商户请配置公钥；${PUBKEY_FIX}`,
      ),
    );
  } else if (hasKey && (hasCerts || download === "on")) {
    out.push(ok("WECHAT_PLATFORM_CERTS", "迁移期：微信支付公钥与平台证书并用"));
  }
}
