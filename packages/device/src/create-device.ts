// createDevice: the public face of the device engine. It fills in Node defaults (real UDP, the system clock,
// crypto UUIDs, a state file, the HTTP description server) and reports what happens as typed events.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { createSystemClock, type Clock } from '@ssdp/runtime';
import {
  AbortError,
  TransportError,
  createUdpTransport,
  signalOption,
  throwIfAborted,
  type SsdpTransport,
  type TransportOptions,
} from '@ssdp/transport';
import type { DescriptionServer } from './description-server.ts';
import { createDeviceEngine, type DeviceEngine } from './device-engine.ts';
import { resolveDeviceOptions, type DeviceOptions } from './device-options.ts';
import type { DeviceEvent, DeviceEventName, DeviceStats, EventInterest } from './events.ts';
import { createHttpDescriptionServer, type HttpDescriptionServerInit } from './http-description-server.ts';
import { serverHeader } from './server-header.ts';
import { createFileStateStore, defaultStateDir, type StateStore } from './state-store.ts';
import { version } from './version.ts';

/** What the device runs on. Every part has a Node default; tests pass a memory transport and the like. */
export interface DeviceComponents {
  readonly createTransport?: (options: TransportOptions) => SsdpTransport;
  readonly clock?: Clock;
  /** Uniform in [0, 1): response delays. Default Math.random. */
  readonly random?: () => number;
  /** A new v4 UUID for a first start. Default crypto.randomUUID. */
  readonly newUuid?: () => string;
  readonly createStateStore?: (directory: string) => StateStore;
  readonly createDescriptionServer?: (
    init: HttpDescriptionServerInit & { readonly port: number; readonly serverHeader: string },
  ) => DescriptionServer;
  /** For the defaults (friendlyName, SERVER, stateDir). Default: node:os and process.env. */
  readonly host?: {
    readonly hostname: string;
    readonly type: string;
    readonly release: string;
    readonly homedir: string;
    readonly env: Readonly<Record<string, string | undefined>>;
  };
  /** Which events to build at all (the CLI passes what it prints). Default: every event. */
  readonly interest?: EventInterest;
}

/** Each event name carries its event object (the same object the CLI prints with --json). */
export type DeviceEventMap = { [K in DeviceEventName]: [event: Extract<DeviceEvent, { event: K }>] } & {
  /** Every event, whatever its name. */
  event: [event: DeviceEvent];
};

export interface StartOptions {
  /** Aborting stops the start: the device closes what it opened and start() rejects with AbortError. */
  readonly signal?: AbortSignal;
}

/** Not started yet (or the start failed): there is no UDN, location or BOOTID to report. */
export class NotStartedError extends Error {
  override readonly name = 'NotStartedError';
  readonly code = 'SSDP_ERR_NOT_STARTED';
}

function hostDefaults(): NonNullable<DeviceComponents['host']> {
  return { hostname: os.hostname(), type: os.type(), release: os.release(), homedir: os.homedir(), env: process.env };
}

/** A UPnP root device (or a fleet). Create it with createDevice. */
export class Device extends EventEmitter<DeviceEventMap> {
  readonly #engine: DeviceEngine;
  readonly #uuid: string | undefined;
  #running = false;
  #stopped = false;

