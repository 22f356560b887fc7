// Counts every drop by reason and reports it without letting a flood flood the output: the first drop of a
// reason is reported at once (with its source), further ones within the next second are summed into one
// event at the end of that second. `not-a-search` (NOTIFYs and responses of the neighbours, our own multicast
// looped back) is normal traffic: counted, never reported one by one.
import type { Clock, ScheduledTask, Scheduler } from '@ssdp/transport';
import type { DropDetails, UnstampedEvent } from './device-context.ts';
import type { DeviceStats, DropReason } from './events.ts';

export const DROP_REPORT_WINDOW_MS = 1000;

export interface DropReporter {
  drop(reason: DropReason, count: number, details?: DropDetails): void;
  /** Reports what is still being summed (at shutdown). */
  flush(): void;
}

interface Window {
  until: number;
  pending: number;
  task: ScheduledTask | undefined;
}

export function createDropReporter(components: {
  clock: Clock;
  scheduler: Scheduler;
  stats: DeviceStats;
  emit: (event: UnstampedEvent) => void;
}): DropReporter {
  const { clock, scheduler, stats, emit } = components;
  const windows = new Map<DropReason, Window>();

  function report(reason: DropReason, window: Window): void {
    window.task = undefined;
    if (window.pending === 0) return;
    emit({ event: 'dropped', reason, count: window.pending });
    window.pending = 0;
    window.until = clock.now() + DROP_REPORT_WINDOW_MS;
  }

  return {
    drop(reason, count, details = {}) {
      if (count <= 0) return;
      stats.dropped[reason] += count;
      if (reason === 'not-a-search') return;
      const now = clock.now();
      let window = windows.get(reason);
      if (window === undefined) {
        window = { until: 0, pending: 0, task: undefined };
        windows.set(reason, window);
      }
      if (now >= window.until && window.pending === 0) {
        window.until = now + DROP_REPORT_WINDOW_MS;
        emit({ event: 'dropped', reason, count, ...details });
        return;
      }
      window.pending += count;
      const current = window;
      current.task ??= scheduler.scheduleAt(current.until, () => report(reason, current));
    },
    flush() {
      for (const [reason, window] of windows) {
        if (window.task !== undefined) scheduler.cancel(window.task);
        report(reason, window);
      }
    },
  };
}
