// login: records the caller (the identity comes from the context, never from the event).
import type { LoginResult } from "../contracts/api";
import type { Caller } from "../runtime/identity";
import type { StoreDeps } from "./deps";

export async function login(deps: StoreDeps, caller: Caller): Promise<LoginResult> {
  const { users } = deps.db;
  const now = deps.now();
  // pendingUntil 0: no unpaid order, so the first booking takes its slot in one update (fair-use.ts).
  const inserted = await users.insert({
    _id: caller.openid,
    appid: caller.appid,
    ...(caller.unionid ? { unionid: caller.unionid } : {}),
    createdAt: now,
    lastLoginAt: now,
    pendingUntil: 0,
  });
  if (inserted === "duplicate")
    await users.update({ _id: caller.openid }, { $set: { lastLoginAt: now, ...(caller.unionid ? { unionid: caller.unionid } : {}) } });
  return { openid: caller.openid, appid: caller.appid, ...(caller.unionid ? { unionid: caller.unionid } : {}) };
}