  /** @internal Use createDevice. */
  constructor(engine: (emit: (event: DeviceEvent) => void) => DeviceEngine, uuid: string | undefined) {
    super();
    this.#uuid = uuid;
    this.#engine = engine((event) => {
      this.#deliver(event.event, event);
      this.#deliver('event', event);
    });
  }

  // A listener that throws must not cost the device an answer or the other listeners their event: its error
  // becomes a `warning` event (a throwing warning listener's error is dropped).
  #deliver(name: string, event: DeviceEvent): void {
    try {
      (this.emit.bind(this) as (name: string, event: DeviceEvent) => boolean)(name, event);
    } catch (error) {
      if (event.event === 'warning') return;
      const warning: DeviceEvent = {
        event: 'warning',
        message: `a '${name}' listener threw: ${String(error)}`.replace(/\s*\n\s*/g, ' '),
        time: event.time,
      };
      this.#deliver('warning', warning);
      this.#deliver('event', warning);
    }
  }

  /**
   * Loads or makes the identity, starts the sockets and the description server, then answers searches and
   * announces. Resolves once it answers; rejects with a typed error (`code`): TransportError (port in use,
   * unknown interface ...; SSDP_ERR_TRANSPORT_STOPPED once stopped: no restart), StateStoreError,
   * DescriptionServerError or AbortError.
   */
  async start(options: StartOptions = {}): Promise<void> {
    const signal = signalOption(options);
    throwIfAborted(signal);
    if (this.#stopped) {
      throw new TransportError(
        'SSDP_ERR_TRANSPORT_STOPPED',
        'this device was stopped; a stopped device does not start again (create a new one)',
      );
    }
    const onAbort = () => void this.#engine.stop('aborted').catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.#engine.start();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted === true) {
      this.#stopped = true;
      await this.#engine.stop('aborted');
      throw new AbortError('start aborted', signal.reason);
    }
    // stop() during start() waits for the start to finish, then stops: the device is not running then.
    this.#running = !this.#stopped;
  }

  /**
   * Sends ssdp:byebye for every USN, waits until the sends complete, then closes everything. Idempotent.
   * `reason` goes into the `stopped` event (default 'stopped').
   */
  async stop(reason = 'stopped'): Promise<void> {
    this.#stopped = true;
    this.#running = false;
    await this.#engine.stop(reason);
  }

  /** The root device's UDN (`uuid:…`), known once started (or from the `uuid` option). */
  get udn(): string {
    const member = this.#engine.fleet?.members[0];
    if (member !== undefined) return member.udn;
    if (this.#uuid !== undefined) return `uuid:${this.#uuid}`;
    throw new NotStartedError('the UDN is known once the device has started (or give the uuid option)');
  }

  /** Every root UDN of the fleet (one unless `count`), once started. */
  get udns(): readonly string[] {
    return this.#engine.fleet?.members.map((member) => member.udn) ?? [];
  }

  /** The BOOTID.UPNP.ORG in use (0 before start). */
  get bootId(): number {
    return this.#engine.bootId;
  }

  /** True between a successful start() and stop(). */
  get running(): boolean {
    return this.#running;
  }

  /** Counters: searches, responses, announcements and drops by reason. */
  get stats(): Readonly<DeviceStats> {
    return this.#engine.stats;
  }

  /** What `JSON.stringify(device)` shows: its identity and state, not the emitter's internals. */
  toJSON(): { udn: string | null; udns: readonly string[]; bootId: number; running: boolean } {
    const udn = this.#engine.fleet?.members[0]?.udn ?? (this.#uuid === undefined ? null : `uuid:${this.#uuid}`);
    return { udn, udns: this.udns, bootId: this.bootId, running: this.#running };
  }
}

/**
 * Creates a device. Nothing happens on the network until start(). Throws InvalidOptionError (`code`
 * SSDP_ERR_INVALID_OPTION) for a wrong option.
 */
export function createDevice(options: DeviceOptions = {}, components: DeviceComponents = {}): Device {
  const resolved = resolveDeviceOptions(options);
  const host = components.host ?? hostDefaults();
  const clock = components.clock ?? createSystemClock();
  const server = resolved.server ?? serverHeader(host);
  const stateDir = resolved.stateDir ?? defaultStateDir(host.env, host.homedir);
  const createTransport =
    components.createTransport ??
    ((transportOptions: TransportOptions) => createUdpTransport(transportOptions, { clock }));
  const createStateStore = components.createStateStore ?? createFileStateStore;
  const createDescriptionServer = components.createDescriptionServer ?? createHttpDescriptionServer;
  const interest = components.interest ?? { events: 'all', raw: resolved.rawMessages, responses: 'each' };
  return new Device(
    (onEvent) =>
      createDeviceEngine(
        {
          profile: resolved.profile,
          port: resolved.port,
          config: resolved.config,
          count: resolved.count,
          ...(resolved.uuid === undefined ? {} : { uuid: resolved.uuid }),
          maxAge: resolved.maxAge,
          ...(resolved.broadcastAddress === undefined ? {} : { broadcastAddress: resolved.broadcastAddress }),
          server,
          defaults: { friendlyName: `ssdp-device on ${host.hostname}`, modelNumber: version },
          limits: resolved.limits,
        },
        {
          transport: createTransport(resolved.transport),
          clock,
          random: components.random ?? Math.random,
          newUuid: components.newUuid ?? randomUUID,
          stateStore: createStateStore(stateDir),
          descriptionServer: createDescriptionServer({
            port: resolved.httpPort,
            serverHeader: server,
            limits: resolved.httpLimits,
          }),
          onEvent,
          interest,
        },
      ),
    resolved.uuid,
  );
}
