// trains: what can be booked, filtered by route and date; seats left come from the train documents.
import type { TrainsResult } from "../contracts/api";
import { chinaDate, toTrainView } from "../catalog/catalog";
import type { StoreDeps } from "./deps";

export interface TrainsInput {
  from?: string;
  to?: string;
  date?: string;
}

export async function searchTrains(deps: StoreDeps, input: TrainsInput): Promise<TrainsResult> {
  const now = deps.now();
  const where: Record<string, unknown> = { departAt: { $gt: now } };
  if (input.from) where.from = input.from;
  if (input.to) where.to = input.to;
  where.date = input.date ?? chinaDate(now);
  const list = await deps.db.trains.find(where, { orderBy: ["departAt", "asc"], limit: 100 });
  return { trains: list.map(toTrainView), serverNow: now };
}
