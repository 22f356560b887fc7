// createDeviceEngine: one process's UPnP root device, or a fleet of them (`count`), on an injected transport, clock,
// random source, state store and description server. It reports what happens as events and never prints.
import { SSDP_PORT } from '@ssdp/protocol';
import { createScheduler } from '@ssdp/runtime';
import { DEFAULT_MAX_AGE, LEGACY_PORT } from './device-options.ts';
import { createDropReporter } from './drop-reporter.ts';
import { createEngineEvents } from './engine-events.ts';
import type { DeviceEngineComponents, DeviceEngineInit } from './engine-init.ts';
import type { EngineParts, EngineRun } from './engine-run.ts';
import { startEngine } from './engine-start.ts';
import { readKernelDrops, stopEngine } from './engine-stop.ts';
import { ALL_EVENTS, emptyStats, type DeviceStats } from './events.ts';
import type { DeviceDefaults, Fleet } from './fleet.ts';
import type { DeviceLimits } from './limits.ts';
import { DEFAULT_SEND_QUEUE, createSendQueue } from './send-queue.ts';

export type { DeviceEngineComponents, DeviceEngineInit } from './engine-init.ts';

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
  const { transport, clock } = components;
  const profile = init.profile ?? 'upnp';
  const stats = emptyStats();
  const interest = components.interest ?? ALL_EVENTS;
  const events = createEngineEvents(components.onEvent, interest, clock);
  const scheduler = createScheduler({
    clock,
    onTaskError: (error) => events.warn(`internal error in a timer task: ${String(error)}`),
  });
  const parts: EngineParts = {
    ...events,
    init,
    components,
    profile,
    port: init.port ?? (profile === 'legacy' ? LEGACY_PORT : SSDP_PORT),
    count: init.count ?? 1,
    maxAge: init.maxAge ?? DEFAULT_MAX_AGE,
    config: init.config ?? {},
    defaults: { ...DEFAULT_DEFAULTS, ...init.defaults },
    stats,
    interest,
    scheduler,
    queue: createSendQueue(init.sendQueue ?? DEFAULT_SEND_QUEUE, { transport, scheduler }),
    drops: createDropReporter({ clock, scheduler, stats, emit: events.emit }),
  };
  const run: EngineRun = {
    state: 'idle',
    bootId: 0,
    storedBaseUuid: '',
    fleet: undefined,
    limits: undefined,
    responder: undefined,
    announcer: undefined,
    startedAt: 0,
    changes: Promise.resolve(),
    unsubscribes: [],
  };
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  return {
    start() {
      if (run.state !== 'idle') return starting ?? Promise.resolve();
      run.state = 'starting';
      starting = startEngine(run, parts).catch((error: unknown) => {
        run.state = 'stopped';
        throw error;
      });
      return starting;
    },
    stop(reason = 'stopped') {
      stopping ??= stopEngine(run, parts, starting, reason);
      return stopping;
    },
    get stats() {
      if (run.state === 'running') readKernelDrops(transport, stats);
      return stats;
    },
    get fleet() {
      return run.fleet;
    },
    get bootId() {
      return run.bootId;
    },
    get limits() {
      return run.limits;
    },
    get pendingResponses() {
      return run.responder?.pending ?? 0;
    },
  };
}
