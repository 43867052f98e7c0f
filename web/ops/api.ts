// The console's API client: same-origin fetch with the session cookie, the CSRF header on every
// state-changing call, typed answers, errors as values the views show.
import { CSRF_HEADER, type OpsErrorBody, type OpsErrorCode, type SessionView } from "../../shared/ops/contract";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: OpsErrorCode | "NETWORK",
    message: string,
  ) {
    super(message);
  }
}

const BASE = "/ops/api/";
let csrf = "";
let onUnauthenticated: () => void = () => undefined;

export function useSession(s: SessionView | undefined, unauthenticated: () => void): void {
  csrf = s?.csrfToken ?? "";
  onUnauthenticated = unauthenticated;
}

async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (method === "POST") {
    headers["content-type"] = "application/json";
    // Before login there is no token yet; the header's presence is what the server checks then.
    headers[CSRF_HEADER] = csrf || "login";
  }
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      credentials: "same-origin",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, "NETWORK", "网络不可用，请稍后重试");
  }
  const data = (await res.json().catch(() => undefined)) as T | OpsErrorBody | undefined;
  if (res.ok) return data as T;
  const err = (data as OpsErrorBody | undefined)?.error;
  if (res.status === 401 && path !== "login") onUnauthenticated();
  throw new ApiError(res.status, err?.code ?? "INTERNAL", err?.message ?? `请求失败（HTTP ${res.status}）`);
}

export const get = <T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> => {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  return call<T>("GET", q ? `${path}?${q}` : path);
};
export const post = <T>(path: string, body: unknown = {}): Promise<T> => call<T>("POST", path, body);

/** A fresh idempotency token for one form (a resubmission of the same form reuses it). */
export function requestToken(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
