// The control point engine: searches on a cadence, listens to every advertisement at the same time, keeps the
// registry and describes devices. Everything time-based runs on one scheduler driven by the injected clock, and
// everything it has to say goes to `onEvent` (output.ts prints it).
// Receiving never waits: the socket callback only queues the datagram; parsing and the registry run in slices of
// the work loop (receive-loop.ts), a repeated advertisement is recognised before the parse (repeat-filter.ts), and
// describing and event output run below them (event-outbox.ts). The kernel's drops are read, never ignored.
import { randomUUID } from 'node:crypto';
import { createScheduler, type Clock, type Scheduler } from '@ssdp/runtime';
import { type Datagram, type SsdpTransport, InvalidOptionError } from '@ssdp/transport';
import { createDatagramHandler } from './datagram-handler.ts';
import type { DescriptionFetcher } from './description-fetcher.ts';
import {
  createDescriptionRequests,
  type DescriptionRequests,
  type DescriptionRequestsParts,
} from './description-requests.ts';
import { createEngineCounters } from './engine-counters.ts';
import { startEngine, stopEngine } from './engine-lifecycle.ts';
import { engineMethods, engineStats } from './engine-methods.ts';
import { createEngineOutput } from './engine-output.ts';
import type { EngineParts } from './engine-parts.ts';
import type { ControllerEvent, ControllerStats, DeviceSnapshot } from './events.ts';
import { oneLine } from './one-line.ts';
import { createReceiveLoop, type ReceiveLoopInit } from './receive-loop.ts';
import { createReceiveWatch, type ReceiveWatch } from './receive-stats.ts';
import { createRegistry, type Registry, type RegistryInit } from './registry.ts';
import { createRepeatFilter, type RepeatFilter } from './repeat-filter.ts';
import { createSearchCycles, type SearchCycles, type SearchCyclesParts } from './search-cycles.ts';
import { createSearchMessages } from './search-messages.ts';

export interface ControlPointEngineInit {
  readonly profile: 'upnp' | 'legacy';
  /** ST of the M-SEARCH. */
  readonly target: string;
  /** MX of the M-SEARCH, seconds. */
  readonly mx: number;
  /** Time between search cycles, ms. */
  readonly intervalMs: number;
  /** Search cycles to run; undefined: until stopped. `--once` runs 1. */
  readonly cycles?: number;
  /** Delay between the two sends of a cycle, ms. Default 100. */
  readonly repeatDelayMs?: number;
  /** The SSDP port (HOST header; legacy: the broadcast destination port). */
  readonly port: number;
  /** Legacy: the broadcast address to search; default each interface's directed broadcast. */
  readonly broadcast?: string;
  /** Fetch LOCATION (needs `fetcher`). */
  readonly describe: boolean;
  /** Report every datagram as a `message-received` event. */
  readonly verbose?: boolean;
  readonly userAgent: string;
  /** CPFN.UPNP.ORG. Default `ssdp-controller`. */
  readonly friendlyName?: string;
  readonly registry?: RegistryInit;
  readonly describeConcurrency?: number;
  readonly describeQueue?: number;
  /** Description fetches at once per sender address (default 4; see describer.ts). */
  readonly describePerSender?: number;
  /** Datagrams waiting to be parsed, at most (receive-loop.ts), and how the work is sliced. Default 32,768. */
  readonly receiveLoop?: ReceiveLoopInit;
  /** Advertisements remembered to recognise their repeats before parsing (repeat-filter.ts); 0 = off. Default 16,384. */
  readonly repeatCache?: number;
}

export interface ControlPointEngineComponents {
  readonly transport: SsdpTransport;
  readonly clock: Clock;
  /** Required when `describe` is on. */
  readonly fetcher?: DescriptionFetcher;
  readonly onEvent: (event: ControllerEvent) => void;
  /** One-line warnings for stderr. */
  readonly onLog?: (line: string) => void;
  /** Runs a turn of the work loop after the next poll of the sockets. Default setImmediate. */
  readonly defer?: (turn: () => void) => void;
}

export interface ControlPointEngine {
  /** Starts the transport (rejects with its TransportError) and the first search cycle. */
  start(): Promise<void>;
  /** Stops searching, aborts descriptions, stops the transport. Idempotent. */
  stop(): Promise<void>;
  /** Announced devices. */
  devices(): DeviceSnapshot[];
  /** The announced device with this UDN (any case), if any. */
  device(udn: string): DeviceSnapshot | undefined;
  /** One extra search for `st` now (both sends, cycle 0); resolves once the second is sent. */
  search(st: string): Promise<void>;
  /** Announces devices still waiting to learn whether they are roots (before a final listing). */
  settle(): void;
  /** Emits one `device-found` per device. */
  reportFound(): void;
  /** Resolves when no description is running or queued. */
  whenDescribed(): Promise<void>;
  /** The longest the outstanding descriptions can take (see description-requests.ts); 0 when idle. */
  describeDrainBoundMs(timeoutMs: number): number;
  /** Resolves when the last of `cycles` search cycles has sent both its searches. */
  whenSearched(): Promise<void>;
  /** A snapshot of the counters, with the kernel's drops (read from /proc) and the receive buffer granted. */
  readonly stats: ControllerStats;
  /** The shared scheduler (for callers that need a deadline on the same clock). */
  readonly scheduler: Scheduler;
}

