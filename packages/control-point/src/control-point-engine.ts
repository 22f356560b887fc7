// The control point engine: searches on a cadence, listens to every advertisement at the same time, keeps the
// registry and describes devices. Everything time-based runs on one scheduler driven by the injected clock, and
// everything it has to say goes to `onEvent` (output.ts prints it).
// Receiving never waits: the socket callback only queues the datagram; parsing and the registry run in slices of
// the work loop (receive-loop.ts), a repeated advertisement is recognised before the parse (repeat-filter.ts), and
// describing and event output run below them (event-outbox.ts). The kernel's drops are read, never ignored.
import { randomUUID } from 'node:crypto';
import {
  createScheduler,
  type Clock,
  type Datagram,
  type Scheduler,
  type SsdpTransport,
  InvalidOptionError,
} from '@ssdp/transport';
import { createDescriber, type Describer } from './describer.ts';
import { createDropReporter } from './drop-reporter.ts';
import type { DescriptionFetcher } from './description-fetcher.ts';
import { createEventOutbox } from './event-outbox.ts';
import type { ControllerEvent, ControllerStats, DeviceSnapshot, DropReason } from './events.ts';
import { createDatagramHandler } from './datagram-handler.ts';
import { oneLine } from './one-line.ts';
import { createReceiveLoop, type ReceiveLoopInit } from './receive-loop.ts';
import { createRegistry, type DeviceRecord, type Observation, type Registry, type RegistryInit } from './registry.ts';
import { createRepeatFilter } from './repeat-filter.ts';
import { createSearchMessages } from './search-messages.ts';
import { createReceiveWatch } from './receive-stats.ts';

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
  /**
   * The longest the outstanding descriptions can take: each runs under its own deadline of `timeoutMs`, and
   * while any wait at least min(concurrency, perSender) run, so the queue drains in
   * ceil(outstanding / min(concurrency, perSender)) rounds. 0 when idle.
   */
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
  const repeatDelayMs = init.repeatDelayMs ?? 100;
  const searchFor = createSearchMessages({ ...init, cpuuid: randomUUID() }, log);
  /** The counters; `stats` adds what the transport and the loop know. */
  const stats: Omit<ControllerStats, 'kernelDrops' | 'receiveBuffer' | 'receiveQueuePeak'> = {
    datagrams: 0,
    searchesSent: 0,
    sendErrors: 0,
    ignored: 0,
    unknown: 0,
    dropped: {},
    evicted: 0,
    describeStarted: 0,
    describeFailed: 0,
    repeats: 0,
  };
  /** Counts one drop under `reason` (stats only; `drop` below also reports a dropped datagram). */
  const countDrop = (reason: DropReason): void => {
    stats.dropped[reason] = (stats.dropped[reason] ?? 0) + 1;
  };
  const scheduler = createScheduler({
    clock,
    onTaskError: (error) => log(`internal error in a timer: ${String(error)}`),
  });
  const registry: Registry = createRegistry(
    { describeWaitMs: init.describe ? 1000 : 0, ...init.registry },
    {
      clock,
      scheduler,
      onEvent: (event) => {
        if (event.event === 'device-removed' && event.reason === 'evicted') {
          stats.evicted += 1;
          evictionLogged();
        }
        if (event.event === 'describe-failed') stats.describeFailed += 1;
        outbox.emit({ ...event, time: clock.now() });
      },
      // Nobody heard of it, so no device-removed; but a flood of fresh UDNs shows here, so it is counted.
      onEvictedUnannounced: () => {
        countDrop('evicted-unannounced');
        evictionLogged();
      },
    },
  );

  /** One stderr line at the first eviction and every 1000th (announced or not). */
  function evictionLogged(): void {
    const unannounced = stats.dropped['evicted-unannounced'] ?? 0;
    const total = stats.evicted + unannounced;
    if (total !== 1 && total % 1000 !== 0) return;
    log(
      `registry full (${init.registry?.maxDevices ?? 10_000} devices): evicted the least recently seen ` +
        `(${total} so far, ${unannounced} of them before they were announced)`,
    );
  }
  // Receiving first: the socket callback only queues; parsing runs in slices, describing and output below it.
  const loop = createReceiveLoop(init.receiveLoop ?? {}, {
    handle: (datagram, receivedAt) => handleDatagram(datagram, receivedAt),
    onOverflow: (datagram) => drop('receive-queue-full', datagram),
    ...(components.defer === undefined ? {} : { defer: components.defer }),
    onTaskError: (error) => log(`internal error in a deferred task: ${oneLine(error)}`),
  });
  const outbox = createEventOutbox({
    later: loop.later,
    deliver: (event) => {
      try {
        onEvent(event);
      } catch (error) {
        log(`an event handler failed: ${oneLine(error)}`);
      }
    },
  });
  const repeats = createRepeatFilter({ maxEntries: init.verbose === true ? 0 : (init.repeatCache ?? 16_384) });

  if (init.describe && components.fetcher === undefined)
    throw new InvalidOptionError('describe', 'needs a description fetcher');
  const describer: Describer | undefined =
    init.describe && components.fetcher !== undefined
      ? createDescriber(
          {
            ...(init.describeConcurrency === undefined ? {} : { concurrency: init.describeConcurrency }),
            // One job per device at most: a burst of thousands of new devices all wait for their description.
            maxQueue: init.describeQueue ?? init.registry?.maxDevices ?? 10_000,
            ...(init.describePerSender === undefined ? {} : { perSender: init.describePerSender }),
          },
          { fetcher: components.fetcher, defer: loop.later },
        )
      : undefined;

  const handleDatagram = createDatagramHandler({
    init,
    registry,
    repeats,
    describer,
    stats,
    outbox,
    drop,
    maybeDescribe,
    now,
    log,
  });

  let state: 'idle' | 'started' | 'stopped' = 'idle';
  let cycle = 0;
  const unsubscribes: (() => void)[] = [];
  let searchedWaiters: (() => void)[] = [];
  let searchesDone = false;

  function now(): number {
    return clock.now();
  }

  // Counted exactly here; reported at most once per reason per second (a flood must not flood stdout).
  const drops = createDropReporter({ clock, scheduler, emit: (event) => outbox.emit(event) });
  const receiving = createReceiveWatch(transport, log);

  function drop(reason: DropReason, datagram: Datagram): void {
    countDrop(reason);
    drops.drop(reason, {
      address: datagram.remote.address,
      port: datagram.remote.port,
      interfaceId: datagram.interfaceId,
    });
  }

  // --- searching -------------------------------------------------------------------------------------------

  function sendSearch(attempt: number, cycleNumber: number, st: string = init.target): void {
    if (state !== 'started') return;
    for (const iface of transport.interfaces) {
      const search = searchFor(iface, st);
      if (search === undefined) continue;
      stats.searchesSent += 1;
      transport.send(search.bytes, search.target).then(
        () => undefined,
        (error: unknown) => {
          stats.sendErrors += 1;
          if (state === 'started') log(`search on ${iface.id} failed: ${oneLine(error)}`);
        },
      );
      outbox.emitSoon({
        event: 'search-sent',
        time: now(),
        interfaceId: iface.id,
        target: st,
        mx: init.mx,
        attempt,
        cycle: cycleNumber,
      });
    }
  }

  function runCycle(): void {
    if (state !== 'started') return;
    cycle += 1;
    const thisCycle = cycle;
    if (thisCycle > 1) receiving.check();
    repeats.sweep();
    sendSearch(1, thisCycle);
    const last = init.cycles !== undefined && thisCycle >= init.cycles;
    scheduler.schedule(repeatDelayMs, () => {
      sendSearch(2, thisCycle);
      if (last) searchesFinished();
    });
    if (!last) scheduler.schedule(init.intervalMs, runCycle);
  }

  function searchesFinished(): void {
    searchesDone = true;
    const waiters = searchedWaiters;
    searchedWaiters = [];
    for (const wake of waiters) wake();
  }

  // --- receiving -------------------------------------------------------------------------------------------

  /** The socket callback: queue and return (read time: first/last seen do not include the wait or the parse). */
  function onDatagram(datagram: Datagram): void {
    if (state !== 'started') return;
    stats.datagrams += 1;
    loop.push(datagram, now());
  }

  // --- describing ------------------------------------------------------------------------------------------

  function maybeDescribe(record: DeviceRecord, observation: Observation, datagram: Datagram): void {
    if (describer === undefined) {
      if (record.describeState === 'none') registry.skipDescription(record);
      return;
    }
    if (!registry.needsDescription(record) || observation.kind === 'byebye') return;
    const location = observation.location ?? record.locations[0];
    if (location === undefined) return;
    // Marked now (its next datagrams do not ask again); handed to the describer at low priority.
    const previous = record.describeState;
    const generation = registry.describing(record);
    const source = datagram.remote.address;
    loop.later(() => enqueueDescription(describer, record, { generation, previous, location, source }));
  }

  function enqueueDescription(
    active: Describer,
    record: DeviceRecord,
    {
      generation,
      previous,
      location,
      source,
    }: { generation: number; previous: DeviceRecord['describeState']; location: string; source: string },
  ): void {
    if (state !== 'started' || record.removed || record.generation !== generation) return;
    const accepted = active.enqueue({
      location,
      source,
      uuid: record.synthetic ? undefined : record.key,
      wanted: () => !record.removed && record.generation === generation,
      done: (result) => {
        try {
          if (result.ok) registry.described(record, generation, result.info);
          else {
            if (result.reason === 'sender-limit') countDrop('describe-sender-limit');
            registry.describeFailed(record, generation, result.reason, result.detail, result.code);
          }
        } catch (error) {
          log(`internal error after describing ${record.udn}: ${oneLine(error)}`);
        }
      },
    });
    if (!accepted) {
      countDrop('describe-queue-full');
      registry.describeRefused(record, generation, previous); // retried on the device's next advertisement
      return;
    }
    stats.describeStarted += 1;
  }

  return {
    async start() {
      if (state !== 'idle') return;
      unsubscribes.push(transport.onDatagram(onDatagram));
      unsubscribes.push(transport.onError((error) => log(error.toOneLine())));
      await transport.start();
      receiving.started();
      loop.warm(); // before the search: its answers may all come at once
      if (describer !== undefined) {
        // Before the first search: the answers' descriptions must not wait for the HTTP client and the XML parser
        // to load and warm up (and after a successful start, so a startup error stays fast).
        components.fetcher?.preload?.();
        describer.warm();
      }
      state = 'started';
      runCycle();
    },
    async stop() {
      if (state === 'stopped') return;
      const wasStarted = state === 'started';
      state = 'stopped';
      describer?.stop();
      loop.stop();
      if (wasStarted) receiving.check();
      drops.flush();
      outbox.flush(); // what happened is still said; nothing new happens
      scheduler.clear();
      registry.clear();
      repeats.clear();
      searchesFinished();
      for (const unsubscribe of unsubscribes) unsubscribe();
      await transport.stop();
    },
    search(st) {
      if (state !== 'started') return Promise.resolve();
      sendSearch(1, 0, st);
      return new Promise<void>((resolve) =>
        scheduler.schedule(repeatDelayMs, () => {
          sendSearch(2, 0, st);
          resolve();
        }),
      );
    },
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
    whenDescribed: () => describer?.idle() ?? Promise.resolve(),
    describeDrainBoundMs(timeoutMs) {
      if (describer === undefined) return 0;
      // While anything waits, either every slot is busy or the waiting senders each run `perSender`: at least
      // min(concurrency, perSender) fetches end per deadline.
      return (
        Math.ceil((describer.running + describer.queued) / Math.min(describer.concurrency, describer.perSender)) *
        timeoutMs
      );
    },
    whenSearched() {
      if (searchesDone || state === 'stopped') return Promise.resolve();
      return new Promise((resolve) => searchedWaiters.push(resolve));
    },
    get stats(): ControllerStats {
      return {
        ...stats,
        dropped: { ...stats.dropped },
        receiveQueuePeak: loop.peakQueued,
        kernelDrops: receiving.kernelDrops(),
        receiveBuffer: receiving.receiveBuffer(),
      };
    },
    scheduler,
  };
}
