// The registry's contract: what goes in (an Observation per advertisement), what comes out (RegistryEvents and an
// outcome per observation), and what the engine may ask of it.
import type { Clock, Scheduler } from '@ssdp/runtime';
import type { DescriptionInfo } from './description-state.ts';
import type { DeviceRecord } from './device-record.ts';
import type { DescribeFailureReason, DescribeState, DeviceSnapshot, RemovalReason } from './events.ts';

/** One received advertisement, already parsed; the controller builds it from a message and its datagram. */
export interface Observation {
  readonly kind: 'alive' | 'byebye' | 'update';
  /** When its datagram was read (ms on the registry's clock); default: when observed. */
  readonly receivedAt?: number | undefined;
  /** The UUID of the USN (without `uuid:`), or a made-up key for a legacy sender without a valid USN. */
  readonly uuid: string;
  /** True when `uuid` was made up (no valid USN): the record is then its own root. */
  readonly syntheticKey?: boolean;
  /** What follows `::` in the USN: `upnp:rootdevice`, a device or service type; empty for a bare `uuid:X`. */
  readonly target: string;
  /** True when `target` is a device type (`urn:…:device:…`). */
  readonly deviceTypeTarget?: boolean;
  readonly address: string;
  readonly interfaceId: string;
  readonly location?: string | undefined;
  readonly server?: string | undefined;
  /** CACHE-CONTROL max-age in seconds; undefined: the registry's default. */
  readonly maxAge?: number | undefined;
  readonly bootId?: number | undefined;
  readonly configId?: number | undefined;
  readonly nextBootId?: number | undefined;
}

export type ObserveOutcome =
  /** A known device changed (device-updated or device-rebooted). */
  | 'updated'
  /** A known device was seen again, nothing else changed. */
  | 'refreshed'
  /** Stored, not announced yet: device-added follows after gatherMs (roots) or settleMs (others). */
  | 'pending'
  | 'removed'
  /** A byebye or update for a device we do not know. */
  | 'unknown'
  /** Its BOOTID is older than the device's: a datagram from before a reboot. Ignored. */
  | 'stale-bootid'
  /** The device already has the most USNs a record keeps; the new one is not stored (the rest is). */
  | 'usn-limit';

export interface ObserveResult {
  readonly outcome: ObserveOutcome;
  /** The record concerned (for a description request), when it is still in the registry. */
  readonly record: DeviceRecord | undefined;
}

export type RegistryEvent =
  | { readonly event: 'device-added'; readonly device: DeviceSnapshot }
  | { readonly event: 'device-updated'; readonly device: DeviceSnapshot; readonly changes: readonly string[] }
  | { readonly event: 'device-rebooted'; readonly device: DeviceSnapshot; readonly previousBootId: number }
  | { readonly event: 'device-removed'; readonly device: DeviceSnapshot; readonly reason: RemovalReason }
  | {
      readonly event: 'describe-failed';
      readonly device: DeviceSnapshot;
      readonly reason: DescribeFailureReason;
      readonly code: string | undefined;
      readonly detail: string;
    };

export interface RegistryInit {
  /** Most devices kept; the least recently seen is evicted beyond it. Default 10,000. */
  readonly maxDevices?: number;
  /** How long a device not yet known to be a root waits before it is announced (ms). Default 1000. */
  readonly settleMs?: number;
  /**
   * How long a new root device waits before it is announced, so the burst of its advertisement set (root,
   * device type, services, embedded devices) lands in its device-added event (ms). Default 100.
   */
  readonly gatherMs?: number;
  /**
   * When descriptions are fetched: how long a new root device may wait for its description before it is
   * announced anyway, so device-added usually carries its friendlyName (ms). Default 0 (do not wait).
   */
  readonly describeWaitMs?: number;
  /** Max-age when an advertisement has none (s). Default 1800. */
  readonly defaultMaxAge?: number;
  /** Longest max-age honoured (s), so a bogus value cannot pin a device forever. Default 86,400. */
  readonly maxMaxAge?: number;
  /** Most USNs kept per device. Default 64. */
  readonly maxUsnsPerDevice?: number;
  /** Most LOCATIONs kept per device. Default 4. */
  readonly maxLocationsPerDevice?: number;
  /** Whether devices are described (else each is `skipped`). Default true. */
  readonly describe?: boolean;
}

export interface RegistryComponents {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly onEvent: (event: RegistryEvent) => void;
  /** A record evicted before it was announced (no event: nobody heard of it); for the caller's counters. */
  readonly onEvictedUnannounced?: (record: DeviceRecord) => void;
}

export interface Registry {
  observe(observation: Observation): ObserveResult;
  /**
   * A byte-for-byte repeat of an alive advertisement already observed on `record`, which it left unchanged
   * (repeat-filter.ts): only lastSeen and expiresAt move, as observe() would move them.
   */
  refresh(record: DeviceRecord, receivedAt: number, lifetimeMs: number): void;
  /** The lifetime an advertisement's max-age gives (the default when undefined; clamped), ms. */
  lifetimeMs(maxAge: number | undefined): number;
  /** Marks a description request as started; returns its generation (results of older ones are ignored). */
  describing(record: DeviceRecord): number;
  /**
   * A description request of `generation` was refused (queue full): the record goes back to `previous` (its state
   * before describing()), and the next advertisement asks again.
   */
  describeRefused(record: DeviceRecord, generation: number, previous: DescribeState | 'none'): void;
  /** Whether a record wants a description now (never asked, or CONFIGID/BOOTID changed since). */
  needsDescription(record: DeviceRecord): boolean;
  /** A description arrived for `generation`. */
  described(record: DeviceRecord, generation: number, info: DescriptionInfo): void;
  /** A description failed for `generation`; the device stays. */
  describeFailed(
    record: DeviceRecord,
    generation: number,
    reason: DescribeFailureReason,
    detail: string,
    code?: string,
  ): void;
  /** Announces every pending record now (used by --once before listing). */
  settleAll(): void;
  snapshot(record: DeviceRecord): DeviceSnapshot;
  /** Announced devices, least recently seen first. */
  devices(): DeviceSnapshot[];
  get(udnOrUuid: string): DeviceRecord | undefined;
  /** Announced devices. */
  readonly size: number;
  /** Records stored, pending ones included. */
  readonly storedSize: number;
  /** Devices evicted because the registry was full (announced or not). */
  readonly evicted: number;
  /** Removes everything without events and cancels the timers. */
  clear(): void;
}
