// Resident ID numbers (GB 11643-1999): 17 digits, a check character, a real birth date.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

export function idCardCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

export function isValidIdCardNo(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return false;
  if (birth.getTime() > Date.now()) return false;
  return idCardCheckChar(id.slice(0, 17)) === id[17];
}

/** "110105199003071234" → "110***********1234": enough to recognise, not enough to use. */
export function maskIdCardNo(id: string): string {
  return id.slice(0, 3) + "*".repeat(Math.max(0, id.length - 7)) + id.slice(-4);
}
