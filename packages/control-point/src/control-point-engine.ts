// The control point engine: searches on a cadence, listens to every advertisement at the same time, keeps the
// registry and describes devices. Everything time-based runs on one scheduler driven by the injected clock, and
// everything it has to say goes to `onEvent` (output.ts prints it).
import { SSDP_IPV4_GROUP, createMSearch, parseMessage, serializeMessage } from '@ssdp/protocol';
import {
  createScheduler,
  type Clock,
  type Datagram,
  type Scheduler,
  type SsdpTransport,
  type TransportInterface,
  InvalidOptionError,
} from '@ssdp/transport';
import { createDescriber, type Describer } from './describer.ts';
import { createDropReporter } from './drop-reporter.ts';
import type { DescriptionFetcher } from './description-fetcher.ts';
import type { ControllerEvent, ControllerStats, DeviceSnapshot } from './events.ts';
import { toObservation } from './observation.ts';
import { createRegistry, type DeviceRecord, type Observation, type Registry, type RegistryInit } from './registry.ts';


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
}

export interface ControlPointEngineComponents {
  readonly transport: SsdpTransport;
  readonly clock: Clock;
  /** For the control point UUID (CPUUID.UPNP.ORG). */
  readonly random: () => number;
  /** Required when `describe` is on. */
  readonly fetcher?: DescriptionFetcher;
  readonly onEvent: (event: ControllerEvent) => void;
  /** One-line warnings for stderr. */
  readonly onLog?: (line: string) => void;
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
  readonly stats: ControllerStats;
  /** The shared scheduler (for callers that need a deadline on the same clock). */
  readonly scheduler: Scheduler;
}

