// The merchant's identifiers and plain settings: environment id, mchid, AppID, APIv3 key, notify
// URL (https, no query, on payNotify's HTTP path), API base.
import type { Values } from "../deploy/tcb-config";
import { error, ok, warn, type Finding } from "./findings";

const OFFICIAL_BASE = "https://api.mch.weixin.qq.com/";

export function checkIds(values: Values, notifyPath: string | undefined): Finding[] {
  const out: Finding[] = [];
  const v = (k: string) => (values[k] ?? "").trim();

  if (!v("TCB_ENV_ID"))
    out.push(
      error(
        "TCB_ENV_ID",
        "未设置：tcb 不知道部署到哪个云开发环境",
        "在 .env.local 写 TCB_ENV_ID=<环境 ID>（云开发控制台 → 环境 → 环境 ID）",
      ),
    );
  else out.push(ok("TCB_ENV_ID", "已设置"));

  const mode = v("PAY_MODE") || "wechatpay";
  if (mode === "mock") return [...out, warn("PAY_MODE", "mock：不连接微信支付，不会真的收款；商户配置不检查")];
  if (mode !== "wechatpay") out.push(error("PAY_MODE", "应为 wechatpay（默认）或 mock"));

  const mchid = v("WECHAT_MCHID");
  if (!mchid) out.push(error("WECHAT_MCHID", "未设置", "商户平台 → 账户中心 → 商户信息 → 微信支付商户号"));
  else if (!/^[0-9]{8,32}$/.test(mchid))
    out.push(error("WECHAT_MCHID", "商户号应为纯数字（通常 10 位）", "商户平台 → 账户中心 → 商户信息 → 微信支付商户号"));
  else out.push(ok("WECHAT_MCHID", "格式正确"));

  const appid = v("WECHAT_APPID");
  const APPID_FIX = "小程序管理后台 → 开发管理 → 开发设置 → AppID；它必须已在商户平台 → 产品中心 → AppID账号管理 与商户号关联";
  if (!appid) out.push(error("WECHAT_APPID", "未设置", APPID_FIX));
  else if (!/^wx[0-9A-Za-z]{16}$/.test(appid))
    out.push(error("WECHAT_APPID", "AppID 应为 wx 加 16 位字母数字（游客 AppID 不能用云开发和支付）", APPID_FIX));
  else out.push(ok("WECHAT_APPID", "格式正确"));

  // Not trimmed: the key is used byte for byte.
  const apiKey = values.WECHAT_API_KEY ?? "";
  const KEY_FIX = "商户平台 → 账户中心 → API安全 → 设置APIv3密钥（32 位字母数字），原样写入 WECHAT_API_KEY";
  const bytes = Buffer.byteLength(apiKey, "utf8");
  if (!apiKey) out.push(error("WECHAT_API_KEY", "未设置", KEY_FIX));
  else if (bytes !== 32)
    out.push(error("WECHAT_API_KEY", `APIv3 密钥应为 32 字节，当前 ${bytes} 字节（注意不是 APIv2 密钥，首尾不要有空格）`, KEY_FIX));
  else out.push(ok("WECHAT_API_KEY", "32 字节"));

  out.push(...checkNotifyUrl(v("WECHAT_NOTIFY_URL"), notifyPath));

  const base = v("WECHAT_PAY_BASE_URL");
  if (base && base.replace(/\/?$/, "/") !== OFFICIAL_BASE)
    out.push(warn("WECHAT_PAY_BASE_URL", "已设置为非正式地址：部署到生产时应删除该行", `正式地址为 ${OFFICIAL_BASE}（不设置即是）`));
  return out;
}

function checkNotifyUrl(text: string, notifyPath: string | undefined): Finding[] {
  const name = "WECHAT_NOTIFY_URL";
  const FIX = `写 https://<云开发环境的 HTTP 访问域名>${notifyPath ?? "/api/payment/notify"}（云开发控制台 → 环境配置 → HTTP 访问服务 可见域名）`;
  if (!text) return [error(name, "未设置", FIX)];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [error(name, "不是完整的 URL", FIX)];
  }
  const out: Finding[] = [];
  if (url.protocol !== "https:") out.push(error(name, "必须是 https：微信支付不会向 http 地址发送通知", FIX));
  if (url.search || url.hash) out.push(error(name, "不能带查询参数或 #：微信支付要求通知地址不带参数", FIX));
  if (text.length > 255) out.push(error(name, "超过 255 个字符", FIX));
  if (notifyPath === undefined)
    out.push(
      error(
        "cloudbaserc.json",
        "没有函数声明 HTTP 访问路径（payNotify 的 path）",
        '在 cloudbaserc.json 的 payNotify 下写 "path": "/api/payment/notify"',
      ),
    );
  else if (url.pathname !== notifyPath)
    out.push(
      error(
        name,
        `路径 ${url.pathname} 与 cloudbaserc.json 中 payNotify 的 HTTP 访问路径 ${notifyPath} 不一致：通知会到不了 payNotify`,
        FIX,
      ),
    );
  if (out.length === 0) out.push(ok(name, `https，路径 ${url.pathname} 即 payNotify 的 HTTP 访问路径`));
  return out;
}
