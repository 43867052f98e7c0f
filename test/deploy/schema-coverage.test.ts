// The declaration covers every collection the code uses: the source of the functions and of
// shared/ is scanned for collection names (`.collection("…")`, `new Collection<…>(…)` through
// COLLECTIONS), and each must be declared; nothing is declared that the code does not use.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COLLECTIONS } from "../../shared/store/model";
import { DATABASE } from "../../shared/store/schema";
import { REPO_ROOT } from "../helpers/stack";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Collection names the code reaches, with the file that names each. */
function usedCollections(): Map<string, string> {
  const used = new Map<string, string>();
  const keys = COLLECTIONS as Record<string, string>;
  for (const file of [...sources(join(REPO_ROOT, "shared")), ...sources(join(REPO_ROOT, "cloudfunctions"))]) {
    const text = readFileSync(file, "utf8");
    const rel = file.slice(REPO_ROOT.length + 1);
    for (const m of text.matchAll(/\.collection\(\s*["'`]([^"'`]+)["'`]/g)) used.set(m[1]!, rel);
    for (const m of text.matchAll(/new Collection<[^>]*>\(\s*(?:\w+\s*,\s*)?(?:COLLECTIONS\.(\w+)|["'`]([^"'`]+)["'`])\s*\)/g)) {
      const name = m[1] ? keys[m[1]] : m[2];
      if (!name) throw new Error(`${rel}: COLLECTIONS.${m[1]} does not exist`);
      used.set(name, rel);
    }
    // Any other way to name a collection would escape this scan: database().collection(variable).
    for (const m of text.matchAll(/\.collection\(\s*([A-Za-z_$][\w$.]*)\s*\)/g)) {
      // The Database implementation is handed names by the repositories (store/repos.ts), scanned above.
      if (!(rel === "shared/store/cloudbase-database.ts" && m[1] === "coll"))
        throw new Error(`${rel}: collection named by a variable (${m[1]}): declare it and extend this scan`);
    }
  }
  return used;
}

describe("the declaration covers the code", () => {
  const declared = new Set(DATABASE.map((c) => c.name));
  const used = usedCollections();

  it("finds the collections the code uses", () => {
    expect(used.size).toBeGreaterThanOrEqual(6);
  });

  it("every collection the code uses is declared, ADMINONLY", () => {
    for (const [name, file] of used) expect(declared.has(name), `${name} (used in ${file}) is not in shared/store/schema.ts`).toBe(true);
    for (const c of DATABASE) expect(c.permission).toBe("ADMINONLY");
  });

  it("every declared collection is used, once", () => {
    expect(DATABASE.map((c) => c.name).sort()).toEqual([...used.keys()].sort());
  });
});
