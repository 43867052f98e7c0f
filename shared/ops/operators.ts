// Operators: login with lockout, and the admin's list / add / change. A username is the _id, so a
// second operator of the same name is a duplicate insert.
import type { Update } from "../store/database";
import { ROLES, type NewOperatorRequest, type OperatorChange, type OperatorView, type Role } from "./contract";
import { audit } from "./audit";
import { requireRole, type Actor } from "./authz";
import type { OpsStoreDeps } from "./deps";
import { OpsError } from "./errors";
import type { OperatorDoc } from "./model";
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from "./passwords";
import { closeSessionsOf } from "./sessions";

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;
export const USERNAME = /^[a-z][a-z0-9_.-]{2,31}$/;

const view = (o: OperatorDoc): OperatorView => ({
  username: o._id,
  role: o.role,
  disabled: o.disabled,
  createdAt: o.createdAt,
  ...(o.createdBy ? { createdBy: o.createdBy } : {}),
  ...(o.lastLoginAt ? { lastLoginAt: o.lastLoginAt } : {}),
  ...(o.lockedUntil ? { lockedUntil: o.lockedUntil } : {}),
});

const BAD_LOGIN = "用户名或密码错误";

/** Checks a password. Five failures in a row lock the account for 15 minutes (the fifth answer
 *  already says so); while locked not even the right password opens it. */
export async function login(deps: OpsStoreDeps, username: string, password: string): Promise<Actor> {
  const { operators } = deps.ops;
  const now = deps.now();
  const op = USERNAME.test(username) ? await operators.get(username) : undefined;
  if (!op) {
    await verifyPassword(password, await dummyHash()); // same cost as a real check
    throw new OpsError("INVALID_CREDENTIALS", BAD_LOGIN);
  }
  if (op.lockedUntil && op.lockedUntil > now) throw locked(op.lockedUntil, now);
  if (!(await verifyPassword(password, op.passwordHash))) {
    await operators.update({ _id: op._id }, { $inc: { failedLogins: 1 } });
    const fresh = await operators.get(op._id);
    if (fresh && fresh.failedLogins >= MAX_FAILURES) {
      const until = now + LOCK_MS;
      // Only one of several racing failures sets the lock (and audits it); the others see it set.
      const won = await operators.update(
        { _id: op._id, failedLogins: { $gte: MAX_FAILURES } },
        { $set: { failedLogins: 0, lockedUntil: until } },
      );
      if (won === 1)
        await audit(
          deps,
          { username: op._id, role: op.role },
          { action: "operator.locked", outcome: "ok", target: op._id, after: { lockedUntil: until } },
        );
      throw locked(until, now);
    }
    throw new OpsError("INVALID_CREDENTIALS", BAD_LOGIN);
  }
  if (op.disabled) throw new OpsError("FORBIDDEN", "该账号已停用");
  await operators.update({ _id: op._id }, { $set: { failedLogins: 0, lastLoginAt: now } });
  return { username: op._id, role: op.role };
}

function locked(until: number, now: number): OpsError {
  return new OpsError("ACCOUNT_LOCKED", `连续登录失败次数过多，账号已锁定，请 ${Math.ceil((until - now) / 60_000)} 分钟后再试`);
}

/** The operator behind a session, if still allowed in (disabling takes effect at once). */
export async function activeOperator(deps: OpsStoreDeps, username: string): Promise<Actor | undefined> {
  const op = await deps.ops.operators.get(username);
  return op && !op.disabled ? { username: op._id, role: op.role } : undefined;
}

export async function listOperators(deps: OpsStoreDeps, actor: Actor): Promise<OperatorView[]> {
  requireRole(actor, "admin");
  return (await deps.ops.operators.find({}, { orderBy: ["createdAt", "asc"], limit: 200 })).map(view);
}

function checkRole(role: unknown): Role {
  if (!ROLES.includes(role as Role)) throw new OpsError("INVALID_ARGUMENT", `角色必须是 ${ROLES.join(" / ")} 之一`);
  return role as Role;
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new OpsError("INVALID_ARGUMENT", problem);
}

async function newOperator(req: NewOperatorRequest, now: number, createdBy?: string): Promise<OperatorDoc> {
  if (!USERNAME.test(req.username)) throw new OpsError("INVALID_ARGUMENT", "用户名须为 3-32 位小写字母、数字或 _.-，以字母开头");
  checkPassword(req.password);
  return {
    _id: req.username,
    role: checkRole(req.role),
    passwordHash: await hashPassword(req.password),
    disabled: false,
    failedLogins: 0,
    createdAt: now,
    ...(createdBy ? { createdBy } : {}),
  };
}

export async function addOperator(deps: OpsStoreDeps, actor: Actor, req: NewOperatorRequest): Promise<OperatorView> {
  requireRole(actor, "admin");
  const doc = await newOperator(req, deps.now(), actor.username);
  if ((await deps.ops.operators.insert(doc)) === "duplicate") {
    await audit(deps, actor, { action: "operator.add", outcome: "refused", code: "CONFLICT", target: req.username });
    throw new OpsError("CONFLICT", "该用户名已存在");
  }
  await audit(deps, actor, { action: "operator.add", outcome: "ok", target: doc._id, after: view(doc) });
  return view(doc);
}

export async function changeOperator(deps: OpsStoreDeps, actor: Actor, username: string, change: OperatorChange): Promise<OperatorView> {
  requireRole(actor, "admin");
  const before = await deps.ops.operators.get(username);
  if (!before) throw new OpsError("NOT_FOUND", "没有这个操作员");
  if (username === actor.username && (change.disabled === true || (change.role !== undefined && change.role !== "admin"))) {
    throw new OpsError("INVALID_ARGUMENT", "不能停用自己或降低自己的权限");
  }
  const update: Partial<OperatorDoc> = {};
  if (change.role !== undefined) update.role = checkRole(change.role);
  if (change.disabled !== undefined) update.disabled = change.disabled;
  if (change.password !== undefined) {
    checkPassword(change.password);
    update.passwordHash = await hashPassword(change.password);
    update.failedLogins = 0;
  }
  if (Object.keys(update).length === 0) throw new OpsError("INVALID_ARGUMENT", "没有要修改的内容");
  const write: Update = { $set: update, ...(change.password !== undefined ? { $unset: { lockedUntil: true } } : {}) };
  await deps.ops.operators.update({ _id: username }, write);
  // A disabled account, a new password or a new role: its open sessions end now.
  await closeSessionsOf(deps, username);
  const after = { ...before, ...update };
  await audit(deps, actor, {
    action: "operator.change",
    outcome: "ok",
    target: username,
    before: view(before),
    after: { ...view(after), ...(change.password !== undefined ? { password: "（已重置）" } : {}) },
  });
  return view(after);
}

/** The first operator, `admin`, only while there is none at all. */
export async function bootstrapAdmin(deps: OpsStoreDeps, password: string): Promise<"created" | "exists"> {
  const { operators } = deps.ops;
  if ((await operators.find({}, { orderBy: ["createdAt", "asc"], limit: 1 })).length > 0) return "exists";
  const doc = await newOperator({ username: "admin", role: "admin", password }, deps.now());
  return (await operators.insert(doc)) === "inserted" ? "created" : "exists";
}
