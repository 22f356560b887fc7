// Reports dropped datagrams without letting a flood flood stdout (as the device does): the first drop of a
// reason is reported at once, with its sender; further drops of that reason within the next second are summed
// into one event at the end of that second (`count`, and `address` when they all came from one sender). The
// caller keeps the exact counters; this only decides what is printed.
import type { Clock, ScheduledTask, Scheduler } from '@ssdp/transport';
import type { ControllerEvent, DropReason } from './events.ts';

export const DROP_REPORT_WINDOW_MS = 1000;

export interface DroppedDatagram {
  readonly address: string;
  readonly port: number;
  readonly interfaceId: string;
}

export interface DropReporter {
  drop(reason: DropReason, from: DroppedDatagram): void;
  /** Reports what is still being summed (at shutdown). */
  flush(): void;
}

interface Window {
  until: number;
  pending: number;
  /** The one sender of the pending drops; '' once a second sender shows up. */
  address: string | undefined;
  task: ScheduledTask | undefined;
}

export function createDropReporter(components: {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly emit: (event: Extract<ControllerEvent, { event: 'dropped' }>) => void;
}): DropReporter {
  const { clock, scheduler, emit } = components;
  const windows = new Map<DropReason, Window>();

  function report(reason: DropReason, window: Window): void {
    window.task = undefined;
    if (window.pending === 0) return;
    const address = window.address;
    emit({
      event: 'dropped',
      time: clock.now(),
      reason,
      count: window.pending,
      ...(address === undefined || address === '' ? {} : { address }),
    });
    window.pending = 0;
    window.address = undefined;
    window.until = clock.now() + DROP_REPORT_WINDOW_MS;
  }

  return {
    drop(reason, from) {
      const now = clock.now();
      let window = windows.get(reason);
      if (window === undefined) {
        window = { until: 0, pending: 0, address: undefined, task: undefined };
        windows.set(reason, window);
      }
      if (now >= window.until && window.pending === 0) {
        window.until = now + DROP_REPORT_WINDOW_MS;
        emit({
          event: 'dropped',
          time: now,
          reason,
          count: 1,
          address: from.address,
          port: from.port,
          interfaceId: from.interfaceId,
        });
        return;
      }
      window.pending += 1;
      if (window.address === undefined) window.address = from.address;
      else if (window.address !== from.address) window.address = '';
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
