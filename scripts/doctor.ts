// npm run doctor [-- --online] [--root DIR]: checks the merchant setup and what tcb would deploy,
// before any money moves. Chinese output, one line per check naming the variable or file and the fix;
// never a secret value. Exit code 1 when anything is an error.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatFindings, hasErrors } from "./doctor/findings";
import { runDoctor } from "./doctor/run";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const i = process.argv.indexOf("--root");
const root = resolve(i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : repo);
const online = process.argv.includes("--online");

const findings = await runDoctor({ root, configPath: join(repo, "cloudbaserc.json"), online });
process.stdout.write(
  formatFindings(`微信支付 + 云开发部署检查（${online ? "含联网检查" : "离线；加 -- --online 向微信支付发一次只读请求"}）`, findings),
);
process.exitCode = hasErrors(findings) ? 1 : 0;
