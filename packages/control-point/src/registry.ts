// The control point's view of the network: one record per root device, keyed by UDN.
//
// - Every USN of a device is grouped under it: its root, device type and services (same UUID), and its embedded
//   devices (another UUID at the same LOCATION, or listed in its description).
// - Expiry follows CACHE-CONTROL max-age through the shared scheduler (one heap, one clock timer). A refresh
//   only moves `expiresAt`; the pending task notices on firing and re-arms, so a busy device costs no heap work.
// - Bounded: when full, the least recently seen device is evicted (counted, reported).
// - A record keeps only what the events need (no datagrams, no header lists); strings are detached from the
//   datagram text and the repeated ones pooled (see string-pool.ts).
//
// Embedded devices race their root: search responses are spread over MX seconds, so `uuid:EMBEDDED::…` can
// arrive before the root's `upnp:rootdevice`. A record that is not known to be a root yet is "pending" for
// `settleMs`: it is announced when that runs out, at once when it proves to be a root (an upnp:rootdevice USN or
// its own description), and silently folded into its root when one shows up at the same LOCATION.
import type { Clock, ScheduledTask, Scheduler } from '@ssdp/transport';
import type { DescribeFailureReason, DescribeState, DeviceSnapshot, RemovalReason } from './events.ts';
import { createExpiryQueue } from './expiry-queue.ts';
import { createStringPool, detach } from './string-pool.ts';

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

/** What a description contributes to a record. */
export interface DescriptionInfo {
  readonly friendlyName: string;
  readonly manufacturer: string;
  readonly modelName: string;
  readonly deviceType: string;
  /** UUIDs (without `uuid:`) of the embedded devices it lists. */
  readonly embedded: readonly string[];
  /** True when the record's UUID is the description's root UDN. */
  readonly isRoot: boolean;
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
  /** Marks a record as not to be described (--no-describe). */
  skipDescription(record: DeviceRecord): void;
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

const NONE = -1;

/** One device. Fields, not a Map of headers: this is what 100,000 devices cost. */
export class DeviceRecord {
  /** UUID in lower case (UUIDs compare case-insensitively, RFC 4122 §3), or the synthetic key as it is. */
  readonly key: string;
  /** The UUID as first spelled, for display (the same string as `key` when that is already lower case). */
  readonly spelling: string;
  readonly synthetic: boolean;
  address: string;
  interfaceId: string;
  locations: string[] = [];
  /** Index in `locations` of the LOCATION of the latest datagram, so `location` matches `address`. */
  currentLocation = 0;
  server: string | undefined = undefined;
  /** '' = the bare `uuid:KEY`; a target (`upnp:rootdevice`, types) of KEY; or a full `uuid:EMBEDDED…` USN. */
  usns: string[] = [];
  /** From a device-type USN of the root UUID. */
  usnDeviceType: string | undefined = undefined;
  bootId = NONE;
  configId = NONE;
  nextBootId = NONE;
  firstSeen: number;
  lastSeen: number;
  expiresAt: number;
  root = false;
  announced = false;
  removed = false;
  /** Expiry queue bookkeeping (see expiry-queue.ts): lazily <= expiresAt. */
  queueIndex = -1;
  dueAt = 0;
  settleTask: ScheduledTask | undefined = undefined;
  describeState: DescribeState | 'none' = 'none';
  describeError: DescribeFailureReason | undefined = undefined;
  /** Detail and code of a failure that happened before the device was announced (reported with it). */
  describeDetail: string | undefined = undefined;
  describeCode: string | undefined = undefined;
  /** Bumped on reboot and CONFIGID change: a description result of an older generation is dropped. */
  generation = 0;
  /** The generation that was described (or failed); NONE when never. */
  describedGeneration = NONE;
  friendlyName: string | undefined = undefined;
  manufacturer: string | undefined = undefined;
  modelName: string | undefined = undefined;
  describedType: string | undefined = undefined;

