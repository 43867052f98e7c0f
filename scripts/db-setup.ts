// npm run db:setup: makes a CloudBase environment hold the declared database (shared/store/schema.ts):
// creates missing collections, sets every collection ADMINONLY, creates missing indexes; prints what
// it changed. Idempotent. Needs TCB_ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY.
// `--dry-run`: changes nothing; without credentials it prints the whole declared plan, with them what
// would change in that environment. Exit code 1 on a refused call or an index declared differently.
import { dbSetup } from "./db/command";

const code = await dbSetup({
  argv: process.argv.slice(2),
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
process.exit(code);
