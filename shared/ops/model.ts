// What the console stores, in its own collections (named in COLLECTIONS, declared in
// shared/store/schema.ts).
import type { AuditView, Role } from "./contract";

export interface OperatorDoc {
  _id: string; // username
  role: Role;
  /** scrypt$N$r$p$salt$hash (base64); never the password. */
  passwordHash: string;
  disabled: boolean;
  /** Failed logins since the last success or lock. */
  failedLogins: number;
  lockedUntil?: number;
  createdAt: number;
  createdBy?: string;
  lastLoginAt?: number;
}

export interface OpsSessionDoc {
  _id: string; // sha256 of the session token, hex: the token itself is never stored
  username: string;
  /** Sent back in the CSRF header with every state-changing request. */
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

/** One audit record, stored as the page shows it (`AuditView`), `_id` for its `id`. */
export type OpsAuditDoc = Omit<AuditView, "id"> & { _id: string };

/** A person's handling of one exception (key as in the queue). */
export interface OpsResolutionDoc {
  _id: string;
  resolved?: { note: string; by: string; at: number };
  rerouted?: { type: "USER_BANK_CARD" | "MERCHANT_BANK_CARD"; by: string; at: number };
}
