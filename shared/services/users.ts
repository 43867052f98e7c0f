// login: records the caller (the identity comes from the context, never from the event).
import type { LoginResult } from "../contracts/api";
import type { Caller } from "../runtime/identity";
import { users } from "../store/repos";

export async function login(caller: Caller, now: number): Promise<LoginResult> {
  const inserted = await users.insert({ _id: caller.openid, appid: caller.appid, ...(caller.unionid ? { unionid: caller.unionid } : {}), createdAt: now, lastLoginAt: now });
  if (inserted === "duplicate") await users.update({ _id: caller.openid }, { lastLoginAt: now, ...(caller.unionid ? { unionid: caller.unionid } : {}) });
  return { openid: caller.openid, appid: caller.appid, ...(caller.unionid ? { unionid: caller.unionid } : {}) };
}