function uuidV4(random: () => number): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i += 1) hex.push(Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + (parseInt(hex[16]!, 16) & 3)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const decoder = new TextDecoder();

/** stats.dropped reason: a device evicted by the registry bound before it was announced. */
export const EVICTED_UNANNOUNCED = 'evicted-unannounced';

export function createControlPointEngine(init: ControlPointEngineInit, components: ControlPointEngineComponents): ControlPointEngine {
  const { transport, clock, onEvent } = components;
  const log = components.onLog ?? (() => undefined);
  const repeatDelayMs = init.repeatDelayMs ?? 100;
  const cpuuid = uuidV4(components.random);
  const stats: ControllerStats = {
    datagrams: 0,
    searchesSent: 0,
    sendErrors: 0,
    ignored: 0,
    unknown: 0,
    dropped: {},
    evicted: 0,
    describeStarted: 0,
    describeFailed: 0,
  };
  /** Counts one drop under `reason` (stats only; `drop` below also reports a dropped datagram). */
  const countDrop = (reason: string): void => {
    stats.dropped[reason] = (stats.dropped[reason] ?? 0) + 1;
  };
  const scheduler = createScheduler({ clock, onTaskError: (error) => log(`internal error in a timer: ${String(error)}`) });
  const registry: Registry = createRegistry({ describeWaitMs: init.describe ? 1000 : 0, ...init.registry }, {
    clock,
    scheduler,
    onEvent: (event) => {
      if (event.event === 'device-removed' && event.reason === 'evicted') {
        stats.evicted += 1;
        evictionLogged();
      }
      if (event.event === 'describe-failed') stats.describeFailed += 1;
      onEvent({ ...event, time: clock.now() });
    },
    // Nobody heard of it, so no device-removed; but a flood of fresh UDNs shows here, so it is counted.
    onEvictedUnannounced: () => {
      countDrop(EVICTED_UNANNOUNCED);
      evictionLogged();
    },
  });

  /** One stderr line at the first eviction and every 1000th (announced or not). */
  function evictionLogged(): void {
    const unannounced = stats.dropped[EVICTED_UNANNOUNCED] ?? 0;
    const total = stats.evicted + unannounced;
    if (total !== 1 && total % 1000 !== 0) return;
    log(
      `registry full (${init.registry?.maxDevices ?? 10_000} devices): evicted the least recently seen ` +
        `(${total} so far, ${unannounced} of them before they were announced)`,
    );
  }
  if (init.describe && components.fetcher === undefined) throw new InvalidOptionError('describe', 'needs a description fetcher');
  const describer: Describer | undefined =
    init.describe && components.fetcher !== undefined
      ? createDescriber(
          {
            ...(init.describeConcurrency === undefined ? {} : { concurrency: init.describeConcurrency }),
            ...(init.describeQueue === undefined ? {} : { maxQueue: init.describeQueue }),
            ...(init.describePerSender === undefined ? {} : { perSender: init.describePerSender }),
          },
          { fetcher: components.fetcher },
        )
      : undefined;

  let state: 'idle' | 'started' | 'stopped' = 'idle';
  let cycle = 0;
  const unsubscribes: (() => void)[] = [];
  let searchedWaiters: (() => void)[] = [];
  let searchesDone = false;
  const searchBytes = new Map<string, Uint8Array>();
  const warnedInterfaces = new Set<string>();

  function now(): number {
    return clock.now();
  }

  // Counted exactly here; reported at most once per reason per second (a flood must not flood stdout).
  const drops = createDropReporter({ clock, scheduler, emit: onEvent });

  function drop(reason: string, datagram: Datagram): void {
    countDrop(reason);
    drops.drop(reason, { address: datagram.remote.address, port: datagram.remote.port, interfaceId: datagram.interfaceId });
  }

  // --- searching -------------------------------------------------------------------------------------------

  function searchFor(iface: TransportInterface, st: string): { bytes: Uint8Array; target: Parameters<SsdpTransport['send']>[1] } | undefined {
    if (init.profile === 'legacy') {
      const address = init.broadcast ?? iface.broadcast;
      if (iface.family !== 'IPv4' || address === undefined) {
        if (!warnedInterfaces.has(iface.id)) log(`${iface.id} has no broadcast address; not searching there (use --broadcast)`);
        warnedInterfaces.add(iface.id);
        return undefined;
      }
      const key = `legacy ${address} ${st}`;
      let bytes = searchBytes.get(key);
      if (bytes === undefined) {
        const message = createMSearch({
          profile: 'legacy',
          host: `${address}:${init.port}`,
          st,
          mx: init.mx,
          userAgent: init.userAgent,
          cpfn: init.friendlyName ?? 'ssdp-controller',
          cpuuid,
        });
        bytes = serializeMessage(message);
        searchBytes.set(key, bytes);
      }
      return { bytes, target: { kind: 'broadcast', interfaceId: iface.id, address, port: init.port } };
    }
    const key = `${iface.family} ${st}`;
    let bytes = searchBytes.get(key);
    if (bytes === undefined) {
      const host = iface.family === 'IPv6' ? `[FF02::C]:${init.port}` : `${SSDP_IPV4_GROUP}:${init.port}`;
      const message = createMSearch({
        host,
        st,
        mx: init.mx,
        userAgent: init.userAgent,
        cpfn: init.friendlyName ?? 'ssdp-controller',
        cpuuid,
      });
      bytes = serializeMessage(message);
      searchBytes.set(key, bytes);
    }
    return { bytes, target: { kind: 'multicast', interfaceId: iface.id } };
  }

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
      onEvent({ event: 'search-sent', time: now(), interfaceId: iface.id, target: st, mx: init.mx, attempt, cycle: cycleNumber });
    }
  }

  function runCycle(): void {
    if (state !== 'started') return;
    cycle += 1;
    const thisCycle = cycle;
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

  function onDatagram(datagram: Datagram): void {
    if (state !== 'started') return;
    const receivedAt = now(); // read time: a device's first/last seen do not include the parsing below
    stats.datagrams += 1;
    try {
      const parsed = parseMessage(datagram.bytes);
      if (!parsed.ok) {
        drop(parsed.error.code, datagram);
        return;
      }
      const message = parsed.message;
      if (init.verbose === true) {
        onEvent({
          event: 'message-received',
          time: now(),
          address: datagram.remote.address,
          port: datagram.remote.port,
          interfaceId: datagram.interfaceId,
          via: datagram.via,
          kind: message.kind,
          server: message.kind === 'm-search' ? message.userAgent : message.server,
          text: decoder.decode(datagram.bytes),
        });
      }
      if (message.kind === 'm-search') {
        stats.ignored += 1; // other control points, and our own search looped back
        return;
      }
      const observation = toObservation(message, datagram, init.profile, receivedAt);
      if (typeof observation === 'string') {
        drop(observation, datagram);
        return;
      }
      const result = registry.observe(observation);
      switch (result.outcome) {
        case 'unknown':
          stats.unknown += 1;
          return;
        case 'stale-bootid':
        case 'usn-limit':
          drop(result.outcome, datagram);
          break;
        default:
          break;
      }
      if (result.record !== undefined) maybeDescribe(result.record, observation, datagram);
    } catch (error) {
      log(`internal error on a datagram from ${datagram.remote.address}: ${oneLine(error)}`);
    }
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
    const generation = record.generation;
    const accepted = describer.enqueue({
      location,
      source: datagram.remote.address,
      uuid: record.synthetic ? undefined : record.key,
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
      return; // retried on the device's next advertisement
    }
    stats.describeStarted += 1;
    registry.describing(record);
  }

  return {
    async start() {
      if (state !== 'idle') return;
      unsubscribes.push(transport.onDatagram(onDatagram));
      unsubscribes.push(transport.onError((error) => log(error.toOneLine())));
      await transport.start();
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
      state = 'stopped';
      describer?.stop();
      drops.flush();
      scheduler.clear();
      registry.clear();
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
    settle: () => registry.settleAll(),
    reportFound() {
      for (const device of registry.devices()) onEvent({ event: 'device-found', time: now(), device });
    },
    whenDescribed: () => describer?.idle() ?? Promise.resolve(),
    describeDrainBoundMs(timeoutMs) {
      if (describer === undefined) return 0;
      // While anything waits, either every slot is busy or the waiting senders each run `perSender`: at least
      // min(concurrency, perSender) fetches end per deadline.
      return Math.ceil((describer.running + describer.queued) / Math.min(describer.concurrency, describer.perSender)) * timeoutMs;
    },
    whenSearched() {
      if (searchesDone || state === 'stopped') return Promise.resolve();
      return new Promise((resolve) => searchedWaiters.push(resolve));
    },
    stats,
    scheduler,
  };
}

function oneLine(error: unknown): string {
  const text =
    typeof error === 'object' && error !== null && 'toOneLine' in error && typeof error.toOneLine === 'function'
      ? String(error.toOneLine())
      : error instanceof Error
        ? error.message
        : String(error);
  return text.replace(/\s*\n\s*/g, ' ');
}
