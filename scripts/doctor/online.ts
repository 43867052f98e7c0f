// `npm run doctor -- --online`: one signed read-only request to WeChat Pay (query an order that
// cannot exist: 404 ORDER_NOT_EXIST proves mchid, private key and serial; 401 SIGN_ERROR names them),
// the answer's signature checked with the configured WeChat Pay key, and the platform certificates
// downloaded where the configuration downloads them.
import { randomBytes } from "node:crypto";
import type { WechatPayConfig } from "../../shared/wechatpay/config";
import { readSignatureHeaders } from "../../shared/wechatpay/headers";
import { signedGet } from "../../shared/wechatpay/signed-request";
import { createKeyStore, type WechatpayKeys } from "../../shared/wechatpay/key-setup";
import { verifyMessage } from "../../shared/wechatpay/message-verifier";
import type { Values } from "../deploy/tcb-config";
import { error, ok, warn, type Finding } from "./findings";

export interface OnlineContext {
  root: string;
  values: Values;
  config: WechatPayConfig;
  /** One key store for every check, so platform certificates are downloaded once. */
  keys: WechatpayKeys;
}

export type OnlineCheck = (ctx: OnlineContext) => Promise<Finding[]>;

const SIGN_FIX =
  "WECHAT_PRIVATE_KEY 应是 apiclient_key.pem，WECHAT_SERIAL_NO 应是同一证书的序列号（或删掉让它从 apiclient_cert.pem 读出），证书未在商户平台作废，WECHAT_MCHID 是该证书所属商户号";

export async function checkCertificateDownload(ctx: OnlineContext): Promise<Finding[]> {
  const store = ctx.keys.certStore;
  if (!store) return [ok("平台证书", "公钥模式：无需下载平台证书")];
  const r = await store.refreshIfDue();
  if (r.ok) return [ok("平台证书", `已从 /v3/certificates 下载并验证 ${r.count} 张平台证书（APIv3 密钥可解密）`)];
  if (/decrypt/.test(r.reason))
    return [
      error(
        "WECHAT_API_KEY",
        "平台证书无法用 APIv3 密钥解密：APIv3 密钥不对",
        "商户平台 → API安全 → 设置APIv3密钥，重新设置后写入 WECHAT_API_KEY",
      ),
    ];
  if (/HTTP 404/.test(r.reason))
    return [
      error(
        "WECHAT_PLATFORM_CERTS_DOWNLOAD",
        "没有可下载的平台证书（2024 年后开户的商户只有微信支付公钥）",
        "设 WECHAT_PLATFORM_CERTS_DOWNLOAD=off，并配置 WECHAT_PUBLIC_KEY_ID 与 WECHAT_PUBLIC_KEY",
      ),
    ];
  if (/HTTP 401/.test(r.reason)) return [error("WECHAT_PRIVATE_KEY / WECHAT_SERIAL_NO", "下载平台证书被拒绝（401）", SIGN_FIX)];
  return [error("平台证书", `下载失败（${r.reason}）`)];
}

export async function checkSignedQuery(ctx: OnlineContext): Promise<Finding[]> {
  const { config } = ctx;
  const outTradeNo = "DOCTOR" + randomBytes(8).toString("hex");
  const call = await signedGet(config, `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${encodeURIComponent(config.mchid)}`);
  if (!call.ok)
    return [error("WECHAT_PAY_BASE_URL", `连接微信支付失败（${call.reason}）`, "检查网络与代理；正式环境不要设置 WECHAT_PAY_BASE_URL")];
  const { status, headers, body } = call.response;
  const answer = parseAnswer(body);
  const said = `${status} ${answer.code ?? ""}${answer.message ? `：${answer.message}` : ""}`.trim();
  if (status === 401) return [error("WECHAT_PRIVATE_KEY / WECHAT_SERIAL_NO", `微信支付拒绝了请求签名（${said}）`, SIGN_FIX)];
  if (status !== 404 || answer.code !== "ORDER_NOT_EXIST") {
    return [
      error(
        "WECHAT_MCHID",
        `查询测试订单得到 ${said}，预期 404 ORDER_NOT_EXIST`,
        "确认商户号与证书属于同一商户，且该商户已开通 JSAPI 支付",
      ),
    ];
  }
  const out = [ok("WECHAT_PRIVATE_KEY / WECHAT_SERIAL_NO", "微信支付接受了请求签名（查询不存在的订单得到 404 ORDER_NOT_EXIST）")];
  const sig = readSignatureHeaders(headers);
  if (!sig.ok) return [...out, warn("WECHAT_PUBLIC_KEY", `应答没有 ${sig.missing}，无法核对微信支付公钥`)];
  const check = await verifyMessage(headers, body, ctx.keys.keys, new Date());
  if (check.ok)
    return [
      ...out,
      ok(sig.value.serial.startsWith("PUB_KEY_ID_") ? "WECHAT_PUBLIC_KEY" : "平台证书", `应答签名已验证（${sig.value.serial}）`),
    ];
  if (check.code === "UNKNOWN_SERIAL") {
    return [
      ...out,
      error(
        "WECHAT_PUBLIC_KEY_ID",
        `应答由 ${sig.value.serial} 签名，本地没有这把微信支付公钥或平台证书`,
        "商户平台 → API安全 → 微信支付公钥：核对公钥 ID 并重新下载 pub_key.pem",
      ),
    ];
  }
  if (check.code === "STALE_TIMESTAMP") return [...out, error("本机时间", "与微信支付相差超过 5 分钟", "校准系统时间（NTP）")];
  return [
    ...out,
    error(
      "WECHAT_PUBLIC_KEY",
      `应答签名用 ${sig.value.serial} 验证失败：公钥文件与公钥 ID 不是一对`,
      "重新下载 pub_key.pem，并核对 WECHAT_PUBLIC_KEY_ID",
    ),
  ];
}

function parseAnswer(body: Buffer): { code?: string; message?: string } {
  try {
    const j = JSON.parse(body.toString("utf8")) as { code?: unknown; message?: unknown };
    return {
      ...(typeof j.code === "string" ? { code: j.code } : {}),
      ...(typeof j.message === "string" ? { message: j.message.slice(0, 200) } : {}),
    };
  } catch {
    return {};
  }
}

/** Run in order. Issue 14 adds its database check (TCB_ENV_ID and credentials, read-only) here. */
export const ONLINE_CHECKS: OnlineCheck[] = [checkCertificateDownload, checkSignedQuery];

export function onlineContext(root: string, values: Values, config: WechatPayConfig): OnlineContext {
  return { root, values, config, keys: createKeyStore(config) };
}

export async function runOnlineChecks(ctx: OnlineContext, checks: readonly OnlineCheck[] = ONLINE_CHECKS): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const check of checks) out.push(...(await check(ctx)));
  return out;
}
