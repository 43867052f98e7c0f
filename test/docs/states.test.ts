// docs/api.md and docs/architecture.md state the order, refund and ticket state machines as tables:
// they must be exactly the tables in shared/orders/state-machine.ts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ORDER_STATES,
  ORDER_TRANSITIONS,
  REFUND_STATES,
  REFUND_TRANSITIONS,
  TICKET_STATES,
  TICKET_TRANSITIONS,
  transitionRows,
} from "../../shared/orders/state-machine";

/** Rows `| \`FROM\` | \`event\` | \`TO\` |` of every table in a markdown file, in order. */
function tables(path: string): { from: string; event: string; to: string }[][] {
  const out: { from: string; event: string; to: string }[][] = [];
  let current: { from: string; event: string; to: string }[] | undefined;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^\|\s*`([A-Z_]+)`\s*\|\s*`([a-zA-Z]+)`\s*\|\s*`([A-Z_]+)`\s*\|$/.exec(line.trim());
    if (m) (current ??= []).push({ from: m[1]!, event: m[2]!, to: m[3]! });
    else if (current) {
      out.push(current);
      current = undefined;
    }
  }
  if (current) out.push(current);
  return out;
}
const sorted = (rows: { from: string; event: string; to: string }[]) => rows.map((r) => `${r.from} ${r.event} ${r.to}`).sort();

describe.each(["docs/api.md", "docs/architecture.md"])("%s", (path) => {
  it("states the order, refund and ticket transitions exactly as the state machine does", () => {
    const [orders, refunds, tickets] = tables(path);
    expect(sorted(orders ?? [])).toEqual(sorted(transitionRows(ORDER_TRANSITIONS)));
    expect(sorted(refunds ?? [])).toEqual(sorted(transitionRows(REFUND_TRANSITIONS)));
    expect(sorted(tickets ?? [])).toEqual(sorted(transitionRows(TICKET_TRANSITIONS)));
  });
});

it("docs/api.md lists every order and stored refund state", () => {
  const text = readFileSync("docs/api.md", "utf8");
  // The states listed after the line's last full-width colon.
  const listed = (label: string) => {
    const line = text.split("\n").find((l) => l.startsWith(label)) ?? "";
    return [...line.slice(line.lastIndexOf("：")).matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]);
  };
  expect(listed("订单状态：")).toEqual([...ORDER_STATES]);
  expect(listed("退款状态（存储值")).toEqual([...REFUND_STATES]);
  expect(listed("车票状态：")).toEqual([...TICKET_STATES]);
});
