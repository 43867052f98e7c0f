// Page query values arrive as they were written in the URL; ours are percent-encoded.

export function decodeQueryValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a literal "%" that was never encoded
  }
}

export function decodeQuery<T extends Record<string, string | undefined>>(query: T): T {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(query)) out[key] = decodeQueryValue(query[key]);
  return out as T;
}
