// `npm run db:setup` as a function of its arguments, environment and output: the CLI
// (scripts/db-setup.ts) passes the process's; the tests call it in-process.
import CloudBase from "@cloudbase/manager-node";
import { DATABASE } from "../../shared/store/schema";
import { apply, describeChange, plan, readLive } from "./setup";

export interface CommandIo {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
}

/** The exit code: 0 done, 1 a refused call or an index declared differently, 2 no credentials. */
export async function dbSetup(io: CommandIo): Promise<number> {
  const dryRun = io.argv.includes("--dry-run");
  const { TCB_ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY } = io.env;
  if (!TCB_ENV_ID || !TENCENTCLOUD_SECRETID || !TENCENTCLOUD_SECRETKEY) {
    if (!dryRun) {
      io.err("db:setup needs TCB_ENV_ID, TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (or --dry-run to see the plan)");
      return 2;
    }
    io.out("plan (dry run, no environment read): the declared database");
    for (const ch of plan(DATABASE).changes) io.out(`  ${describeChange(ch)}`);
    return 0;
  }
  try {
    const manager = new CloudBase({ envId: TCB_ENV_ID, secretId: TENCENTCLOUD_SECRETID, secretKey: TENCENTCLOUD_SECRETKEY });
    const { changes, problems } = plan(DATABASE, await readLive(manager, DATABASE));
    io.out(`environment ${TCB_ENV_ID}: ${changes.length} change(s)${dryRun ? " (dry run: nothing changed)" : ""}`);
    for (const p of problems) io.err(`  problem: index ${p.collection}.${p.index} ${p.message}`);
    if (dryRun) {
      for (const ch of changes) io.out(`  would ${describeChange(ch)}`);
    } else {
      await apply(manager, changes, (line) => io.out(`  ${line}`));
    }
    if (changes.length === 0) io.out("  nothing to do: the environment holds the declared database");
    return problems.length > 0 ? 1 : 0;
  } catch (e) {
    // manager-node's errors carry the Tencent Cloud code and RequestId, never the credentials.
    const err = e as { code?: string; requestId?: string; message?: string };
    io.err(
      `db:setup failed: ${err.code ? `${err.code}: ` : ""}${err.message ?? String(e)}${err.requestId ? ` (RequestId ${err.requestId})` : ""}`,
    );
    return 1;
  }
}
