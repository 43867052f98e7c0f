// Loads the catalog's trains for the days ahead. Existing trains are left as they are (their seats
// are live stock); only missing ones are added, so it is safe to run at every start.
import { catalogFor } from "./catalog";
import type { Repos } from "../store/repos";

/** The days ahead on sale (12306 sells 15 days including today). */
export const SEED_DAYS = 14;

export async function seedTrains(db: Pick<Repos, "trains">, now: number, days = SEED_DAYS): Promise<{ added: number; existing: number }> {
  let added = 0;
  let existing = 0;
  for (const doc of catalogFor(now, days)) {
    if ((await db.trains.insert(doc)) === "inserted") added++;
    else existing++;
  }
  return { added, existing };
}
