// Loads the catalog's trains for the days ahead. Existing trains are left as they are (their seats
// are live stock); only missing ones are added, so it is safe to run at every start.
import { catalogFor } from "./catalog";
import type { Repos } from "../store/repos";

/** Inserts in flight at once: each is its own conditional insert, so order does not matter, and a
 *  few at a time keep the round trips of a fresh stack's 210 trains from adding up. */
const PARALLEL = 8;

export async function seedTrains(db: Pick<Repos, "trains">, now: number, days = 14): Promise<{ added: number; existing: number }> {
  let added = 0;
  let existing = 0;
  const docs = catalogFor(now, days);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < docs.length) {
      const doc = docs[next++]!;
      if ((await db.trains.insert(doc)) === "inserted") added++;
      else existing++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, docs.length) }, worker));
  return { added, existing };
}
