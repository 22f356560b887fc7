// The control point's `dropped` events, through the transport's coalescing reporter: the first drop of a reason
// at once, with its sender; further drops of that reason within the next second summed into one event at the end
// of that second (`count`, and `address` when they all came from one sender). The caller keeps the exact counters.
import type { Clock, Scheduler } from '@ssdp/runtime';
import { createDropReporter as createReporter } from '@ssdp/transport';
import type { ControllerEvent, DropReason } from './events.ts';

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

export function createDropReporter(components: {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly emit: (event: Extract<ControllerEvent, { event: 'dropped' }>) => void;
}): DropReporter {
  const { clock, emit } = components;
  const reporter = createReporter<DropReason, DroppedDatagram>({
    clock,
    scheduler: components.scheduler,
    report: ({ reason, count, first, sender }) =>
      emit(
        first === undefined
          ? { event: 'dropped', time: clock.now(), reason, count, ...(sender === undefined ? {} : { address: sender }) }
          : { event: 'dropped', time: clock.now(), reason, count, ...first },
      ),
  });
  return {
    drop: (reason, from) => reporter.drop(reason, 1, from, from.address),
    flush: reporter.flush,
  };
}
