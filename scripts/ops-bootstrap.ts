// npm run ops:bootstrap: the console's first operator, `admin`, in a real CloudBase environment
// (TCB_ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY) or the local stack (STACK_URL, default
// http://127.0.0.1:$PORT or :3000). The password comes from OPS_ADMIN_PASSWORD on this machine only:
// it never travels through a function invocation or its logs. Refused once any operator exists
// (further operators are added in the console by an admin).
import { bootstrapAdmin } from "../shared/ops/operators";
import { useDatabase } from "../shared/store/db";
import { localSdkOptions } from "../dev/local-sdk";

const { TCB_ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY, OPS_ADMIN_PASSWORD } = process.env;
if (!OPS_ADMIN_PASSWORD) {
  console.error("OPS_ADMIN_PASSWORD is not set");
  process.exit(2);
}
if (TCB_ENV_ID && TENCENTCLOUD_SECRETID && TENCENTCLOUD_SECRETKEY) {
  useDatabase({ env: TCB_ENV_ID, secretId: TENCENTCLOUD_SECRETID, secretKey: TENCENTCLOUD_SECRETKEY });
  console.log(`CloudBase environment ${TCB_ENV_ID}`);
} else {
  const base = process.env.STACK_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  useDatabase(localSdkOptions(base));
  console.log(`local stack at ${base}`);
}
try {
  const r = await bootstrapAdmin(OPS_ADMIN_PASSWORD, Date.now());
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
