// npm run seed: loads the train catalog into a real CloudBase environment when TCB_ENV_ID,
// TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY are set (run `npm run db:setup` first: the
// collections must exist), else into the local stack running with DATA_DIR (default .local/),
// found through its $DATA_DIR/stack.json. Existing trains are kept.
import { resolve } from "node:path";
import { seedTrains } from "../shared/catalog/seed";
import { CloudbaseDatabase } from "../shared/store/cloudbase-database";
import { createRepos } from "../shared/store/repos";
import { localSdkOptionsFor } from "../dev/local-sdk";

const days = Number(process.env.SEED_DAYS ?? 14);
const { TCB_ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY } = process.env;
let db: CloudbaseDatabase;
if (TCB_ENV_ID && TENCENTCLOUD_SECRETID && TENCENTCLOUD_SECRETKEY) {
  db = new CloudbaseDatabase({ env: TCB_ENV_ID, secretId: TENCENTCLOUD_SECRETID, secretKey: TENCENTCLOUD_SECRETKEY });
  console.log(`seeding CloudBase environment ${TCB_ENV_ID}`);
} else {
  const options = localSdkOptionsFor(resolve(process.env.DATA_DIR || ".local"));
  db = new CloudbaseDatabase(options);
  console.log(`seeding the local stack at ${options.serviceUrl.replace(/\/admin$/, "")}`);
}
const r = await seedTrains(createRepos(db), Date.now(), days);
console.log(`trains: ${r.added} added, ${r.existing} already there (${days} days)`);
