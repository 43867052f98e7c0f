// Idempotency tokens: one per booking or refund attempt, so a retry or a double tap acts once.
// Uniqueness per user is what matters (the server scopes tokens to the caller's OPENID).

let counter = 0;

export function newToken(prefix: string): string {
  counter = (counter + 1) % 1_000_000;
  const random = Math.random().toString(36).slice(2, 12);
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}-${random}`;
}
