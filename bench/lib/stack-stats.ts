// Database round trips as the local stack counts them (GET /dev/stats → admin.requests / byAction):
// every SDK request a function makes to the database is one POST /admin.
import type { LocalStack } from "../../dev/launch";

export interface AdminCounters {
  requests: number;
  byAction: Record<string, number>;
}

export async function adminCounters(stack: LocalStack): Promise<AdminCounters> {
  const res = await stack.get("/dev/stats");
  const admin = (res.json as { admin?: Partial<AdminCounters> } | undefined)?.admin;
  if (res.status !== 200 || typeof admin?.requests !== "number")
    throw new Error(`GET /dev/stats: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  return { requests: admin.requests, byAction: { ...admin.byAction } };
}

/** What happened between two snapshots: request count and per-action counts (zeros dropped). */
export function counterDiff(before: AdminCounters, after: AdminCounters): AdminCounters {
  const byAction: Record<string, number> = {};
  for (const [action, n] of Object.entries(after.byAction)) {
    const d = n - (before.byAction[action] ?? 0);
    if (d > 0) byAction[action] = d;
  }
  return { requests: after.requests - before.requests, byAction };
}
