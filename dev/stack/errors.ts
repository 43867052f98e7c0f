// Errors the stack answers with: a stable code, a human message and the HTTP status to use.

/** Codes the local stack answers with. Database codes mirror CloudBase names where one exists. */
export type StackErrorCode =
  | "INVALID_JSON"
  | "BODY_TOO_LARGE"
  | "INVALID_PARAM"
  | "UNSUPPORTED_ACTION"
  | "UNSUPPORTED_OPERATOR"
  | "DATABASE_COLLECTION_NOT_EXIST"
  | "DATABASE_COLLECTION_ALREADY_EXIST"
  | "DATABASE_QUERY_NOT_INDEXED"
  | "DATABASE_DUPLICATE_WRITE"
  | "DATABASE_TRANSACTION_CONFLICT"
  | "DATABASE_TRANSACTION_NOT_FOUND"
  | "NOT_FOUND"
  | "FORBIDDEN_HOST"
  | "FORBIDDEN_ORIGIN"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "SIGN_PARAM_INVALID";

export class StackError extends Error {
  readonly code: StackErrorCode;
  readonly status: number;
  constructor(code: StackErrorCode, message: string, status = 200) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
