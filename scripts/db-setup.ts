// npm run db:setup: makes a CloudBase environment hold the declared database (shared/store/schema.ts):
// creates missing collections, sets every collection ADMINONLY, creates missing indexes; prints what
// it changed. Idempotent. Needs TCB_ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY.
// `--dry-run`: changes nothing; without credentials it prints the whole declared plan, with them what
// would change in that environment. Exit code 1 on a refused call or an index declared differently.
import CloudBase from "@cloudbase/manager-node";
import { DATABASE } from "../shared/store/schema";
import { apply, describeChange, plan, readLive } from "./db/setup";

const dryRun = process.argv.includes("--dry-run");
const { TCB_ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY } = process.env;
const haveCredentials = Boolean(TCB_ENV_ID && TENCENTCLOUD_SECRETID && TENCENTCLOUD_SECRETKEY);

async function main(): Promise<number> {
  if (!haveCredentials) {
    if (!dryRun) {
      console.error("db:setup needs TCB_ENV_ID, TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (or --dry-run to see the plan)");
      return 2;
    }
    console.log("plan (dry run, no environment read): the declared database");
    for (const ch of plan(DATABASE).changes) console.log(`  ${describeChange(ch)}`);
    return 0;
  }
  const manager = new CloudBase({ envId: TCB_ENV_ID, secretId: TENCENTCLOUD_SECRETID, secretKey: TENCENTCLOUD_SECRETKEY });
  const { changes, problems } = plan(DATABASE, await readLive(manager, DATABASE));
  console.log(`environment ${TCB_ENV_ID}: ${changes.length} change(s)${dryRun ? " (dry run: nothing changed)" : ""}`);
  for (const p of problems) console.error(`  problem: index ${p.collection}.${p.index} ${p.message}`);
  if (dryRun) {
    for (const ch of changes) console.log(`  would ${describeChange(ch)}`);
  } else {
    await apply(manager, changes, (line) => console.log(`  ${line}`));
  }
  if (changes.length === 0) console.log("  nothing to do: the environment holds the declared database");
  return problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    // manager-node's errors carry the Tencent Cloud code and RequestId, never the credentials.
    const err = e as { code?: string; requestId?: string; message?: string };
    console.error(
      `db:setup failed: ${err.code ? `${err.code}: ` : ""}${err.message ?? String(e)}${err.requestId ? ` (RequestId ${err.requestId})` : ""}`,
    );
    process.exit(1);
  },
);
