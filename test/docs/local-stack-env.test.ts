// docs/local-stack.md's environment table and dev/main.ts (the one place `npm start` reads its
// environment) name the same variables.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/stack";

it("every variable dev/main.ts reads is in docs/local-stack.md's table, and nothing else is", () => {
  const doc = readFileSync(join(REPO_ROOT, "docs", "local-stack.md"), "utf8");
  const table = doc.slice(doc.indexOf("## Environment"), doc.indexOf("\n\n", doc.indexOf("| variable")));
  const documented = new Set([...table.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]));
  const main = readFileSync(join(REPO_ROOT, "dev", "main.ts"), "utf8");
  const read = new Set([...main.matchAll(/process\.env\.([A-Z_]+)/g)].map((m) => m[1]));
  expect(read.size).toBeGreaterThan(10);
  expect([...documented].sort()).toEqual([...read].sort());
});