  constructor(key: string, spelling: string, synthetic: boolean, address: string, interfaceId: string, now: number) {
    this.key = key;
    this.spelling = spelling;
    this.synthetic = synthetic;
    this.address = address;
    this.interfaceId = interfaceId;
    this.firstSeen = now;
    this.lastSeen = now;
    this.expiresAt = now;
  }

  get udn(): string {
    return this.synthetic ? this.key : `uuid:${this.spelling}`;
  }
}

export function createRegistry(init: RegistryInit, components: RegistryComponents): Registry {
  const { clock, scheduler, onEvent } = components;
  const maxDevices = Math.max(1, init.maxDevices ?? 10_000);
  const settleMs = Math.max(0, init.settleMs ?? 1000);
  const gatherMs = Math.min(settleMs, Math.max(0, init.gatherMs ?? 100));
  const rootWaitMs = Math.max(gatherMs, init.describeWaitMs ?? 0);
  const defaultMaxAge = init.defaultMaxAge ?? 1800;
  const maxMaxAge = init.maxMaxAge ?? 86_400;
  const maxUsns = init.maxUsnsPerDevice ?? 64;
  const maxLocations = init.maxLocationsPerDevice ?? 4;
  const pool = createStringPool();

  /** Key -> record, in least-recently-seen order (a refresh moves the record to the end). */
  const records = new Map<string, DeviceRecord>();
  /** Embedded UUID -> its root's record. */
  const embedded = new Map<string, DeviceRecord>();
  /** LOCATION -> the record that claimed it (a root takes it over from a pending record). */
  const byLocation = new Map<string, DeviceRecord>();
  const pending = new Set<DeviceRecord>();
  /** LOCATION -> the records at it that are not announced yet (few: embedded devices racing their root). */
  const pendingAt = new Map<string, DeviceRecord[]>();
  let announcedCount = 0;
  let evicted = 0;

  function snapshot(record: DeviceRecord): DeviceSnapshot {
    return {
      udn: record.udn,
      address: record.address,
      interfaceId: record.interfaceId,
      location: record.locations[record.currentLocation] ?? record.locations[0],
      locations: [...record.locations],
      server: record.server,
      usns: record.usns.map((entry) => fullUsn(record, entry)),
      deviceType: record.describedType ?? record.usnDeviceType,
      friendlyName: record.friendlyName,
      manufacturer: record.manufacturer,
      modelName: record.modelName,
      bootId: record.bootId === NONE ? undefined : record.bootId,
      configId: record.configId === NONE ? undefined : record.configId,
      firstSeen: record.firstSeen,
      lastSeen: record.lastSeen,
      expiresAt: record.expiresAt,
      describe: record.describeState === 'none' ? 'pending' : record.describeState,
      describeError: record.describeError,
    };
  }

  function fullUsn(record: DeviceRecord, entry: string): string {
    if (entry.startsWith('uuid:')) return entry;
    if (record.synthetic) return entry === '' ? record.key : entry;
    return entry === '' ? `uuid:${record.spelling}` : `uuid:${record.spelling}::${entry}`;
  }

  /**
   * The stored form of a USN under `record` (targets of its own UUID are pooled: many devices share them); an
   * embedded device's USN is kept whole, as spelled.
   */
  function usnEntry(record: DeviceRecord, uuid: string, spelled: string, target: string): string {
    if (uuid === record.key) return target === '' ? '' : pool.intern(target);
    return detach(target === '' ? `uuid:${spelled}` : `uuid:${spelled}::${target}`);
  }

  /** Whether `record` has `entry`, an embedded device's UUID compared case-insensitively. */
  function hasUsn(record: DeviceRecord, entry: string): boolean {
    if (record.usns.includes(entry)) return true;
    if (!entry.startsWith('uuid:')) return false;
    const uuid = embeddedUuidOf(entry);
    const rest = entry.slice(5 + uuid.length);
    return record.usns.some(
      (other) => other.startsWith('uuid:') && embeddedUuidOf(other) === uuid && other.slice(5 + uuid.length) === rest,
    );
  }

  function emit(event: RegistryEvent): void {
    onEvent(event);
  }

  function touch(record: DeviceRecord): void {
    records.delete(record.key);
    records.set(record.key, record);
  }

  const expiry = createExpiryQueue<DeviceRecord>(scheduler, expiryDue, () => clock.now());

  function armExpiry(record: DeviceRecord): void {
    // A refresh only moves expiresAt: the queued deadline fires early and re-arms. Only a shortened lifetime
    // (or a first one) touches the heap now.
    if (record.queueIndex >= 0 && record.dueAt <= record.expiresAt) return;
    expiry.schedule(record, record.expiresAt);
  }

  function expiryDue(record: DeviceRecord): void {
    if (record.removed) return;
    if (clock.now() < record.expiresAt) expiry.schedule(record, record.expiresAt);
    else remove(record, 'expired');
  }

  function unlink(record: DeviceRecord): void {
    record.removed = true;
    records.delete(record.key);
    unpend(record);
    expiry.remove(record);
    if (record.settleTask !== undefined) scheduler.cancel(record.settleTask);
    record.settleTask = undefined;
    for (const location of record.locations) if (byLocation.get(location) === record) byLocation.delete(location);
    for (const entry of record.usns) {
      if (!entry.startsWith('uuid:')) continue;
      const uuid = embeddedUuidOf(entry);
      if (embedded.get(uuid) === record) embedded.delete(uuid);
    }
  }

  function remove(record: DeviceRecord, reason: RemovalReason): void {
    if (record.removed) return;
    const wasAnnounced = record.announced;
    unlink(record);
    if (wasAnnounced) {
      announcedCount -= 1;
      emit({ event: 'device-removed', device: snapshot(record), reason });
    }
  }

  function announce(record: DeviceRecord): void {
    if (record.announced || record.removed) return;
    if (record.settleTask !== undefined) scheduler.cancel(record.settleTask);
    record.settleTask = undefined;
    unpend(record);
    record.announced = true;
    announcedCount += 1;
    emit({ event: 'device-added', device: snapshot(record) });
    if (record.describeState === 'failed' && record.describeError !== undefined) {
      const detail = record.describeDetail ?? record.describeError;
      emit({
        event: 'describe-failed',
        device: snapshot(record),
        reason: record.describeError,
        code: record.describeCode,
        detail,
      });
    }
    record.describeDetail = undefined;
    record.describeCode = undefined;
  }

  /** A pending record turned out to be an embedded device of `root`: merge it without events. */
  function fold(record: DeviceRecord, root: DeviceRecord): void {
    if (record === root || record.announced || record.removed) return;
    unlink(record);
    for (const entry of record.usns) addUsn(root, entry.startsWith('uuid:') ? entry : fullUsn(record, entry));
    embedded.set(record.key, root);
    for (const entry of record.usns) if (entry.startsWith('uuid:')) embedded.set(embeddedUuidOf(entry), root);
    for (const location of record.locations) addLocation(root, location);
    root.expiresAt = Math.max(root.expiresAt, record.expiresAt);
  }

  /** Folds the pending records at one of `root`'s locations (or listed as its embedded devices) into it. */
  function adoptPending(root: DeviceRecord, alsoUuids: readonly string[] = []): void {
    for (const location of root.locations) {
      const here = pendingAt.get(location);
      if (here === undefined) continue;
      for (const candidate of [...here]) if (candidate !== root && !candidate.root) fold(candidate, root);
    }
    for (const uuid of alsoUuids) {
      const candidate = records.get(uuid.toLowerCase());
      if (candidate !== undefined && candidate !== root && !candidate.announced && !candidate.root)
        fold(candidate, root);
    }
  }

  function unpend(record: DeviceRecord): void {
    if (!pending.delete(record)) return;
    for (const location of record.locations) {
      const here = pendingAt.get(location);
      if (here === undefined) continue;
      const index = here.indexOf(record);
      if (index >= 0) here.splice(index, 1);
      if (here.length === 0) pendingAt.delete(location);
    }
  }

  function addUsn(record: DeviceRecord, entry: string): boolean | 'full' {
    if (hasUsn(record, entry)) return false;
    if (record.usns.length >= maxUsns) return 'full';
    record.usns = [...record.usns, entry]; // exactly sized: push() would reserve 17 slots for the first entry
    if (entry.startsWith('uuid:') && embedded.get(embeddedUuidOf(entry)) === undefined) {
      embedded.set(embeddedUuidOf(entry), record);
    }
    return true;
  }

  function addLocation(record: DeviceRecord, location: string): boolean {
    if (record.locations.includes(location) || record.locations.length >= maxLocations) return false;
    const stored = detach(location);
    record.locations = [...record.locations, stored];
    if (pending.has(record)) {
      const here = pendingAt.get(stored);
      if (here === undefined) pendingAt.set(stored, [record]);
      else here.push(record);
    }
    const owner = byLocation.get(stored);
    if (owner === undefined || (!owner.root && record.root)) byLocation.set(stored, record);
    return true;
  }

  function evictOne(): void {
    for (const oldest of records.values()) {
      evicted += 1;
      if (oldest.announced) remove(oldest, 'evicted');
      else {
        unlink(oldest); // never announced: no event, but the caller counts it
        components.onEvictedUnannounced?.(oldest);
      }
      return;
    }
  }

  /** The record an observation (of the UUID key `uuid`) belongs to, if any. */
  function find(observation: Observation, uuid: string): DeviceRecord | undefined {
    const own = records.get(uuid);
    if (own !== undefined) return own;
    const root = embedded.get(uuid);
    if (root !== undefined && !root.removed) return root;
    if (observation.location !== undefined && observation.target !== 'upnp:rootdevice') {
      const owner = byLocation.get(observation.location);
      if (owner !== undefined && owner.root && !owner.removed) return owner;
    }
    return undefined;
  }

  function lifetimeMs(observation: Pick<Observation, 'maxAge'>): number {
    const seconds = observation.maxAge ?? defaultMaxAge;
    return Math.min(Math.max(0, seconds), maxMaxAge) * 1000;
  }

  function create(observation: Observation, uuid: string, now: number): DeviceRecord {
    if (records.size >= maxDevices) evictOne();
    const key = detach(uuid);
    const record = new DeviceRecord(
      key,
      uuid === observation.uuid ? key : detach(observation.uuid),
      observation.syntheticKey === true,
      detach(observation.address),
      pool.intern(observation.interfaceId),
      now,
    );
    records.set(record.key, record);
    pending.add(record);
    return record;
  }

  function observe(observation: Observation): ObserveResult {
    // The datagram's read time, not the end of its parsing: first/last seen and max-age count from when it came.
    const now = observation.receivedAt ?? clock.now();
    // The registry's key: a UUID in lower case (`uuid:ABC…` and `uuid:abc…` are one device), a synthetic key as is.
    const uuid = observation.syntheticKey === true ? observation.uuid : observation.uuid.toLowerCase();
    let record = find(observation, uuid);

    if (observation.kind === 'byebye') {
      if (record === undefined) return { outcome: 'unknown', record: undefined };
      if (observation.bootId !== undefined && record.bootId !== NONE && observation.bootId < record.bootId) {
        return { outcome: 'stale-bootid', record };
      }
      if (uuid === record.key) {
        remove(record, 'byebye');
        return { outcome: 'removed', record: undefined };
      }
      // An embedded device said goodbye: forget its USNs, keep the root.
      const before = record.usns.length;
      record.usns = record.usns.filter((entry) => !entry.startsWith('uuid:') || embeddedUuidOf(entry) !== uuid);
      embedded.delete(uuid);
      if (record.usns.length !== before && record.announced) {
        emit({ event: 'device-updated', device: snapshot(record), changes: ['usns'] });
        return { outcome: 'updated', record };
      }
      return { outcome: 'refreshed', record };
    }

    if (record === undefined && observation.kind === 'update') return { outcome: 'unknown', record: undefined };

    const isNew = record === undefined;
    if (record === undefined) record = create(observation, uuid, now);
    else if (observation.bootId !== undefined && record.bootId !== NONE && observation.bootId < record.bootId) {
      return { outcome: 'stale-bootid', record };
    }

    const changes: string[] = [];
    let rebootedFrom = NONE;

    // BOOTID: up means a reboot, unless an ssdp:update announced that value (NEXTBOOTID).
    if (observation.bootId !== undefined && observation.bootId !== record.bootId) {
      if (record.bootId === NONE || observation.bootId === record.nextBootId) {
        if (record.bootId !== NONE) changes.push('bootId');
      } else {
        rebootedFrom = record.bootId;
        record.generation += 1;
      }
      record.bootId = observation.bootId;
      if (observation.bootId === record.nextBootId) record.nextBootId = NONE;
    }
    if (
      observation.kind === 'update' &&
      observation.nextBootId !== undefined &&
      observation.nextBootId !== record.nextBootId
    ) {
      record.nextBootId = observation.nextBootId;
      changes.push('nextBootId');
    }
    if (observation.configId !== undefined && observation.configId !== record.configId) {
      if (record.configId !== NONE) {
        changes.push('configId');
        record.generation += 1;
      }
      record.configId = observation.configId;
    }

    if (uuid === record.key || observation.syntheticKey === true) {
      if (observation.target === 'upnp:rootdevice' || observation.syntheticKey === true) record.root = true;
      if (observation.deviceTypeTarget === true && record.usnDeviceType === undefined) {
        record.usnDeviceType = pool.intern(observation.target);
      }
    } else if (!embedded.has(uuid)) {
      embedded.set(detach(uuid), record);
    }
    // A new USN is not an event of its own (a device's set arrives as a burst): later events carry them all.
    const usnAdded = addUsn(record, usnEntry(record, uuid, observation.uuid, observation.target));

    if (observation.location !== undefined) {
      if (addLocation(record, observation.location)) changes.push('location');
      const index = record.locations.indexOf(observation.location);
      if (index >= 0) record.currentLocation = index;
    }
    if (observation.server !== undefined && observation.server !== record.server) {
      if (record.server !== undefined) changes.push('server');
      record.server = pool.intern(observation.server);
    }
    if (observation.address !== record.address) record.address = detach(observation.address);
    if (observation.interfaceId !== record.interfaceId) record.interfaceId = pool.intern(observation.interfaceId);

    record.lastSeen = now;
    if (observation.kind === 'alive') record.expiresAt = now + lifetimeMs(observation);
    else if (record.expiresAt < now) record.expiresAt = now + lifetimeMs(observation);
    armExpiry(record);
    if (!isNew) touch(record);

    if (!record.announced) {
      if (record.root) {
        adoptPending(record);
        // Announced once its description is in (or failed), after the gather time, or at the wait limit.
        announceBy(record, record.firstSeen + (record.describeState === 'skipped' ? gatherMs : rootWaitMs));
      } else if (isNew) {
        announceBy(record, now + settleMs);
      }
      return { outcome: 'pending', record };
    }

    if (record.root) adoptPending(record);
    if (rebootedFrom !== NONE) {
      emit({ event: 'device-rebooted', device: snapshot(record), previousBootId: rebootedFrom });
      return { outcome: 'updated', record };
    }
    if (changes.length > 0) {
      emit({ event: 'device-updated', device: snapshot(record), changes });
      return { outcome: 'updated', record };
    }
    return { outcome: usnAdded === 'full' ? 'usn-limit' : 'refreshed', record };
  }

  /** Announces `record` at `at` at the latest. */
  function announceBy(record: DeviceRecord, at: number): void {
    const task = record.settleTask;
    if (task?.pending === true) {
      if (task.dueAt <= at) return;
      scheduler.cancel(task);
    }
    record.settleTask = scheduler.scheduleAt(at, () => settle(record));
  }

  function settle(record: DeviceRecord): void {
    if (record.settleTask?.pending === true) scheduler.cancel(record.settleTask);
    record.settleTask = undefined;
    if (record.removed || record.announced) return;
    // A root may have shown up at the same LOCATION in the meantime: then this was one of its embedded devices.
    for (const location of record.root ? [] : record.locations) {
      const owner = byLocation.get(location);
      if (owner !== undefined && owner !== record && owner.root && !owner.removed) {
        fold(record, owner);
        return;
      }
    }
    announce(record);
  }

  return {
    observe,
    refresh(record, receivedAt, lifetime) {
      if (record.removed) return;
      record.lastSeen = receivedAt;
      record.expiresAt = receivedAt + lifetime;
      armExpiry(record);
      touch(record);
    },
    lifetimeMs: (maxAge) => lifetimeMs({ maxAge }),
    describing(record) {
      record.describedGeneration = record.generation;
      record.describeState = 'pending';
      return record.generation;
    },
    describeRefused(record, generation, previous) {
      if (record.removed || generation !== record.generation || record.describeState !== 'pending') return;
      record.describedGeneration = NONE;
      record.describeState = previous;
    },
    needsDescription(record) {
      return !record.removed && record.describeState !== 'skipped' && record.describedGeneration !== record.generation;
    },
    described(record, generation, info) {
      if (record.removed || generation !== record.generation) return;
      record.describeState = 'described';
      record.describeError = undefined;
      record.friendlyName = pool.intern(info.friendlyName);
      record.manufacturer = pool.intern(info.manufacturer);
      record.modelName = pool.intern(info.modelName);
      record.describedType = pool.intern(info.deviceType);
      if (info.isRoot) record.root = true;
      for (const spelled of info.embedded) {
        const uuid = spelled.toLowerCase();
        if (!embedded.has(uuid) && uuid !== record.key) embedded.set(detach(uuid), record);
      }
      if (!record.announced) {
        if (!record.root) return; // announced when it settles; it carries the description then
        adoptPending(record, info.embedded);
        announceBy(record, Math.max(clock.now(), record.firstSeen + gatherMs));
        return;
      }
      adoptPending(record, record.root ? info.embedded : []);
      emit({ event: 'device-updated', device: snapshot(record), changes: ['description'] });
    },
    describeFailed(record, generation, reason, detail, code) {
      if (record.removed || generation !== record.generation) return;
      // Shed for lack of room, not refused by the device: a later advertisement asks again.
      if (reason === 'sender-limit' || reason === 'queue-full') record.describedGeneration = NONE;
      record.describeState = 'failed';
      record.describeError = reason;
      if (record.announced) emit({ event: 'describe-failed', device: snapshot(record), reason, code, detail });
      else {
        record.describeDetail = detail;
        record.describeCode = code;
        if (record.root) announceBy(record, Math.max(clock.now(), record.firstSeen + gatherMs));
      }
    },
    skipDescription(record) {
      record.describeState = 'skipped';
    },
    settleAll() {
      for (const record of [...pending]) settle(record);
    },
    snapshot,
    devices() {
      const out: DeviceSnapshot[] = [];
      for (const record of records.values()) if (record.announced) out.push(snapshot(record));
      return out;
    },
    get(udnOrUuid) {
      const key = udnOrUuid.toLowerCase().startsWith('uuid:') ? udnOrUuid.slice(5).toLowerCase() : udnOrUuid;
      return records.get(key) ?? records.get(key.toLowerCase());
    },
    get size() {
      return announcedCount;
    },
    get storedSize() {
      return records.size;
    },
    get evicted() {
      return evicted;
    },
    clear() {
      for (const record of [...records.values()]) unlink(record);
      expiry.clear();
      embedded.clear();
      byLocation.clear();
      announcedCount = 0;
    },
  };
}

/** The UUID of a whole `uuid:X[::target]` entry, in lower case (the key form). */
function embeddedUuidOf(entry: string): string {
  const end = entry.indexOf('::');
  return entry.slice(5, end < 0 ? entry.length : end).toLowerCase();
}
