// createDeviceEngine: one process's UPnP root device, or a fleet of them (`count`), on an injected transport, clock,
// random source, state store and description server. It reports what happens as events and never prints.
import { randomUUID } from 'node:crypto';
import { MAX_31_BIT, SSDP_PORT, type SsdpProfile } from '@ssdp/protocol';
import { createScheduler, type Clock } from '@ssdp/runtime';
import type { InterfacesChange, SsdpTransport, TransportInterface, Unsubscribe } from '@ssdp/transport';
import { createAnnouncer, type Announcer } from './announcer.ts';
import type { DeviceContext, UnstampedEvent } from './device-context.ts';
import type { DeviceConfig } from './device-config.ts';
import type { DescriptionServer } from './description-server.ts';
import { createDescriptionEndpoints, type DescriptionEndpoints } from './description-endpoints.ts';
import { createDropReporter } from './drop-reporter.ts';
import {
  ALL_EVENTS,
  emptyStats,
  wantsEvent,
  type DeviceEvent,
  type DeviceEventName,
  type DeviceStats,
  type EventInterest,
} from './events.ts';
import { buildFleet, type DeviceDefaults, type Fleet } from './fleet.ts';
import { resolveLimits, type DeviceLimits } from './limits.ts';
import { startedEvent } from './started-event.ts';
import { createResponder, type Responder } from './responder.ts';
import { DEFAULT_SEND_QUEUE, createSendQueue, type SendQueueInit } from './send-queue.ts';
import type { StateStore } from './state-store.ts';
import { DEFAULT_MAX_AGE, LEGACY_PORT } from './device-options.ts';

export interface DeviceEngineInit {
  /** `upnp` (default) or `legacy` (the prototype's dialect). */
  readonly profile?: SsdpProfile;
  /** SSDP port: 1900 (upnp) or 1337 (legacy) by default. Must match the transport's. */
  readonly port?: number;
  readonly config?: DeviceConfig;
  /** Fleet size (default 1). */
  readonly count?: number;
  /** Base UUID (without `uuid:`): overrides the config's and the persisted one. */
  readonly uuid?: string;
  /** CACHE-CONTROL max-age in seconds (default 1800). */
  readonly maxAge?: number;
  /** Legacy: announcements go to this broadcast address instead of each interface's directed broadcast. */
  readonly broadcastAddress?: string;
  /** SERVER header value: `OS/ver UPnP/2.0 ssdp-device/ver`. */
  readonly server: string;
  readonly defaults?: Partial<DeviceDefaults>;
  /** Overrides of the defences (limits.ts has the defaults and why). */
  readonly limits?: Partial<DeviceLimits>;
  readonly sendQueue?: SendQueueInit;
}

export interface DeviceEngineComponents {
  /** Not started yet: the device starts and stops it. */
  readonly transport: SsdpTransport;
  readonly clock: Clock;
  readonly random: () => number;
  /** A new random UUID for a first start. Default: node:crypto's randomUUID (v4). */
  readonly newUuid?: () => string;
  readonly stateStore: StateStore;
  readonly descriptionServer: DescriptionServer;
  readonly onEvent: (event: DeviceEvent) => void;
  /** What onEvent uses (output.ts `outputInterest`); the device builds nothing else. Default: every event. */
  readonly interest?: EventInterest;
}

export interface DeviceEngine {
  /**
   * Loads the identity, starts the transport and the description server, persists the new BOOTID, then
   * answers searches and announces. Rejects with TransportError, StateStoreError or DescriptionServerError.
   */
  start(): Promise<void>;
  /** Sends ssdp:byebye for everything alive, waits until the sends complete, then closes. Idempotent. */
  stop(reason?: string): Promise<void>;
  readonly stats: DeviceStats;
  /** The fleet, once started. */
  readonly fleet: Fleet | undefined;
  readonly bootId: number;
  readonly limits: DeviceLimits | undefined;
  /** Responses scheduled and not yet sent. */
  readonly pendingResponses: number;
}

const DEFAULT_DEFAULTS: DeviceDefaults = {
  friendlyName: 'ssdp-device',
  manufacturer: 'ssdp',
  modelName: 'ssdp-device',
  modelNumber: '1',
};

