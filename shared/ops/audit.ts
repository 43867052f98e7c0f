// ops_audit: every change an operator makes (and every refused attempt), who, what, when, before and
// after. Bank accounts, passwords and tokens never go in: callers pass masked values only.
import { logError } from "../runtime/log";
import type { AuditView } from "./contract";
import type { Actor } from "./authz";
import type { OpsStoreDeps } from "./deps";
import type { OpsAuditDoc } from "./model";

export type AuditEntry = Omit<OpsAuditDoc, "_id" | "at" | "operator" | "role">;

export async function audit(deps: OpsStoreDeps, actor: Actor, entry: AuditEntry): Promise<void> {
  try {
    await deps.ops.audit.append({ at: deps.now(), operator: actor.username, role: actor.role, ...entry });
  } catch (e) {
    // The change itself is done; a lost record is reported loudly rather than undoing it.
    logError("ops", e, { decision: "AUDIT_WRITE_FAILED", action: entry.action });
  }
}

export const auditView = (d: OpsAuditDoc): AuditView => ({ id: d._id, ...withoutId(d) });
function withoutId(d: OpsAuditDoc): Omit<OpsAuditDoc, "_id"> {
  const { _id: _ignored, ...rest } = d;
  return rest;
}

export async function auditOfOrder(deps: OpsStoreDeps, orderId: string): Promise<AuditView[]> {
  return (await deps.ops.audit.find({ orderId }, { orderBy: ["at", "desc"], limit: 100 })).map(auditView);
}

export async function recentAudit(deps: OpsStoreDeps, limit = 100): Promise<AuditView[]> {
  return (await deps.ops.audit.find({}, { orderBy: ["at", "desc"], limit })).map(auditView);
}
