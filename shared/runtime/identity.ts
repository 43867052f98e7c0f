// The caller as CloudBase states it: environment variables set per invocation (what
// cloud.getWXContext() reads). Fields of the event are client input and never identity.
export interface Caller {
  openid: string;
  appid: string;
  unionid?: string;
}

export function callerFromEnv(env: NodeJS.ProcessEnv = process.env): Caller | undefined {
  const keys = (env.WX_CONTEXT_KEYS ?? "").split(",").map((k) => k.trim());
  const read = (k: string): string | undefined => (keys.includes(k) && env[k] ? String(env[k]) : undefined);
  const openid = read("WX_OPENID");
  if (!openid) return undefined;
  const unionid = read("WX_UNIONID");
  return { openid, appid: read("WX_APPID") ?? "", ...(unionid ? { unionid } : {}) };
}

/** Whether an end user (mini-program, or a Web SDK login) is behind this invocation. Timers, HTTP
 *  access routes and `tcb fn invoke` carry none; functions meant only for those refuse users. */
export function invokedByEndUser(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.WX_OPENID || env.TCB_UUID || env.TCB_CUSTOM_USER_ID || env.TCB_ISANONYMOUS_USER === "true");
}
