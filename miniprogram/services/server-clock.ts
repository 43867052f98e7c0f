// The server's clock as last seen: "today" on the pages is the server's date (China time), not the
// phone's, which may be set wrong. Each answer carrying serverNow updates the offset.

let offsetMs = 0;

export function noteServerNow(serverNow: number): void {
  if (typeof serverNow !== "number" || !Number.isFinite(serverNow)) return;
  offsetMs = serverNow - Date.now();
}

/** Epoch ms by the server's clock (the phone's until a server time was seen). */
export function serverNow(): number {
  return Date.now() + offsetMs;
}
