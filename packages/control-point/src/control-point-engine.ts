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
import { createDropReporter } from './drop-reporter.ts';
import { createEngineCounters } from './engine-counters.ts';
import { createEventOutbox } from './event-outbox.ts';
import type { ControllerEvent, ControllerStats, DeviceSnapshot, DropReason } from './events.ts';
import { oneLine } from './one-line.ts';
import { createReceiveLoop, type ReceiveLoopInit } from './receive-loop.ts';
import { createReceiveWatch } from './receive-stats.ts';
import {
  createRegistry,
  type DeviceRecord,
  type Observation,
  type Registry,
  type RegistryEvent,
  type RegistryInit,
} from './registry.ts';
import { createRepeatFilter } from './repeat-filter.ts';
import { createSearchCycles } from './search-cycles.ts';
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
  const maxDevices = init.registry?.maxDevices ?? 10_000;
  const counters = createEngineCounters(maxDevices, log);
  const { counts } = counters;
  const scheduler = createScheduler({
    clock,
    onTaskError: (error) => log(`internal error in a timer: ${String(error)}`),
  });
  const registry: Registry = createRegistry(
    { describeWaitMs: init.describe ? 1000 : 0, ...init.registry, describe: init.describe },
    { clock, scheduler, onEvent: onRegistryEvent, onEvictedUnannounced: () => counters.evicted(false) },
  );
  // Receiving first: the socket callback only queues; parsing runs in slices, describing and output below it.
  const loop = createReceiveLoop(init.receiveLoop ?? {}, {
    handle: (datagram, receivedAt) => handleDatagram(datagram, receivedAt),
    onOverflow: (datagram) => drop('receive-queue-full', datagram),
    ...(components.defer === undefined ? {} : { defer: components.defer }),
    onTaskError: (error) => log(`internal error in a deferred task: ${oneLine(error)}`),
  });
  const outbox = createEventOutbox({ later: loop.later, deliver });
  const repeats = createRepeatFilter({ maxEntries: init.verbose === true ? 0 : (init.repeatCache ?? 16_384) });
  let state: 'idle' | 'started' | 'stopped' = 'idle';
  const running = (): boolean => state === 'started';
  const descriptions = describing(init, components, { registry, counters, later: loop.later, log, running });
  // Counted exactly here; reported at most once per reason per second (a flood must not flood stdout).
  const drops = createDropReporter({ clock, scheduler, emit: (event) => outbox.emit(event) });
  const receiving = createReceiveWatch(transport, log);
  const searchFor = createSearchMessages({ ...init, cpuuid: randomUUID() }, log);
  const searches = createSearchCycles(init, {
    transport,
    scheduler,
    searchFor,
    outbox,
    counts,
    log,
    now,
    running,
    onCycle: (cycle) => {
      if (cycle > 1) receiving.check();
      repeats.sweep();
    },
  });
  const handleDatagram = createDatagramHandler({
    init,
    registry,
    repeats,
    describer: descriptions?.describer,
    stats: counts,
    outbox,
    drop,
    maybeDescribe,
    now,
    log,
  });
  const unsubscribes: (() => void)[] = [];

  function onRegistryEvent(event: RegistryEvent): void {
    if (event.event === 'device-removed' && event.reason === 'evicted') counters.evicted(true);
    if (event.event === 'describe-failed') counts.describeFailed += 1;
    outbox.emit({ ...event, time: clock.now() });
  }

  function deliver(event: ControllerEvent): void {
    try {
      onEvent(event);
    } catch (error) {
      log(`an event handler failed: ${oneLine(error)}`);
    }
  }

  function drop(reason: DropReason, datagram: Datagram): void {
    counters.countDrop(reason);
    drops.drop(reason, {
      address: datagram.remote.address,
      port: datagram.remote.port,
      interfaceId: datagram.interfaceId,
    });
  }

  function maybeDescribe(record: DeviceRecord, observation: Observation, datagram: Datagram): void {
    descriptions?.request(record, observation, datagram);
  }

  /** The socket callback: queue and return (read time: first/last seen do not include the wait or the parse). */
  function onDatagram(datagram: Datagram): void {
    if (state !== 'started') return;
    counts.datagrams += 1;
    loop.push(datagram, now());
  }

  return {
    async start() {
      if (state !== 'idle') return;
      unsubscribes.push(transport.onDatagram(onDatagram));
      unsubscribes.push(transport.onError((error) => log(error.toOneLine())));
      await transport.start();
      receiving.started();
      loop.warm(); // before the search: its answers may all come at once
      descriptions?.warm(); // so the answers' descriptions do not wait for the HTTP client and the XML parser
      state = 'started';
      searches.start();
    },
    async stop() {
      if (state === 'stopped') return;
      const wasStarted = state === 'started';
      state = 'stopped';
      descriptions?.describer.stop();
      loop.stop();
      if (wasStarted) receiving.check();
      drops.flush();
      outbox.flush(); // what happened is still said; nothing new happens
      scheduler.clear();
      registry.clear();
      repeats.clear();
      searches.stop();
      for (const unsubscribe of unsubscribes) unsubscribe();
      await transport.stop();
    },
    search: (st) => searches.search(st),
    devices: () => registry.devices(),
    device(udn) {
      const record = registry.get(udn);
      return record !== undefined && record.announced && !record.removed ? registry.snapshot(record) : undefined;
    },
    settle() {
      loop.drainDatagrams(); // what was read before the listing counts
      registry.settleAll();
      receiving.check();
    },
    reportFound() {
      outbox.flush();
      for (const device of registry.devices()) onEvent({ event: 'device-found', time: now(), device });
    },
    whenDescribed: () => descriptions?.describer.idle() ?? Promise.resolve(),
    describeDrainBoundMs: (timeoutMs) => descriptions?.drainBoundMs(timeoutMs) ?? 0,
    whenSearched: () => searches.whenSearched(),
    get stats(): ControllerStats {
      return {
        ...counts,
        dropped: { ...counts.dropped },
        receiveQueuePeak: loop.peakQueued,
        kernelDrops: receiving.kernelDrops(),
        receiveBuffer: receiving.receiveBuffer(),
      };
    },
    scheduler,
  };
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
