// Follows a control point and tells the pages: a snapshot for each new page, then one delta per flush interval
// with the devices that changed (whole, the latest version only), the ones that left, the latest traffic lines
// and the counters. A refresh sweep re-reads the registry, because a device seen again without a change (the
// usual NOTIFY) moves its lastSeen and expiry without an event; the sweep also repairs anything missed.
import type { ControlPointEvent, DiscoveredDevice } from '@ssdp/control-point';
import { RawMessageStore, usnUuidOf } from './raw-messages.ts';
import type { WebViewSource } from './source.ts';
import { sseFrame, type SseHub } from './sse-hub.ts';
import { trafficOf } from './traffic.ts';
import type { DeltaMessage, SnapshotMessage, TrafficEntry, WireCounters, WireDevice } from './wire.ts';

/** Traffic lines kept for a new page's snapshot. */
export const TRAFFIC_HISTORY = 200;
/** Traffic lines sent per delta at most (the latest); the rest are counted in trafficSkipped. */
export const TRAFFIC_PER_DELTA = 100;

const DEVICE_KEYS = [
  'udn',
  'address',
  'interfaceId',
  'location',
  'server',
  'deviceType',
  'friendlyName',
  'manufacturer',
  'modelName',
  'bootId',
  'configId',
  'firstSeen',
  'lastSeen',
  'expiresAt',
  'describe',
  'describeError',
] as const satisfies readonly (keyof DiscoveredDevice)[];

/** The fields of a WireDevice, in the order of a snapshot's rows. */
export const WIRE_COLUMNS: readonly (keyof WireDevice)[] = [...DEVICE_KEYS, 'usnCount', 'locationCount'];

/** The table's form of a device, from a device or a flat device event (without event, time, reason ...). */
export function deviceOf(event: DiscoveredDevice): WireDevice {
  const out: Record<string, unknown> = {};
  for (const key of DEVICE_KEYS) out[key] = event[key];
  out['usnCount'] = event.usns.length;
  out['locationCount'] = event.locations.length;
  return out as unknown as WireDevice;
}

/** A snapshot row: the values of WIRE_COLUMNS. */
function rowOf(device: DiscoveredDevice): unknown[] {
  const row: unknown[] = DEVICE_KEYS.map((key) => device[key]);
  row.push(device.usns.length, device.locations.length);
  return row;
}

/** What the sweep compares: the fields that move without an event. */
function freshness(device: WireDevice | DiscoveredDevice): string {
  return `${device.lastSeen}|${device.expiresAt}|${device.address}`;
}

export interface LiveFeedInit {
  readonly flushIntervalMs: number;
  readonly refreshIntervalMs: number;
  /** The HTTP guard's drop counts (read when counters are sent). */
  readonly httpDrops: () => Readonly<Record<string, number>>;
}

export class LiveFeed {
  readonly raw = new RawMessageStore();
  readonly #source: WebViewSource;
  readonly #hub: SseHub;
  readonly #init: LiveFeedInit;
  readonly #history: TrafficEntry[] = [];
  readonly #messages: Record<string, number> = {};
  readonly #events: Record<string, number> = {};
  /** What the pages were last told, per device: its freshness key. */
  readonly #sent = new Map<string, string>();
  #upserts = new Map<string, WireDevice>();
  #removals = new Map<string, string>();
  #traffic: TrafficEntry[] = [];
  #trafficSkipped = 0;
  #seq = 0;
  #rawSeen = false;
  #dirty = false;
  readonly #flushTimer: NodeJS.Timeout;
  readonly #sweepTimer: NodeJS.Timeout;
  readonly #listener = (event: ControlPointEvent): void => this.#onEvent(event);

