// Everything the control point engine has to say, on its way to the caller's `onEvent`: events wait in the outbox
// (below receiving), a dropped datagram is counted exactly and reported coalesced (at most once per reason per
// second: a flood must not flood stdout), and a handler that throws is logged, never stops the engine.
import type { Clock, Scheduler } from '@ssdp/runtime';
import type { Datagram } from '@ssdp/transport';
import { createDropReporter, type DropReporter } from './drop-reporter.ts';
import type { EngineCounters } from './engine-counters.ts';
import { createEventOutbox, type EventOutbox } from './event-outbox.ts';
import type { ControllerEvent, DropReason } from './events.ts';
import { oneLine } from './one-line.ts';
import type { RegistryEvent } from './registry.ts';

export interface EngineOutputParts {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly counters: EngineCounters;
  /** Queues low-priority work (receive-loop.ts). */
  readonly later: (task: () => void) => void;
  readonly onEvent: (event: ControllerEvent) => void;
  readonly log: (line: string) => void;
}

export interface EngineOutput {
  readonly outbox: EventOutbox;
  readonly drops: DropReporter;
  /** Counts a dropped datagram under its reason and reports it. */
  readonly drop: (reason: DropReason, datagram: Datagram) => void;
  /** The registry's events: evictions and failed descriptions counted, then queued with their time. */
  readonly onRegistryEvent: (event: RegistryEvent) => void;
}

export function createEngineOutput(parts: EngineOutputParts): EngineOutput {
  const { clock, counters, onEvent, log } = parts;
  const deliver = (event: ControllerEvent): void => {
    try {
      onEvent(event);
    } catch (error) {
      log(`an event handler failed: ${oneLine(error)}`);
    }
  };
  const outbox = createEventOutbox({ later: parts.later, deliver });
  const drops = createDropReporter({ clock, scheduler: parts.scheduler, emit: (event) => outbox.emit(event) });
  return {
    outbox,
    drops,
    drop(reason, datagram) {
      counters.countDrop(reason);
      drops.drop(reason, {
        address: datagram.remote.address,
        port: datagram.remote.port,
        interfaceId: datagram.interfaceId,
      });
    },
    onRegistryEvent(event) {
      if (event.event === 'device-removed' && event.reason === 'evicted') counters.evicted(true);
      if (event.event === 'describe-failed') counters.counts.describeFailed += 1;
      outbox.emit({ ...event, time: clock.now() });
    },
  };
}
