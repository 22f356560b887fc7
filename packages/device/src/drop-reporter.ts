// The device's drops: counted by reason in its stats, and reported as `dropped` events through the transport's
// coalescing reporter (the first at once, with its source; the rest summed per second). `not-a-search`
// (NOTIFYs and responses of the neighbours, our own multicast looped back) is normal traffic: counted, never
// reported one by one.
import type { Clock, Scheduler } from '@ssdp/runtime';
import { createDropReporter as createReporter } from '@ssdp/transport';
import type { DropDetails, UnstampedEvent } from './device-context.ts';
import type { DeviceStats, DropReason } from './events.ts';

export interface DropReporter {
  drop(reason: DropReason, count: number, details?: DropDetails): void;
  /** Reports what is still being summed (at shutdown). */
  flush(): void;
}

export function createDropReporter(components: {
  clock: Clock;
  scheduler: Scheduler;
  stats: DeviceStats;
  emit: (event: UnstampedEvent) => void;
}): DropReporter {
  const { stats, emit } = components;
  const reporter = createReporter<DropReason, DropDetails>({
    clock: components.clock,
    scheduler: components.scheduler,
    report: ({ reason, count, first }) => emit({ event: 'dropped', reason, count, ...first }),
  });
  return {
    drop(reason, count, details = {}) {
      if (count <= 0) return;
      stats.dropped[reason] += count;
      if (reason !== 'not-a-search') reporter.drop(reason, count, details);
    },
    flush: reporter.flush,
  };
}
