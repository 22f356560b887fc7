// What createControlPointEngine wires, as its lifecycle (engine-lifecycle.ts) and its other methods
// (engine-methods.ts) use it.
import type { Scheduler } from '@ssdp/runtime';
import type { SsdpTransport } from '@ssdp/transport';
import type { DescriptionRequests } from './description-requests.ts';
import type { DropReporter } from './drop-reporter.ts';
import type { EngineCounts } from './engine-counters.ts';
import type { EventOutbox } from './event-outbox.ts';
import type { ControllerEvent } from './events.ts';
import type { ReceiveLoop } from './receive-loop.ts';
import type { ReceiveWatch } from './receive-stats.ts';
import type { Registry } from './registry.ts';
import type { RepeatFilter } from './repeat-filter.ts';
import type { SearchCycles } from './search-cycles.ts';

export interface EngineParts {
  readonly transport: SsdpTransport;
  readonly scheduler: Scheduler;
  readonly registry: Registry;
  readonly loop: ReceiveLoop;
  readonly outbox: EventOutbox;
  readonly repeats: RepeatFilter;
  /** Undefined when `describe` is off. */
  readonly descriptions: DescriptionRequests | undefined;
  readonly drops: DropReporter;
  readonly receiving: ReceiveWatch;
  readonly searches: SearchCycles;
  readonly counts: EngineCounts;
  /** The transport subscriptions, undone at stop (also after a start that failed). */
  readonly unsubscribes: (() => void)[];
  /** The caller's event handler, unguarded. */
  readonly onEvent: (event: ControllerEvent) => void;
  readonly now: () => number;
  readonly log: (line: string) => void;
}
