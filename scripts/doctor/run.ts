// npm run doctor: every check, in the order a developer fixes things. Returns the findings; the CLI
// (scripts/doctor.ts) prints them and sets the exit code.
import { join } from "node:path";
import { parsePayConfig } from "../../shared/wechatpay/config";
import { readRawConfig, tcbValues, toConfig, type Values } from "../deploy/tcb-config";
import { checkBuild, checkGitIgnored, checkRendering } from "./deploy-checks";
import { error, warn, type Finding } from "./findings";
import { checkIds } from "./merchant-ids";
import { checkMerchantKeys } from "./merchant-keys";
import { checkPassengerKey } from "./passenger-key";
import { checkSubscribeTemplates } from "./subscribe-templates";
import { onlineContext, runOnlineChecks, type OnlineCheck } from "./online";

export interface DoctorOptions {
  /** Where .env / .env.local, the key files and the build are (the repository). */
  root: string;
  /** cloudbaserc.json (default: root's). */
  configPath?: string;
  online?: boolean;
  /** Online checks to run instead of ONLINE_CHECKS. */
  onlineChecks?: readonly OnlineCheck[];
  now?: Date;
}

export async function runDoctor(opts: DoctorOptions): Promise<Finding[]> {
  const root = opts.root;
  const raw = readRawConfig(opts.configPath ?? join(root, "cloudbaserc.json"));
  const values = tcbValues(root);
  const notifyPath = toConfig(raw).functions.find((f) => f.name === "payNotify")?.path;
  const findings: Finding[] = [...checkIds(values, notifyPath)];
  const demo = (values.PAY_MODE ?? "").trim() === "mock";
  if (!demo) findings.push(...checkMerchantKeys(root, values, opts.now ?? new Date()));
  findings.push(...checkPassengerKey(values));
  const rendering = await checkRendering(raw, root, values);
  findings.push(...rendering.findings);
  if (rendering.rendered) findings.push(...checkBuild(rendering.rendered, raw, root, values));
  findings.push(...checkGitIgnored(root, values));
  findings.push(...checkSubscribeTemplates(values));
  if (!demo) findings.push(...startupCheck(root, values, findings));
  if (opts.online) findings.push(...(await online(root, values, opts.onlineChecks)));
  return findings;
}

/** What a function would refuse at cold start and no check above named: reported as the function
 *  would (its own English reason), so the doctor never passes a setup the functions reject. */
function startupCheck(root: string, values: Values, findings: Finding[]): Finding[] {
  const parsed = parsePayConfig(values, { keyFileDirs: [root] });
  if (parsed.ok) return [];
  const named = new Set(findings.filter((f) => f.level === "error").flatMap((f) => f.subject.split(" / ")));
  return parsed.error.issues
    .filter((i) => !named.has(i.variable))
    .map((i) => error(i.variable, `云函数启动时会拒绝：${i.variable} ${i.reason}`));
}

/** Runs whenever the functions could start with this configuration (other errors may remain). */
async function online(root: string, values: Values, checks?: readonly OnlineCheck[]): Promise<Finding[]> {
  if ((values.PAY_MODE ?? "").trim() === "mock") return [warn("联网检查", "PAY_MODE=mock，跳过")];
  const parsed = parsePayConfig(values, { keyFileDirs: [root] });
  if (!parsed.ok || parsed.config.mode !== "wechatpay") return [error("联网检查", "未进行：云函数无法用这份配置启动，先修复上面的错误")];
  return runOnlineChecks(onlineContext(root, values, parsed.config), checks);
}
