// createControlPoint: the public face of the control-point engine. It fills in Node defaults (real UDP, the
// system clock, Node's fetch for descriptions) and reports devices as plain, JSON-ready data in typed events.
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { formatProductTokens, productTokenPart } from '@ssdp/protocol';
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
import { createControlPointEngine, type ControlPointEngine } from './control-point-engine.ts';
import { resolveControlPointOptions, type ControlPointOptions } from './control-point-options.ts';
import { createHttpDescriptionFetcher, type DescriptionFetcher } from './description-fetcher.ts';
import {
  lookUpDescription,
  lookUpResource,
  type DescriptionLookup,
  type FetchFromDeviceOptions,
  type ResourceLookup,
} from './device-lookup.ts';
import { toDiscoveredDevice, type DiscoveredDevice } from './discovered-device.ts';
import type { ControllerEvent, ControllerStats, DescribeFailureReason, RemovalReason } from './events.ts';
import { createSystemHttpGet, type HttpGet } from './http-get.ts';
import { toControlPointEvent, type ControlPointEvent } from './public-events.ts';
import { version } from './version.ts';

/** What the control point runs on. Every part has a Node default; tests pass a memory transport and the like. */
export interface ControlPointComponents {
  readonly createTransport?: (options: TransportOptions) => SsdpTransport;
  readonly clock?: Clock;
  /**
   * @deprecated Not used: the control point's CPUUID comes from `crypto.randomUUID`. Accepted so existing callers
   * keep working.
   */
  readonly random?: () => number;
  /** How descriptions are fetched. Default node:http with a keep-alive agent (createNodeHttpGet). */
  readonly httpGet?: HttpGet;
  /** For the USER-AGENT default. Default node:os. */
  readonly os?: { readonly type: string; readonly release: string };
}

export interface DescribeFailure {
  readonly reason: DescribeFailureReason;
  /** The protocol error code for invalid-description. */
  readonly code: string | null;
  readonly detail: string;
}

type Flat<N extends ControlPointEvent['event']> = Extract<ControlPointEvent, { event: N }>;

export interface ControlPointEventMap {
  'device-added': [device: DiscoveredDevice];
  'device-updated': [device: DiscoveredDevice, changes: readonly string[]];
  'device-rebooted': [device: DiscoveredDevice, previousBootId: number];
  'device-removed': [device: DiscoveredDevice, reason: RemovalReason];
  'describe-failed': [device: DiscoveredDevice, failure: DescribeFailure];
  /** From collect() and discover(): one per device in the result. */
  'device-found': [device: DiscoveredDevice];
  'search-sent': [search: Flat<'search-sent'>];
  dropped: [drop: Flat<'dropped'>];
  'message-received': [message: Flat<'message-received'>];
  /** One line: a socket error, a full registry ... */
  warning: [message: string];
  /** Every event above as one flat object: what `ssdp-controller --json` prints. */
  event: [event: ControlPointEvent];
}

export interface WaitOptions {
  readonly signal?: AbortSignal;
}

const DRAIN_GUARD_MS = 1000;
/** Listening after MX: UDA devices answer within MX of the search; this covers transit and a late timer. */
export const LISTEN_MARGIN_MS = 250;

/** USER-AGENT: `<os>/<release> UPnP/2.0 ssdp-controller/<version>` (UDA §1.3.2). */
function userAgentOf(system: { readonly type: string; readonly release: string }): string {
  return formatProductTokens({
    os: { name: productTokenPart(system.type), version: productTokenPart(system.release) },
    product: { name: 'ssdp-controller', version },
  });
}

/** An SSDP control point. Create it with createControlPoint. */
export class ControlPoint extends EventEmitter<ControlPointEventMap> {
  readonly #engine: ControlPointEngine;
  readonly #mx: number;
  readonly #target: string;
  readonly #describeTimeoutMs: number;
  #started = false;
  #stopped = false;
  readonly #fetcher: DescriptionFetcher;

