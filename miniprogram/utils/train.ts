// A train as the pages show it: its schedule plus the duration as text.
import type { TrainSchedule, TrainView } from "../../shared/contracts/api";
import { formatDuration } from "./time";

export interface TrainHeading extends TrainSchedule {
  durationText: string;
}

export function trainHeading(t: TrainView): TrainHeading {
  return {
    trainNo: t.trainNo,
    from: t.from,
    to: t.to,
    date: t.date,
    departTime: t.departTime,
    arriveTime: t.arriveTime,
    durationText: formatDuration(t.durationMinutes),
  };
}