export function createDeviceEngine(init: DeviceEngineInit, components: DeviceEngineComponents): DeviceEngine {
  const { transport, clock, random, stateStore, descriptionServer } = components;
  const profile = init.profile ?? 'upnp';
  const port = init.port ?? (profile === 'legacy' ? LEGACY_PORT : SSDP_PORT);
  const count = init.count ?? 1;
  const maxAge = init.maxAge ?? DEFAULT_MAX_AGE;
  const config = init.config ?? {};
  const defaults: DeviceDefaults = { ...DEFAULT_DEFAULTS, ...init.defaults };
  const stats = emptyStats();

  let state: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' = 'idle';
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let bootId = 0;
  let storedBaseUuid = '';
  let fleet: Fleet | undefined;
  let limits: DeviceLimits | undefined;
  let responder: Responder | undefined;
  let announcer: Announcer | undefined;
  let startedAt = 0;
  let changes: Promise<void> = Promise.resolve();
  const unsubscribes: Unsubscribe[] = [];

  const interest = components.interest ?? ALL_EVENTS;
  const wants = (name: DeviceEventName): boolean => wantsEvent(interest, name);
  const emit = (event: UnstampedEvent): void => {
    if (!wants(event.event)) return;
    // Stamped in place, not copied: every caller hands over a fresh object (a copy per search was measurable).
    (event as { time?: string }).time = new Date(clock.now()).toISOString();
    try {
      components.onEvent(event as DeviceEvent);
    } catch {
      // A failing sink must not take the device down.
    }
  };
  const warn = (message: string): void => emit({ event: 'warning', message: message.replace(/\s*\n\s*/g, ' ') });
  const scheduler = createScheduler({
    clock,
    onTaskError: (error) => warn(`internal error in a timer task: ${String(error)}`),
  });
  const queue = createSendQueue(init.sendQueue ?? DEFAULT_SEND_QUEUE, { transport, scheduler });
  const drops = createDropReporter({ clock, scheduler, stats, emit });

  function interfaceById(id: string): TransportInterface | undefined {
    return transport.interfaces.find((iface) => iface.id === id);
  }

  async function start(): Promise<void> {
    const persisted = await stateStore.load();
    const baseUuid = init.uuid ?? config.uuid ?? persisted?.baseUuid ?? (components.newUuid ?? randomUUID)();
    storedBaseUuid = persisted?.baseUuid ?? baseUuid;
    // BOOTID increases on every start; it is a 31-bit value, so wrap (UDA leaves the wrap to the device).
    bootId = persisted === undefined || persisted.bootId >= MAX_31_BIT ? 1 : persisted.bootId + 1;
    const built = buildFleet({ config, count, baseUuid, defaults });
    fleet = built;
    const resolvedLimits = resolveLimits(built.advertisementCount, init.limits);
    limits = resolvedLimits;
    const byPath = new Map<string, string>(built.documents);
    for (const member of built.members) byPath.set(member.path, member.xml);
    const served = createDescriptionEndpoints(descriptionServer, (path) => byPath.get(path));

    descriptionServer.onDrop?.((reason, address) => drops.drop(reason, 1, { detail: `source ${address}` }));
    await transport.start();
    try {
      for (const iface of transport.interfaces) await served.serve(iface);
      await stateStore.save({ baseUuid: storedBaseUuid, bootId });
    } catch (error) {
      await descriptionServer.close().catch(() => undefined);
      await transport.stop().catch(() => undefined);
      throw error;
    }

    const context: DeviceContext = {
      profile,
      port,
      maxAge,
      server: init.server,
      broadcastAddress: init.broadcastAddress,
      clock,
      random,
      scheduler,
      transport,
      queue,
      fleet: built,
      limits: resolvedLimits,
      stats,
      bootId: () => bootId,
      interface: interfaceById,
      location: served.location,
      interest,
      wants,
      emit,
      drop: (reason, n, details) => drops.drop(reason, n, details),
    };
    const activeResponder = createResponder(context);
    const activeAnnouncer = createAnnouncer(context);
    responder = activeResponder;
    announcer = activeAnnouncer;
    unsubscribes.push(
      transport.onError((error) => warn(error.toOneLine())),
      transport.onDatagram((datagram) => {
        if (state !== 'running') return;
        try {
          activeResponder.handle(datagram);
        } catch (error) {
          warn(`internal error while handling a datagram from ${datagram.remote.address}: ${String(error)}`);
        }
      }),
      transport.onInterfacesChanged((change) => {
        changes = changes
          .then(() => handleInterfaces(change, activeAnnouncer, served))
          .catch((error: unknown) =>
            warn(`interface change: ${error instanceof Error ? error.message : String(error)}`),
          );
      }),
    );
    state = 'running';
    startedAt = clock.now();
    emit(startedEvent({ profile, port, bootId, count, fleet: built, transport, endpoints: served }));
    const buffer = transport.receiveBuffer?.();
    // A search storm must not be lost silently: say once that the kernel capped the buffer (with the sysctl).
    if (buffer?.clamped === true)
      warn(
        `receive buffer: ${buffer.hint ?? `asked for ${buffer.requested} bytes, granted ${String(buffer.granted)}`}`,
      );
    activeAnnouncer.start();
  }

  /**
   * UDA §1.2.4: on a new or changed interface address, send ssdp:update with NEXTBOOTID on the interfaces that
   * knew the old BOOTID (root entries first, all before any alive with the new value), then bump and persist
   * BOOTID and announce again everywhere. A removed interface is only reported.
   */
  async function handleInterfaces(
    change: InterfacesChange,
    active: Announcer,
    served: DescriptionEndpoints,
  ): Promise<void> {
    if (state !== 'running') return;
    emit({
      event: 'interfaces-changed',
      added: change.added.map((iface) => iface.id),
      removed: change.removed.map((iface) => iface.id),
      changed: change.changed.map(({ previous, current }) => ({
        id: current.id,
        from: previous.address,
        to: current.address,
      })),
    });
    const gone = [...change.removed, ...change.changed.map((c) => c.previous)];
    for (const iface of gone) await served.forget(iface, transport.interfaces);
    const fresh = [...change.added, ...change.changed.map((c) => c.current)];
    for (const iface of fresh) {
      try {
        await served.serve(iface);
      } catch (error) {
        warn(`${iface.id}: ${error instanceof Error ? error.message : String(error)}; not announcing there`);
      }
    }
    if (fresh.length === 0 || state !== 'running') return;
    const added = new Set(change.added.map((iface) => iface.id));
    const next = bootId >= MAX_31_BIT ? 1 : bootId + 1;
    if (next > bootId) {
      active.cancel();
      await active.sendUpdates(
        transport.interfaces.filter((iface) => !added.has(iface.id)),
        next,
      );
    }
    if (state !== 'running') return;
    bootId = next;
    try {
      await stateStore.save({ baseUuid: storedBaseUuid, bootId });
    } catch (error) {
      warn(error instanceof Error ? error.message : String(error));
    }
    if (state === 'running') active.start();
  }

  async function stop(reason: string): Promise<void> {
    if (starting !== undefined) await starting.catch(() => undefined);
    if (state !== 'running') {
      state = 'stopped';
      return;
    }
    state = 'stopping';
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
    responder?.cancelAll();
    announcer?.cancel();
    await changes;
    await announcer?.byebyeAll();
    await queue.drain();
    await responder?.settled();
    drops.flush();
    await descriptionServer.close().catch((error: unknown) => warn(`description server: ${String(error)}`));
    await transport.stop().catch((error: unknown) => warn(`transport: ${String(error)}`));
    scheduler.clear();
    readKernelDrops(); // kept by the transport after stop
    if ((stats.kernelDrops ?? 0) > 0) {
      warn(
        `the kernel dropped ${stats.kernelDrops} datagrams for us (receive buffer full, searches unanswered): ` +
          `ask for more with recvBufferSize (--recv-buffer) or raise net.core.rmem_max`,
      );
    }
    state = 'stopped';
    emit({ event: 'stopped', reason, uptimeMs: clock.now() - startedAt, stats: structuredClone(stats) });
  }

  /** stats.kernelDrops from the transport (/proc on Linux); left out where it cannot be counted. */
  function readKernelDrops(): void {
    let drops: number | undefined;
    try {
      drops = transport.kernelDrops?.();
    } catch {
      drops = undefined;
    }
    if (drops !== undefined) stats.kernelDrops = drops;
  }

  return {
    start() {
      if (state !== 'idle') return starting ?? Promise.resolve();
      state = 'starting';
      starting = start().catch((error: unknown) => {
        state = 'stopped';
        throw error;
      });
      return starting;
    },
    stop(reason = 'stopped') {
      stopping ??= stop(reason);
      return stopping;
    },
    get stats() {
      if (state === 'running') readKernelDrops();
      return stats;
    },
    get fleet() {
      return fleet;
    },
    get bootId() {
      return bootId;
    },
    get limits() {
      return limits;
    },
    get pendingResponses() {
      return responder?.pending ?? 0;
    },
  };
}
