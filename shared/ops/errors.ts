// Console errors: values with codes, each with its HTTP status. AppError (the services' errors)
// maps through the same table.
import { AppError } from "../errors";
import type { OpsErrorCode } from "./contract";

export class OpsError extends Error {
  constructor(
    readonly code: OpsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "OpsError";
  }
}

const STATUS: Record<OpsErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ORDER_STATE: 409,
  REFUND_EXCEEDED: 409,
  SOLD_OUT: 409,
  ACCOUNT_LOCKED: 423,
  PAYMENT_FAILED: 502,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export const statusOf = (code: OpsErrorCode): number => STATUS[code];

/** A typed error of either kind, or undefined for anything unexpected. */
export function asTyped(e: unknown): { code: OpsErrorCode; message: string } | undefined {
  if (e instanceof OpsError || e instanceof AppError) return { code: e.code, message: e.message };
  return undefined;
}