  /** @internal Use createControlPoint. */
  constructor(options: ControlPointOptions, components: ControlPointComponents) {
    super();
    const resolved = resolveControlPointOptions(options);
    const clock = components.clock ?? createSystemClock();
    const userAgent = resolved.userAgent ?? userAgentOf(components.os ?? { type: os.type(), release: os.release() });
    const createTransport =
      components.createTransport ??
      ((transportOptions: TransportOptions) => createUdpTransport(transportOptions, { clock }));
    // Also built with describe off: fetchDescription() and fetchFromDevice() use it on demand.
    this.#fetcher = createHttpDescriptionFetcher(
      { allowForeignLocation: resolved.allowForeignLocation, userAgent, timeoutMs: resolved.describeTimeoutMs },
      { clock, httpGet: components.httpGet ?? createSystemHttpGet() },
    );
    const fetcher = resolved.engine.describe ? this.#fetcher : undefined;
    this.#mx = resolved.engine.mx;
    this.#target = resolved.engine.target;
    this.#describeTimeoutMs = resolved.describeTimeoutMs;
    this.#engine = createControlPointEngine(
      { ...resolved.engine, userAgent },
      {
        transport: createTransport(resolved.transport),
        clock,
        ...(fetcher === undefined ? {} : { fetcher }),
        onEvent: (event) => this.#dispatch(event),
        onLog: (line) => this.#emitSafely('warning', line),
      },
    );
  }

  // A listener that throws must not break the engine's bookkeeping or cost the other listeners their event: its
  // error becomes a `warning` (a throwing warning listener's error is dropped).
  #emitSafely(name: string, ...args: unknown[]): void {
    try {
      (this.emit.bind(this) as (name: string, ...args: unknown[]) => boolean)(name, ...args);
    } catch (error) {
      if (name !== 'warning')
        this.#emitSafely('warning', `a '${name}' listener threw: ${String(error)}`.replace(/\s*\n\s*/g, ' '));
    }
  }

  #dispatch(source: ControllerEvent): void {
    const { event, device } = toControlPointEvent(source);
    const emit = this.#emitSafely.bind(this);
    switch (event.event) {
      case 'device-added':
      case 'device-found':
        emit(event.event, device);
        break;
      case 'device-updated':
        emit(event.event, device, event.changes);
        break;
      case 'device-rebooted':
        emit(event.event, device, event.previousBootId);
        break;
      case 'device-removed':
        emit(event.event, device, event.reason);
        break;
      case 'describe-failed':
        emit(event.event, device, { reason: event.reason, code: event.code, detail: event.detail });
        break;
      default:
        emit(event.event, event);
    }
    emit('event', event);
  }

  /**
   * Opens the sockets and sends the first search. Rejects with a typed error (`code`): TransportError (port in
   * use, unknown interface ...; SSDP_ERR_TRANSPORT_STOPPED once stopped: no restart) or AbortError.
   */
  async start(options: WaitOptions = {}): Promise<void> {
    const signal = signalOption(options);
    throwIfAborted(signal);
    if (this.#stopped) {
      throw new TransportError(
        'SSDP_ERR_TRANSPORT_STOPPED',
        'this control point was stopped (or failed to start); it does not start again (create a new one)',
      );
    }
    this.#started = true;
    try {
      await this.#engine.start();
    } catch (error) {
      this.#stopped = true;
      await this.#engine.stop().catch(() => undefined);
      throw error;
    }
    if (signal?.aborted === true) {
      this.#stopped = true;
      await this.#engine.stop();
      throw new AbortError('start aborted', signal.reason);
    }
  }

  /** Stops searching, abandons descriptions in flight and closes the sockets. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#engine.stop();
  }

  /** The devices known now (announced, not expired). */
  devices(): DiscoveredDevice[] {
    return this.#engine.devices().map(toDiscoveredDevice);
  }

  /** The announced device with this UDN (`uuid:…`, any case), or undefined. */
  device(udn: string): DiscoveredDevice | undefined {
    const snapshot = this.#engine.device(udn);
    return snapshot === undefined ? undefined : toDiscoveredDevice(snapshot);
  }

  /**
   * Reads a known device's description again, through the same safe fetcher as the registry's descriptions
   * (deadline, 256 KiB cap, LOCATION on the sender's host), and returns it parsed: services, icons, embedded
   * devices. A failure is a value (`ok: false` with a reason), never a rejection, except AbortError.
   */
  async fetchDescription(udn: string, options: WaitOptions = {}): Promise<DescriptionLookup> {
    throwIfAborted(signalOption(options));
    const result = await lookUpDescription(this.#fetcher, this.#engine.device(udn), udn, options.signal);
    throwIfAborted(options.signal);
    return result;
  }

  /**
   * Fetches one small resource of a known device (an icon ...) with the same rules: http only, the device's own
   * host, the describe deadline, at most `maxBytes` (default 64 KiB). `url` is absolute (resolve it against
   * fetchDescription's `url`).
   */
  async fetchFromDevice(udn: string, url: string, options: FetchFromDeviceOptions = {}): Promise<ResourceLookup> {
    throwIfAborted(signalOption(options));
    const result = await lookUpResource(this.#fetcher, this.#engine.device(udn), udn, url, options);
    throwIfAborted(options.signal);
    return result;
  }

  /**
   * One extra search now, for `target` (default: the configured one). Resolves once both sends are out; rejects
   * with TransportError SSDP_ERR_NOT_STARTED unless started.
   */
  async search(target?: string): Promise<void> {
    if (target !== undefined) resolveControlPointOptions({ target });
    if (!this.#started || this.#stopped)
      throw new TransportError('SSDP_ERR_NOT_STARTED', 'search() needs a started control point (call start() first)');
    await this.#engine.search(target ?? this.#target);
  }

  /**
   * Waits MX + 250 ms for answers to the latest search, then until their descriptions are read (each fetch has its
   * own deadline), emits device-found for each device and resolves with them. With `signal`, rejects with
   * AbortError when aborted.
   */
  async collect(options: WaitOptions = {}): Promise<DiscoveredDevice[]> {
    const signal = signalOption(options);
    throwIfAborted(signal);
    await this.#wait(this.#mx * 1000 + LISTEN_MARGIN_MS, signal);
    this.#engine.settle();
    const guardMs = this.#engine.describeDrainBoundMs(this.#describeTimeoutMs) + DRAIN_GUARD_MS;
    await Promise.race([this.#engine.whenDescribed(), this.#wait(guardMs, signal)]);
    throwIfAborted(signal);
    this.#engine.reportFound();
    return this.devices();
  }

  /**
   * A snapshot of the counters (a new object on each read): datagrams, searches, drops by reason, descriptions,
   * repeats; `kernelDrops`, the datagrams the kernel dropped for our sockets since start because the receive buffer
   * was full (read from /proc on Linux, kept after stop; undefined where not counted); and `receiveBuffer`, the size
   * asked for (`recvBufferSize`) and granted, and whether net.core.rmem_max capped it (with the sysctl hint).
   */
  get stats(): Readonly<ControllerStats> {
    return this.#engine.stats;
  }

  #wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const { scheduler } = this.#engine;
    return new Promise((resolve, reject) => {
      const task = scheduler.schedule(ms, finish);
      signal?.addEventListener('abort', abort, { once: true });
      function finish() {
        signal?.removeEventListener('abort', abort);
        resolve();
      }
      function abort() {
        scheduler.cancel(task);
        reject(new AbortError('aborted', signal?.reason));
      }
    });
  }
}

/**
 * Creates a control point. Nothing happens on the network until start(). Throws InvalidOptionError (`code`
 * SSDP_ERR_INVALID_OPTION) for a wrong option.
 */
export function createControlPoint(
  options: ControlPointOptions = {},
  components: ControlPointComponents = {},
): ControlPoint {
  return new ControlPoint(options, components);
}
