// Fault injection on the /v3 endpoints, configured through POST /sim/faults.
import { paramError, type Checked } from "./api-error";

export const ENDPOINTS = [
  "jsapi",
  "query",
  "close",
  "refund",
  "refund_query",
  "abnormal_refund",
  "certificates",
  "tradebill",
  "billdownload",
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export interface FaultRule {
  id: number;
  /** One endpoint name, or "*" for all. */
  endpoint: Endpoint | "*";
  /** Delay before answering. */
  latencyMs?: number;
  /** Answer this status instead of the real answer: a 5xx with {code:"SYSTEM_ERROR"}, or a 4xx
   *  refusal with the rule's `code` (e.g. 403 NO_AUTH, 429 FREQUENCY_LIMITED). */
  status?: number;
  /** WeChat Pay error code for a 4xx `status` (required there); default SYSTEM_ERROR for a 5xx. */
  code?: string;
  /** Never answer (the connection stays open until the client gives up). */
  timeout?: boolean;
  /** Answer normally but with a signature that does not verify. */
  tamperSignature?: boolean;
  /** With status/timeout: carry the request out first, then lose the answer ("outcome unknown"). */
  applied?: boolean;
  /** Uses left; absent means unlimited. */
  remaining?: number;
}

const KNOWN_KEYS = new Set(["endpoint", "latencyMs", "status", "code", "timeout", "tamperSignature", "applied", "times"]);

function parseRule(raw: unknown, id: number): Checked<FaultRule> {
  const fail = (message: string): Checked<FaultRule> => ({ ok: false, error: paramError(message) });
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("a rule must be an object");
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!KNOWN_KEYS.has(k)) return fail(`unknown rule field "${k}"`);
  const endpoint = r.endpoint;
  if (endpoint !== "*" && !ENDPOINTS.includes(endpoint as Endpoint)) return fail(`endpoint must be "*" or one of ${ENDPOINTS.join(", ")}`);
  const rule: FaultRule = { id, endpoint: endpoint as Endpoint | "*" };
  if (r.latencyMs !== undefined) {
    if (typeof r.latencyMs !== "number" || !Number.isInteger(r.latencyMs) || r.latencyMs < 0 || r.latencyMs > 600_000)
      return fail("latencyMs must be an integer 0..600000");
    rule.latencyMs = r.latencyMs;
  }
  if (r.status !== undefined) {
    if (typeof r.status !== "number" || !Number.isInteger(r.status) || r.status < 400 || r.status > 599)
      return fail("status must be an integer 400..599");
    rule.status = r.status;
  }
  if (r.code !== undefined) {
    if (typeof r.code !== "string" || !/^[A-Z_]{2,40}$/.test(r.code)) return fail("code must be a WeChat Pay error code such as NO_AUTH");
    rule.code = r.code;
  }
  if (rule.status !== undefined && rule.status < 500 && rule.code === undefined)
    return fail("a 4xx status needs the code WeChat Pay would answer");
  if (rule.status !== undefined && rule.status < 500 && r.applied === true)
    return fail("a 4xx refusal is never carried out: applied does not apply");
  for (const flag of ["timeout", "tamperSignature", "applied"] as const) {
    if (r[flag] !== undefined) {
      if (typeof r[flag] !== "boolean") return fail(`${flag} must be a boolean`);
      rule[flag] = r[flag] as boolean;
    }
  }
  if (r.times !== undefined) {
    if (typeof r.times !== "number" || !Number.isInteger(r.times) || r.times < 1) return fail("times must be an integer ≥ 1");
    rule.remaining = r.times;
  }
  if (rule.status !== undefined && rule.timeout) return fail("status and timeout exclude each other");
  if (rule.latencyMs === undefined && rule.status === undefined && !rule.timeout && !rule.tamperSignature) {
    return fail("a rule needs latencyMs, status, timeout or tamperSignature");
  }
  return { ok: true, value: rule };
}

export class FaultBook {
  private rules: FaultRule[] = [];
  private nextId = 1;

  /** Adds one rule or `{ rules: [...] }`; all or nothing. */
  add(body: unknown): Checked<FaultRule[]> {
    const list =
      typeof body === "object" && body !== null && Array.isArray((body as { rules?: unknown }).rules)
        ? (body as { rules: unknown[] }).rules
        : [body];
    const parsed: FaultRule[] = [];
    for (const raw of list) {
      const r = parseRule(raw, this.nextId + parsed.length);
      if (!r.ok) return r;
      parsed.push(r.value);
    }
    this.nextId += parsed.length;
    this.rules.push(...parsed);
    return { ok: true, value: this.list() };
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule that applies to this endpoint, consuming one use of it. */
  take(endpoint: Endpoint): FaultRule | undefined {
    const rule = this.rules.find((r) => r.endpoint === "*" || r.endpoint === endpoint);
    if (!rule) return undefined;
    if (rule.remaining !== undefined) {
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    }
    return { ...rule };
  }
}
