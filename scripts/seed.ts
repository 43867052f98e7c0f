// npm run seed: loads the train catalog into the local stack (STACK_URL, default
// http://127.0.0.1:$PORT or :3000), or into a real CloudBase environment when TCB_ENV_ID,
// TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY are set. Existing trains are kept.
import { seedTrains } from "../shared/catalog/seed";
import { CloudbaseDatabase } from "../shared/store/cloudbase-database";
import { createRepos } from "../shared/store/repos";
import { localSdkOptions } from "../dev/local-sdk";

const days = Number(process.env.SEED_DAYS ?? 14);
const { TCB_ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY } = process.env;
let db: CloudbaseDatabase;
if (TCB_ENV_ID && TENCENTCLOUD_SECRETID && TENCENTCLOUD_SECRETKEY) {
  db = new CloudbaseDatabase({ env: TCB_ENV_ID, secretId: TENCENTCLOUD_SECRETID, secretKey: TENCENTCLOUD_SECRETKEY });
  console.log(`seeding CloudBase environment ${TCB_ENV_ID}`);
} else {
  const base = process.env.STACK_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  db = new CloudbaseDatabase(localSdkOptions(base));
  console.log(`seeding the local stack at ${base}`);
}
const r = await seedTrains(createRepos(db), Date.now(), days);
console.log(`trains: ${r.added} added, ${r.existing} already there (${days} days)`);
