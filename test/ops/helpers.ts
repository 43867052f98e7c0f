// A console client for the tests: what a browser does (cookie jar, Origin, the CSRF header) made
// explicit, so each check can leave one part out.
import { request } from "node:http";
import type { SessionView } from "../../shared/ops/contract";
import type { TestStack } from "../helpers/stack";

export const ADMIN_PASSWORD = "admin-password-for-tests";

export interface OpsAnswer<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export class OpsClient {
  cookie = "";
  csrf = "";
  constructor(readonly stack: TestStack) {}

  get origin(): string {
    return this.stack.baseUrl;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string | undefined> = {},
  ): Promise<OpsAnswer<T>> {
    const h: Record<string, string> = {};
    if (this.cookie) h.cookie = this.cookie;
    if (method !== "GET") {
      h.origin = this.origin;
      h["content-type"] = "application/json";
      h["x-csrf-token"] = this.csrf || "login";
    }
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) delete h[k];
      else h[k] = v;
    }
    const res = await fetch(this.stack.baseUrl + "/ops/api/" + path, {
      method,
      headers: h,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    // The BOM of a CSV is part of what is checked: decoded as is.
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed as T };
  }

  get = <T = unknown>(path: string) => this.request<T>("GET", path);
  post = <T = unknown>(path: string, body: unknown = {}, headers: Record<string, string | undefined> = {}) =>
    this.request<T>("POST", path, body, headers);

  async login(username: string, password: string): Promise<OpsAnswer<SessionView>> {
    const r = await this.post<SessionView>("login", { username, password });
    const set = r.headers.get("set-cookie");
    if (r.status === 200 && set) {
      this.cookie = set.split(";")[0]!;
      this.csrf = r.body.csrfToken;
    }
    return r;
  }
}

/** A logged-in client for a new operator of that role (created by admin). */
export async function operatorClient(stack: TestStack, admin: OpsClient, username: string, role: string): Promise<OpsClient> {
  const password = `${username}-password-123`;
  const created = await admin.post("operators", { username, role, password });
  if (created.status !== 200) throw new Error(`add ${username}: ${created.status} ${created.text}`);
  const c = new OpsClient(stack);
  const r = await c.login(username, password);
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
  return c;
}

/** A GET with a Host header of our choosing (fetch does not let a caller set Host). */
export function getWithHost(baseUrl: string, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(baseUrl + path, { method: "GET", headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}
