// The unmodified @cloudbase/node-sdk, pointed at the local stack from a process that is not a
// function instance (the stack's own seeding, tests, benches, scripts), signing with the stack's
// per-start credentials from $DATA_DIR/stack.json. Outside SCF the SDK looks up instance metadata
// on every request (~70 ms each here); these are the variables a function instance has, which make
// it skip that.
import tcb from "@cloudbase/node-sdk";
import { LOCAL_ENV_ID, readStackFile, type StackFile } from "./stack-file";

export { LOCAL_ENV_ID };

export function useLocalSdkEnvironment(): void {
  process.env.TENCENTCLOUD_RUNENV ??= "SCF";
  process.env.TENCENTCLOUD_REGION ??= "ap-shanghai";
  process.env.SCF_NAMESPACE ??= LOCAL_ENV_ID;
}

export function localSdkOptions(stack: StackFile) {
  useLocalSdkEnvironment();
  return { env: LOCAL_ENV_ID, secretId: stack.secretId, secretKey: stack.secretKey, serviceUrl: `${stack.url}/admin` };
}

/**
 * A database handle for a test or tool. `inspection`: its queries read what the code stored (whole
 * collections, fields no index needs) and are exempt from the stack's index check, which is for
 * the queries the code makes (the header travels signed, through the SDK's `headers` option).
 */
export function localDatabase(stack: StackFile, opts: { inspection?: boolean } = {}) {
  const headers: Record<string, string> = opts.inspection ? { "X-Stack-Inspection": "1" } : {};
  return tcb.init({ ...localSdkOptions(stack), headers }).database();
}

/** The SDK options for the stack running with this DATA_DIR. */
export function localSdkOptionsFor(dataDir: string) {
  return localSdkOptions(readStackFile(dataDir));
}