  constructor(source: WebViewSource, hub: SseHub, init: LiveFeedInit) {
    this.#source = source;
    this.#hub = hub;
    this.#init = init;
    source.on('event', this.#listener);
    this.#flushTimer = setInterval(() => this.flush(), init.flushIntervalMs);
    this.#sweepTimer = setInterval(() => this.sweep(), init.refreshIntervalMs);
    this.#flushTimer.unref();
    this.#sweepTimer.unref();
  }

  get rawMessagesSeen(): boolean {
    return this.#rawSeen;
  }

  #onEvent(event: ControlPointEvent): void {
    const entry = trafficOf(event, this.#seq + 1);
    if (entry !== undefined) {
      this.#seq += 1;
      this.#history.push(entry);
      if (this.#history.length > TRAFFIC_HISTORY * 2) this.#history.splice(0, this.#history.length - TRAFFIC_HISTORY);
      if (this.#hub.size > 0) {
        this.#traffic.push(entry);
        if (this.#traffic.length > TRAFFIC_PER_DELTA * 2) {
          this.#trafficSkipped += this.#traffic.length - TRAFFIC_PER_DELTA;
          this.#traffic = this.#traffic.slice(-TRAFFIC_PER_DELTA);
        }
      }
      this.#dirty = true;
    }
    switch (event.event) {
      case 'message-received': {
        this.#rawSeen = true;
        this.#messages[event.kind] = (this.#messages[event.kind] ?? 0) + 1;
        const uuid = usnUuidOf(event.text);
        if (uuid !== undefined)
          this.raw.add(uuid, {
            time: event.time,
            address: event.address,
            port: event.port,
            kind: event.kind,
            text: event.text,
          });
        return;
      }
      case 'device-added':
      case 'device-updated':
      case 'device-rebooted':
      case 'describe-failed': {
        this.#count(event.event);
        if (this.#hub.size === 0) return;
        const device = deviceOf(event);
        this.#upserts.set(device.udn, device);
        this.#removals.delete(device.udn);
        return;
      }
      case 'device-removed':
        this.#count(`device-removed-${event.reason}`);
        if (this.#hub.size === 0) return;
        this.#upserts.delete(event.udn);
        this.#removals.set(event.udn, event.reason);
        return;
      default:
        return;
    }
  }

  #count(name: string): void {
    this.#events[name] = (this.#events[name] ?? 0) + 1;
  }

  counters(): WireCounters {
    const stats = this.#source.stats;
    return {
      controlPoint: { ...stats, dropped: { ...stats.dropped } } as unknown as WireCounters['controlPoint'],
      messages: { ...this.#messages },
      events: { ...this.#events },
      http: { ...this.#init.httpDrops() },
      devices: this.#sent.size,
      viewers: this.#hub.size,
      rawMessages: this.#rawSeen,
    };
  }

  /** The snapshot frame for a page that connects now. */
  snapshotFrame(): string {
    const devices = this.#source.devices();
    if (this.#hub.size === 0) {
      // The first page: what is pending was meant for nobody.
      this.#upserts.clear();
      this.#removals.clear();
      this.#traffic = [];
      this.#trafficSkipped = 0;
    }
    this.#sent.clear();
    for (const device of devices) this.#sent.set(device.udn, freshness(device));
    const message: SnapshotMessage = {
      type: 'snapshot',
      serverTime: Date.now(),
      columns: WIRE_COLUMNS,
      devices: devices.map(rowOf),
      traffic: this.#history.slice(-TRAFFIC_HISTORY),
      counters: this.counters(),
    };
    return sseFrame('snapshot', JSON.stringify(message));
  }

  /** Sends what changed since the last flush (nothing when nothing did). */
  flush(): void {
    if (this.#hub.size === 0) {
      this.#dirty = false;
      return;
    }
    if (!this.#dirty && this.#upserts.size === 0 && this.#removals.size === 0) return;
    for (const [udn, device] of this.#upserts) this.#sent.set(udn, freshness(device));
    for (const udn of this.#removals.keys()) this.#sent.delete(udn);
    const message: DeltaMessage = {
      type: 'delta',
      serverTime: Date.now(),
      upserts: [...this.#upserts.values()],
      removals: [...this.#removals].map(([udn, reason]) => ({ udn, reason })),
      traffic: this.#traffic.slice(-TRAFFIC_PER_DELTA),
      trafficSkipped: this.#trafficSkipped + Math.max(0, this.#traffic.length - TRAFFIC_PER_DELTA),
      counters: this.counters(),
    };
    this.#upserts = new Map();
    this.#removals = new Map();
    this.#traffic = [];
    this.#trafficSkipped = 0;
    this.#dirty = false;
    this.#hub.broadcast(sseFrame('delta', JSON.stringify(message)));
  }

  /** Re-reads the registry: devices seen again (or missed) become upserts, devices gone become removals. */
  sweep(): void {
    if (this.#hub.size === 0) return;
    const seen = new Set<string>();
    for (const device of this.#source.devices()) {
      seen.add(device.udn);
      if (this.#removals.has(device.udn)) continue;
      if (this.#sent.get(device.udn) !== freshness(device) && !this.#upserts.has(device.udn))
        this.#upserts.set(device.udn, deviceOf(device));
    }
    for (const udn of this.#sent.keys()) if (!seen.has(udn) && !this.#upserts.has(udn)) this.#removals.set(udn, 'gone');
    this.#dirty = true; // counters move even when no device did
  }

  close(): void {
    this.#source.off('event', this.#listener);
    clearInterval(this.#flushTimer);
    clearInterval(this.#sweepTimer);
  }
}
