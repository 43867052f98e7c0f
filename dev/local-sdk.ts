// The unmodified @cloudbase/node-sdk, pointed at the local stack from a process that is not a
// function instance (the stack's own seeding, tests, benches, scripts). Outside SCF the SDK looks
// up instance metadata on every request (~70 ms each here); these are the variables a function
// instance has, which make it skip that.
import tcb from "@cloudbase/node-sdk";

export const LOCAL_ENV_ID = "local-env";

export function useLocalSdkEnvironment(): void {
  process.env.TENCENTCLOUD_RUNENV ??= "SCF";
  process.env.TENCENTCLOUD_REGION ??= "ap-shanghai";
  process.env.SCF_NAMESPACE ??= LOCAL_ENV_ID;
}

export function localSdkOptions(baseUrl: string) {
  useLocalSdkEnvironment();
  return { env: LOCAL_ENV_ID, secretId: "local", secretKey: "local", serviceUrl: `${baseUrl}/admin` };
}

export function localDatabase(baseUrl: string) {
  return tcb.init(localSdkOptions(baseUrl)).database();
}
