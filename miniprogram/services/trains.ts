// The `trains` function answers trains or stations depending on the action; these helpers narrow
// the contract's union so pages get exact types. The station list is kept for the session: it
// changes with the timetable, not between two visits to the station page.
import type { StationsResult, TrainSearchRequest, TrainsResult } from "../../shared/contracts/api";
import { call } from "./api";
import { ApiCallError, SERVICE_DOWN_MESSAGE } from "./errors";
import { noteServerNow } from "./server-clock";

function broken(): ApiCallError {
  return new ApiCallError("INTERNAL", SERVICE_DOWN_MESSAGE, true);
}

export async function findTrains(filter: TrainSearchRequest): Promise<TrainsResult> {
  const res = await call("trains", filter);
  if (!("trains" in res) || !Array.isArray(res.trains)) throw broken();
  noteServerNow(res.serverNow);
  return res;
}

let stations: Promise<StationsResult> | undefined;

/** The stations the catalog serves: asked once per session; a failed ask is not kept (重试 asks again). */
export function loadStations(): Promise<StationsResult> {
  if (!stations) {
    const asking = call("trains", { action: "stations" }).then((res) => {
      if (!("stations" in res) || !Array.isArray(res.stations)) throw broken();
      noteServerNow(res.serverNow);
      return res;
    });
    stations = asking;
    asking.catch(() => {
      if (stations === asking) stations = undefined;
    });
  }
  return stations;
}

/** Forgets the session's list (a new session; tests start each case with one). */
export function forgetStations(): void {
  stations = undefined;
}
