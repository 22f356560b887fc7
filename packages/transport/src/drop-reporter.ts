// Reports drops without letting a flood flood the output, for any closed union of reasons: the first drop of a
// reason is reported at once, with its details; further drops of that reason within the next second are summed
// into one report at the end of that second (with the sender when they all came from one). The caller keeps the
// exact counters and builds its own events; this only decides when and what is reported.
import type { Clock, ScheduledTask, Scheduler } from '@ssdp/runtime';

export const DROP_REPORT_WINDOW_MS = 1000;

/** One report: `first` is the drop that opened a window (reported alone); otherwise `count` drops were summed. */
export interface DropReport<Reason extends string, Details> {
  readonly reason: Reason;
  readonly count: number;
  readonly first: Details | undefined;
  /** The one sender of summed drops; undefined when there were several (or none was given). */
  readonly sender: string | undefined;
}

export interface DropReporter<Reason extends string, Details> {
  /** `count` drops of `reason`; `sender` is the source address, when there is one. */
  drop(reason: Reason, count: number, details: Details, sender?: string): void;
  /** Reports what is still being summed (at shutdown). */
  flush(): void;
}

export interface DropReporterComponents<Reason extends string, Details> {
  readonly clock: Pick<Clock, 'now'>;
  readonly scheduler: Scheduler;
  readonly report: (report: DropReport<Reason, Details>) => void;
}

interface Window {
  until: number;
  pending: number;
  /** The one sender of the pending drops; '' once a second sender (or an unknown one) shows up. */
  sender: string | undefined;
  task: ScheduledTask | undefined;
}

export function createDropReporter<Reason extends string, Details>(
  components: DropReporterComponents<Reason, Details>,
): DropReporter<Reason, Details> {
  const { clock, scheduler, report } = components;
  const windows = new Map<Reason, Window>();

  function reportSum(reason: Reason, window: Window): void {
    window.task = undefined;
    if (window.pending === 0) return;
    const sender = window.sender === '' ? undefined : window.sender;
    report({ reason, count: window.pending, first: undefined, sender });
    window.pending = 0;
    window.sender = undefined;
    window.until = clock.now() + DROP_REPORT_WINDOW_MS;
  }

  return {
    drop(reason, count, details, sender) {
      if (count <= 0) return;
      const now = clock.now();
      let window = windows.get(reason);
      if (window === undefined) {
        window = { until: 0, pending: 0, sender: undefined, task: undefined };
        windows.set(reason, window);
      }
      if (now >= window.until && window.pending === 0) {
        window.until = now + DROP_REPORT_WINDOW_MS;
        report({ reason, count, first: details, sender });
        return;
      }
      window.pending += count;
      if (window.sender === undefined) window.sender = sender ?? '';
      else if (window.sender !== sender) window.sender = '';
      const current = window;
      current.task ??= scheduler.scheduleAt(current.until, () => reportSum(reason, current));
    },
    flush() {
      for (const [reason, window] of windows) {
        if (window.task !== undefined) scheduler.cancel(window.task);
        reportSum(reason, window);
      }
    },
  };
}
