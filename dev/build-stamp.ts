// Whether a bundle in build/ is still what its sources would make. `npm run build` writes a stamp per
// bundle (build/.stamps/<name>.json): every file esbuild read (its metafile's inputs, packages
// included), the files that shape every build (the build scripts, the lockfile, tsconfig.json,
// cloudbaserc.json), and every file it wrote, each with size and modification time. The next build
// skips a bundle whose stamp still matches; the launcher runs the stack's bundle only while its
// stamp matches. Size and time, like make: a checkout or an edit changes the time.
import { type Dirent, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

type FileStamp = [size: number, mtimeMs: number];

interface Stamp {
  inputs: Record<string, FileStamp>;
  outputs: Record<string, FileStamp>;
}

function stampOf(path: string): FileStamp | undefined {
  try {
    const s = statSync(path);
    return [s.size, s.mtimeMs];
  } catch {
    return undefined;
  }
}

/** Every file under `path` (or `path` itself when it is a file). */
export function filesUnder(path: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return [path];
  }
  return entries.flatMap((e) => filesUnder(join(path, e.name)));
}

/** True when the stamp exists and every file it lists still has the size and time recorded. */
export function isCurrent(stampPath: string): boolean {
  let stamp: Stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, "utf8")) as Stamp;
  } catch {
    return false;
  }
  const files = [...Object.entries(stamp.inputs ?? {}), ...Object.entries(stamp.outputs ?? {})];
  if (files.length === 0) return false;
  return files.every(([p, s]) => {
    const now = stampOf(p);
    return now !== undefined && now[0] === s[0] && now[1] === s[1];
  });
}

/** Forgets a bundle's stamp: its next build runs (called before building it). */
export function dropStamp(stampPath: string): void {
  rmSync(stampPath, { force: true });
}

/** Records a bundle just built from `inputs` into `outputs` (absolute paths). No stamp when an input
 *  changed after `startedAt` (the build may have read the old content): the next build runs again. */
export function writeStamp(stampPath: string, inputs: readonly string[], outputs: readonly string[], startedAt: number): boolean {
  const record = (list: readonly string[]): Record<string, FileStamp> | undefined => {
    const out: Record<string, FileStamp> = {};
    for (const p of list) {
      const s = stampOf(p);
      if (!s) return undefined;
      out[p] = s;
    }
    return out;
  };
  const ins = record(inputs);
  const outs = record(outputs);
  if (!ins || !outs || Object.values(ins).some(([, mtime]) => mtime >= startedAt)) {
    dropStamp(stampPath);
    return false;
  }
  mkdirSync(dirname(stampPath), { recursive: true });
  // Written beside and renamed: a build running beside this one reads the old stamp or the new one.
  const tmp = `${stampPath}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ inputs: ins, outputs: outs } satisfies Stamp));
  renameSync(tmp, stampPath);
  return true;
}
