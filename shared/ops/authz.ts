// Who may do what: each role includes the ones before it (viewer < support < finance < admin).
// Checked on the server for every call; the page only hides what a role cannot do.
import { ROLES, type Role } from "./contract";
import { OpsError } from "./errors";

export interface Actor {
  username: string;
  role: Role;
}

export const atLeast = (role: Role, min: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(min);

const ROLE_NAMES: Record<Role, string> = { viewer: "只读", support: "客服", finance: "财务", admin: "管理员" };

export function requireRole(actor: Actor, min: Role): void {
  if (!atLeast(actor.role, min)) throw new OpsError("FORBIDDEN", `需要${ROLE_NAMES[min]}及以上权限`);
}