export function createControlPointEngine(
  init: ControlPointEngineInit,
  components: ControlPointEngineComponents,
): ControlPointEngine {
  const { transport, clock, onEvent } = components;
  const log = components.onLog ?? (() => undefined);
  const now = (): number => clock.now();
  const counters = createEngineCounters(init.registry?.maxDevices ?? 10_000, log);
  const { counts } = counters;
  const scheduler = createScheduler({
    clock,
    onTaskError: (error) => log(`internal error in a timer: ${String(error)}`),
  });
  // Receiving first: the socket callback only queues; parsing runs in slices, describing and output below it.
  const loop = createReceiveLoop(init.receiveLoop ?? {}, {
    handle: (datagram, receivedAt) => handleDatagram(datagram, receivedAt),
    onOverflow: (datagram) => drop('receive-queue-full', datagram),
    ...(components.defer === undefined ? {} : { defer: components.defer }),
    onTaskError: (error) => log(`internal error in a deferred task: ${oneLine(error)}`),
  });
  const output = createEngineOutput({ clock, scheduler, counters, later: loop.later, onEvent, log });
  const { outbox, drops, drop } = output;
  const registry: Registry = createRegistry(
    { describeWaitMs: init.describe ? 1000 : 0, ...init.registry, describe: init.describe },
    { clock, scheduler, onEvent: output.onRegistryEvent, onEvictedUnannounced: () => counters.evicted(false) },
  );
  const repeats = createRepeatFilter({ maxEntries: init.verbose === true ? 0 : (init.repeatCache ?? 16_384) });
  let state: 'idle' | 'started' | 'stopped' = 'idle';
  const running = (): boolean => state === 'started';
  const descriptions = describing(init, components, { registry, counters, later: loop.later, log, running });
  const receiving = createReceiveWatch(transport, log);
  const searches = searching(init, { transport, scheduler, outbox, counts, log, now, running, receiving, repeats });
  const handleDatagram = createDatagramHandler({
    init,
    registry,
    repeats,
    describer: descriptions?.describer,
    stats: counts,
    outbox,
    drop,
    maybeDescribe: (record, observation, datagram) => descriptions?.request(record, observation, datagram),
    now,
    log,
  });
  const parts: EngineParts = {
    transport,
    scheduler,
    registry,
    loop,
    outbox,
    repeats,
    descriptions,
    drops,
    receiving,
    searches,
    counts,
    unsubscribes: [],
    onEvent,
    now,
    log,
  };

  /** The socket callback: queue and return (read time: first/last seen do not include the wait or the parse). */
  function onDatagram(datagram: Datagram): void {
    if (state !== 'started') return;
    counts.datagrams += 1;
    loop.push(datagram, now());
  }

  return {
    start() {
      if (state !== 'idle') return Promise.resolve();
      return startEngine(parts, onDatagram, () => {
        state = 'started';
      });
    },
    stop() {
      if (state === 'stopped') return Promise.resolve();
      const wasStarted = state === 'started';
      state = 'stopped';
      return stopEngine(parts, wasStarted);
    },
    ...engineMethods(parts),
    get stats(): ControllerStats {
      return engineStats(parts);
    },
    scheduler,
  };
}

/** The search cycles; each cycle checks the kernel's drops (from the second on) and sweeps the repeat filter. */
function searching(
  init: ControlPointEngineInit,
  parts: Omit<SearchCyclesParts, 'searchFor' | 'onCycle'> & { receiving: ReceiveWatch; repeats: RepeatFilter },
): SearchCycles {
  const { receiving, repeats, ...cycleParts } = parts;
  return createSearchCycles(init, {
    ...cycleParts,
    searchFor: createSearchMessages({ ...init, cpuuid: randomUUID() }, parts.log),
    onCycle: (cycle) => {
      if (cycle > 1) receiving.check();
      repeats.sweep();
    },
  });
}

/** The description requests when `describe` is on (it needs a fetcher), else undefined. */
function describing(
  init: ControlPointEngineInit,
  components: ControlPointEngineComponents,
  parts: Omit<DescriptionRequestsParts, 'fetcher'>,
): DescriptionRequests | undefined {
  if (!init.describe) return undefined;
  if (components.fetcher === undefined) throw new InvalidOptionError('describe', 'needs a description fetcher');
  return createDescriptionRequests(
    { ...init, maxDevices: init.registry?.maxDevices ?? 10_000 },
    { ...parts, fetcher: components.fetcher },
  );
}
