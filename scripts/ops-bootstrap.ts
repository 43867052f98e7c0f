// npm run ops:bootstrap: the console's first operator, `admin`, in a real CloudBase environment
// (TCB_ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY; run `npm run db:setup` first: the
// collections must exist) or the local stack running with DATA_DIR (default .local/), found through
// its $DATA_DIR/stack.json. The password comes from OPS_ADMIN_PASSWORD on this machine only: it never
// travels through a function invocation or its logs. Refused once any operator exists (further
// operators are added in the console by an admin).
import { resolve } from "node:path";
import { opsStoreDepsOver } from "../shared/ops/deps";
import { bootstrapAdmin } from "../shared/ops/operators";
import { CloudbaseDatabase } from "../shared/store/cloudbase-database";
import { localSdkOptionsFor } from "../dev/local-sdk";

const { TCB_ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY, OPS_ADMIN_PASSWORD } = process.env;
if (!OPS_ADMIN_PASSWORD) {
  console.error("OPS_ADMIN_PASSWORD is not set");
  process.exit(2);
}
let db: CloudbaseDatabase;
if (TCB_ENV_ID && TENCENTCLOUD_SECRETID && TENCENTCLOUD_SECRETKEY) {
  db = new CloudbaseDatabase({ env: TCB_ENV_ID, secretId: TENCENTCLOUD_SECRETID, secretKey: TENCENTCLOUD_SECRETKEY });
  console.log(`CloudBase environment ${TCB_ENV_ID}`);
} else {
  const options = localSdkOptionsFor(resolve(process.env.DATA_DIR || ".local"));
  db = new CloudbaseDatabase(options);
  console.log(`local stack at ${options.serviceUrl.replace(/\/admin$/, "")}`);
}
try {
  const r = await bootstrapAdmin(opsStoreDepsOver(db), OPS_ADMIN_PASSWORD);
  if (r === "exists") {
    console.error("operators exist already: nothing done (an admin adds operators in the console)");
    process.exit(1);
  }
  console.log("operator admin (role admin) created");
} catch (e) {
  // The password policy's message names the rule, never the value.
  console.error(`admin not created: ${(e as Error).message}`);
  process.exit(1);
}
