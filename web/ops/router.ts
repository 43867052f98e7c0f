// A hash router for a handful of pages: #/overview, #/orders?…, #/orders/<id>, #/exceptions,
// #/reconciliations[/<date>], #/operators.
import { reactive } from "vue";

export interface Route {
  name: "overview" | "orders" | "order" | "exceptions" | "reconciliations" | "reconciliation" | "operators";
  param?: string;
  query: Record<string, string>;
}

function parse(hash: string): Route {
  const [path = "", qs = ""] = hash.replace(/^#/, "").split("?");
  const query = Object.fromEntries(new URLSearchParams(qs));
  const seg = path.split("/").filter(Boolean);
  if (seg[0] === "orders" && seg[1]) return { name: "order", param: seg[1], query };
  if (seg[0] === "orders") return { name: "orders", query };
  if (seg[0] === "exceptions") return { name: "exceptions", query };
  if (seg[0] === "reconciliations" && seg[1]) return { name: "reconciliation", param: seg[1], query };
  if (seg[0] === "reconciliations") return { name: "reconciliations", query };
  if (seg[0] === "operators") return { name: "operators", query };
  return { name: "overview", query };
}

export const route = reactive<Route>(parse(location.hash));

window.addEventListener("hashchange", () => Object.assign(route, { param: undefined }, parse(location.hash)));

export function go(path: string, query: Record<string, string | undefined> = {}): void {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  location.hash = `#/${path}${q ? `?${q}` : ""}`;
}
