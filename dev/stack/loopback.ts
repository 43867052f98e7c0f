// The stack is dev-only: it must never listen on anything but the loopback interface.
import { isIP } from "node:net";

export function isLoopbackHost(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1";
  return false;
}

export class NonLoopbackHostError extends Error {
  readonly code = "NON_LOOPBACK_HOST";
  constructor(host: string) {
    super(`refusing to listen on ${host}: the local stack only binds loopback (127.0.0.1, ::1, localhost)`);
  }
}
