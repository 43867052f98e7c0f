// Fires every declared timer trigger on its schedule, checking once per wall-clock second.
import type { FunctionConfig } from "../config";
import { cronMatches, parseCron, type CronSchedule } from "./cron";

export interface TimerEvent {
  Type: "Timer";
  TriggerName: string;
  Time: string;
  Message: string;
}

export function timerEvent(triggerName: string, at: Date): TimerEvent {
  // SCF sends the trigger time without milliseconds and an empty Message unless one is configured.
  return { Type: "Timer", TriggerName: triggerName, Time: at.toISOString().replace(/\.\d{3}Z$/, "Z"), Message: "" };
}

interface Scheduled {
  fn: string;
  trigger: string;
  schedule: CronSchedule;
}

export class TimerScheduler {
  private readonly entries: Scheduled[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastSecond = 0;

  constructor(
    configs: Map<string, FunctionConfig>,
    private readonly fire: (fn: string, event: TimerEvent) => void,
  ) {
    for (const cfg of configs.values()) {
      for (const t of cfg.timers) this.entries.push({ fn: cfg.name, trigger: t.name, schedule: parseCron(t.config) });
    }
  }

  start(): void {
    const tick = () => {
      const now = Date.now();
      const second = Math.floor(now / 1000);
      if (second !== this.lastSecond) {
        this.lastSecond = second;
        const at = new Date(second * 1000);
        for (const e of this.entries) if (cronMatches(e.schedule, at)) this.fire(e.fn, timerEvent(e.trigger, at));
      }
      this.timer = setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
