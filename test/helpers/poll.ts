// Waiting on the real stack (a process of its own, with its own timers): poll with a deadline. The
// deadline is generous because the machine may be busy with another suite; a passing test returns
// as soon as its condition holds. In-process tests never need this (fake clock, explicit events).
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
