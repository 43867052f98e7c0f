// The console's JSON API: one table of method, path, the least role allowed, and the core call.
// Handlers only parse and answer; every decision is in shared/ops/*.
import type { HttpAnswer } from "../../runtime/http-access";
import { ORDER_ID } from "../../validate";
import { recentAudit } from "../audit";
import type { Actor } from "../authz";
import type { Role } from "../contract";
import type { OpsDeps } from "../deps";
import { listExceptions, resolveException } from "../exceptions";
import { manualRefund } from "../manual-refund";
import { addOperator, changeOperator, listOperators, USERNAME } from "../operators";
import { closeExpiredAction, syncOrderAction } from "../order-actions";
import { orderDetail, searchOrders } from "../orders";
import { overview } from "../overview";
import { listReports, reportCsv, reportDetail, rerunReconcile } from "../reconciliation";
import { rerouteAbnormal } from "../reroute";
import {
  BILL_DATE,
  EXCEPTION_KEY,
  jsonBody,
  newOperatorInput,
  noteInput,
  operatorChangeInput,
  refundInput,
  rerouteInput,
  REFUND_ID,
  searchInput,
} from "./input";
import type { OpsRequest } from "./request";
import { json, text } from "./reply";

export interface Call {
  req: OpsRequest;
  actor: Actor;
  params: string[];
  deps: OpsDeps;
}

interface Route {
  method: "GET" | "POST";
  /** Segments after /api/; ":id" etc. capture one segment, checked against `params`. */
  path: string;
  params?: RegExp[];
  role: Role;
  run(c: Call): Promise<HttpAnswer>;
}

const ok = (v: unknown): HttpAnswer => json(200, v);
const body = (c: Call) => jsonBody(c.req.body);

export const ROUTES: Route[] = [
  { method: "GET", path: "overview", role: "viewer", run: async (c) => ok(await overview(c.deps)) },
  { method: "GET", path: "orders", role: "viewer", run: async (c) => ok(await searchOrders(c.deps, searchInput(c.req.query))) },
  { method: "GET", path: "orders/:id", params: [ORDER_ID], role: "viewer", run: async (c) => ok(await orderDetail(c.deps, c.params[0]!)) },
  {
    method: "POST",
    path: "orders/:id/refund",
    params: [ORDER_ID],
    role: "support",
    run: async (c) => ok(await manualRefund(c.deps, c.actor, c.params[0]!, refundInput(body(c)))),
  },
  {
    method: "POST",
    path: "orders/:id/sync",
    params: [ORDER_ID],
    role: "support",
    run: async (c) => ok(await syncOrderAction(c.deps, c.actor, c.params[0]!)),
  },
  {
    method: "POST",
    path: "orders/:id/close-expired",
    params: [ORDER_ID],
    role: "support",
    run: async (c) => ok(await closeExpiredAction(c.deps, c.actor, c.params[0]!)),
  },
  {
    method: "POST",
    path: "refunds/:id/reroute",
    params: [REFUND_ID],
    role: "support",
    run: async (c) => ok(await rerouteAbnormal(c.deps, c.actor, c.params[0]!, rerouteInput(body(c)))),
  },
  {
    method: "GET",
    path: "exceptions",
    role: "viewer",
    run: async (c) => {
      const show = c.req.query.status === "resolved" || c.req.query.status === "all" ? c.req.query.status : "open";
      return ok(await listExceptions(c.deps, show));
    },
  },
  {
    method: "POST",
    path: "exceptions/:key/resolve",
    params: [EXCEPTION_KEY],
    role: "support",
    run: async (c) => ok(await resolveException(c.deps, c.actor, c.params[0]!, noteInput(body(c)))),
  },
  { method: "GET", path: "reconciliations", role: "viewer", run: async (c) => ok({ reports: await listReports(c.deps) }) },
  {
    method: "GET",
    path: "reconciliations/:date",
    params: [BILL_DATE],
    role: "viewer",
    run: async (c) => ok(await reportDetail(c.deps, c.params[0]!)),
  },
  {
    method: "GET",
    path: "reconciliations/:date/csv",
    params: [BILL_DATE],
    role: "viewer",
    run: async (c) =>
      text(200, reportCsv(await reportDetail(c.deps, c.params[0]!)), "text/csv; charset=utf-8", {
        "content-disposition": `attachment; filename="reconciliation-${c.params[0]}.csv"`,
      }),
  },
  {
    method: "POST",
    path: "reconciliations/:date/run",
    params: [BILL_DATE],
    role: "finance",
    run: async (c) => ok(await rerunReconcile(c.deps, c.actor, c.params[0]!)),
  },
  { method: "GET", path: "audit", role: "admin", run: async (c) => ok({ audit: await recentAudit(c.deps) }) },
  { method: "GET", path: "operators", role: "admin", run: async (c) => ok({ operators: await listOperators(c.deps, c.actor) }) },
  { method: "POST", path: "operators", role: "admin", run: async (c) => ok(await addOperator(c.deps, c.actor, newOperatorInput(body(c)))) },
  {
    method: "POST",
    path: "operators/:name",
    params: [USERNAME],
    role: "admin",
    run: async (c) => ok(await changeOperator(c.deps, c.actor, c.params[0]!, operatorChangeInput(body(c)))),
  },
];

/** The route for a method and a path under /api/, with its decoded parameters; "method" when only the
 *  method is wrong; undefined when nothing matches. */
export function matchApi(method: string, apiPath: string): { route: Route; params: string[] } | "method" | undefined {
  const segs = apiPath.split("/");
  let methodOnly = false;
  for (const route of ROUTES) {
    const want = route.path.split("/");
    if (want.length !== segs.length) continue;
    const params: string[] = [];
    let matched = true;
    for (let i = 0; i < want.length && matched; i++) {
      if (want[i]!.startsWith(":")) {
        let v: string;
        try {
          v = decodeURIComponent(segs[i]!);
        } catch {
          matched = false;
          break;
        }
        matched = route.params?.[params.length]?.test(v) ?? false;
        params.push(v);
      } else matched = want[i] === segs[i];
    }
    if (!matched) continue;
    if (route.method !== method) {
      methodOnly = true;
      continue;
    }
    return { route, params };
  }
  return methodOnly ? "method" : undefined;
}
