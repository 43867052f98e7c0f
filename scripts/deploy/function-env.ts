// SCF's limits on a function's environment variables, as the build and the doctor check them.

/** SCF allows 4 KB of environment variables per function. Counted here as the UTF-8 bytes of every
 *  name and value together (the stricter reading). */
export const SCF_ENV_LIMIT_BYTES = 4096;

export function envBytes(vars: Record<string, string>): number {
  let n = 0;
  for (const [k, v] of Object.entries(vars)) n += Buffer.byteLength(k, "utf8") + Buffer.byteLength(v, "utf8");
  return n;
}

/** The variable taking the most room: what to move into a file first. */
export function largestVariable(vars: Record<string, string>): string | undefined {
  let best: string | undefined;
  for (const [k, v] of Object.entries(vars)) if (best === undefined || v.length > (vars[best] ?? "").length) best = k;
  return best;
}
