// 发起异常退款 after decryption: where the money goes (user_received_account) and the fingerprint of
// the request, so a repeat answers the same and a different one is refused. Shared by the HTTP route
// and the in-process ledger gateway of the service tests.
import { createHash } from "node:crypto";
import { paramError, type Checked } from "./api-error";
import { canonicalJson } from "./validate";

/** Bank names for the bank_type codes the simulator accepts (a few of WeChat Pay's debit-card list). */
const BANKS: Record<string, string> = {
  CMB_DEBIT: "招商银行",
  ICBC_DEBIT: "工商银行",
  CCB_DEBIT: "建设银行",
  ABC_DEBIT: "农业银行",
  BOC_DEBIT: "中国银行",
  COMM_DEBIT: "交通银行",
  PSBC_DEBIT: "邮储银行",
};

export type AbnormalTargetInput =
  | { type: "MERCHANT_BANK_CARD" }
  | { type: "USER_BANK_CARD"; bankType: string; account: string; name: string };

export function abnormalTarget(v: AbnormalTargetInput): Checked<{ receivedAccount: string; requestKey: string }> {
  if (v.type === "MERCHANT_BANK_CARD") return { ok: true, value: { receivedAccount: "商户基本账户", requestKey: "MERCHANT_BANK_CARD" } };
  const fail = (message: string) => ({ ok: false as const, error: paramError(message) });
  if (!/^\d{8,30}$/.test(v.account)) return fail("bank_account 不是有效的银行卡号");
  const bank = BANKS[v.bankType];
  if (!bank) return fail(`bank_type 不支持：${v.bankType} (the simulator knows ${Object.keys(BANKS).join(", ")})`);
  const requestKey = createHash("sha256")
    .update(canonicalJson({ type: v.type, bank: v.bankType, account: v.account, name: v.name }))
    .digest("hex");
  return { ok: true, value: { receivedAccount: `${bank}借记卡${v.account.slice(-4)}`, requestKey } };
}
