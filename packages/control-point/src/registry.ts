// The control point's view of the network: one record per root device, keyed by UDN. This factory wires the parts:
// the state transitions (registry-core.ts), the grouping of embedded devices (embedded-resolver.ts), expiry
// (expiry-index.ts) and description state (description-state.ts); it keeps the records and their announcement.
//
// - Bounded: when full, the least recently seen device is evicted (counted, reported).
// - A record keeps only what the events need (no datagrams, no header lists); strings are detached from the
//   datagram text and the repeated ones pooled (see string-pool.ts).
// - A new root is announced after `gatherMs` (its advertisement set arrives as a burst), or once described (up to
//   `describeWaitMs`); a record not known to be a root yet is announced after `settleMs` unless it is folded into a
//   root first.
import {
  applyDescribeFailure,
  applyDescription,
  DescriptionState,
  refuseDescribing,
  startDescribing,
  wantsDescription,
  type DescriptionInfo,
} from './description-state.ts';
import { DeviceRecord, snapshotOf } from './device-record.ts';
import { createEmbeddedResolver } from './embedded-resolver.ts';
import type { DescribeFailureReason, DeviceSnapshot, RemovalReason } from './events.ts';
import { createExpiryIndex } from './expiry-index.ts';
import { applyObservation, eventOf, isStale } from './registry-core.ts';
import type { Observation, ObserveResult, Registry, RegistryComponents, RegistryInit } from './registry-types.ts';
import { createStringPool, detach } from './string-pool.ts';

export type { DeviceRecord } from './device-record.ts';

export type { Observation, Registry, RegistryComponents, RegistryEvent, RegistryInit } from './registry-types.ts';

export function createRegistry(init: RegistryInit, components: RegistryComponents): Registry {
  const { clock, scheduler, onEvent } = components;
  const maxDevices = Math.max(1, init.maxDevices ?? 10_000);
  const settleMs = Math.max(0, init.settleMs ?? 1000);
  const gatherMs = Math.min(settleMs, Math.max(0, init.gatherMs ?? 100));
  const rootWaitMs = Math.max(gatherMs, init.describeWaitMs ?? 0);
  const defaultMaxAge = init.defaultMaxAge ?? 1800;
  const maxMaxAge = init.maxMaxAge ?? 86_400;
  const describe = init.describe !== false;
  const pool = createStringPool();
  /** Key -> record, in least-recently-seen order (a refresh moves the record to the end). */
  const records = new Map<string, DeviceRecord>();
  const resolver = createEmbeddedResolver(
    { maxUsns: init.maxUsnsPerDevice ?? 64, maxLocations: init.maxLocationsPerDevice ?? 4 },
    { lookup: (key) => records.get(key), unlink },
  );
  const context = { resolver, pool };
  const expiry = createExpiryIndex(scheduler, clock.now, (record) => remove(record, 'expired'));
  let announcedCount = 0;
  let evicted = 0;

  function touch(record: DeviceRecord): void {
    records.delete(record.key);
    records.set(record.key, record);
  }

  function unlink(record: DeviceRecord): void {
    record.removed = true;
    records.delete(record.key);
    resolver.forget(record);
    expiry.remove(record);
    cancelSettle(record);
  }

  function remove(record: DeviceRecord, reason: RemovalReason): void {
    if (record.removed) return;
    const wasAnnounced = record.announced;
    unlink(record);
    if (wasAnnounced) {
      announcedCount -= 1;
      onEvent({ event: 'device-removed', device: snapshotOf(record), reason });
    }
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

  function lifetimeMs(maxAge: number | undefined): number {
    return Math.min(Math.max(0, maxAge ?? defaultMaxAge), maxMaxAge) * 1000;
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
      describe ? new DescriptionState() : undefined,
    );
    records.set(record.key, record);
    resolver.markPending(record);
    return record;
  }

  function byebye(record: DeviceRecord | undefined, observation: Observation, uuid: string): ObserveResult {
    if (record === undefined) return { outcome: 'unknown', record: undefined };
    if (isStale(record, observation)) return { outcome: 'stale-bootid', record };
    if (uuid === record.key) {
      remove(record, 'byebye');
      return { outcome: 'removed', record: undefined };
    }
    // An embedded device said goodbye: forget its USNs, keep the root.
    if (resolver.dropEmbedded(record, uuid) && record.announced) {
      onEvent({ event: 'device-updated', device: snapshotOf(record), changes: ['usns'] });
      return { outcome: 'updated', record };
    }
    return { outcome: 'refreshed', record };
  }

  function observe(observation: Observation): ObserveResult {
    // The datagram's read time, not the end of its parsing: first/last seen and max-age count from when it came.
    const now = observation.receivedAt ?? clock.now();
    // The registry's key: a UUID in lower case (`uuid:ABC…` and `uuid:abc…` are one device), a synthetic key as is.
    const uuid = observation.syntheticKey === true ? observation.uuid : observation.uuid.toLowerCase();
    const found = resolver.find(uuid, observation.location, observation.target);
    if (observation.kind === 'byebye') return byebye(found, observation, uuid);
    if (found === undefined && observation.kind === 'update') return { outcome: 'unknown', record: undefined };
    if (found !== undefined && isStale(found, observation)) return { outcome: 'stale-bootid', record: found };
    const record = found ?? create(observation, uuid, now);
    const transition = applyObservation(record, observation, uuid, context);
    record.lastSeen = now;
    if (observation.kind === 'alive' || record.expiresAt < now) record.expiresAt = now + lifetimeMs(observation.maxAge);
    expiry.arm(record);
    if (found !== undefined) touch(record);
    if (!record.announced) {
      schedulePending(record, found === undefined, now);
      return { outcome: 'pending', record };
    }
    if (record.root) resolver.adoptPending(record);
    const { outcome, event } = eventOf(record, transition);
    if (event !== undefined) onEvent(event);
    return { outcome, record };
  }

  /** When a record not announced yet will be. */
  function schedulePending(record: DeviceRecord, isNew: boolean, now: number): void {
    if (record.root) {
      resolver.adoptPending(record);
      // Announced once its description is in (or failed), after the gather time, or at the wait limit.
      announceBy(record, record.firstSeen + (record.description === undefined ? gatherMs : rootWaitMs));
    } else if (isNew) {
      announceBy(record, now + settleMs);
    }
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

  function cancelSettle(record: DeviceRecord): void {
    if (record.settleTask?.pending === true) scheduler.cancel(record.settleTask);
    record.settleTask = undefined;
  }

  function settle(record: DeviceRecord): void {
    cancelSettle(record);
    if (record.removed || record.announced) return;
    // A root may have shown up at the same LOCATION in the meantime: then this was one of its embedded devices.
    const root = resolver.rootAt(record);
    if (root !== undefined) resolver.fold(record, root);
    else announce(record);
  }

  function announce(record: DeviceRecord): void {
    cancelSettle(record);
    resolver.unpend(record);
    announcedCount += 1;
    record.announced = true;
    onEvent({ event: 'device-added', device: snapshotOf(record) });
    const d = record.description;
    if (d?.state === 'failed' && d.error !== undefined) {
      const detail = d.detail ?? d.error;
      onEvent({ event: 'describe-failed', device: snapshotOf(record), reason: d.error, code: d.code, detail });
    }
    if (d !== undefined) {
      d.detail = undefined;
      d.code = undefined;
    }
  }

  function described(record: DeviceRecord, generation: number, info: DescriptionInfo): void {
    const d = record.description;
    if (record.removed || d === undefined || !applyDescription(d, generation, info, pool)) return;
    if (info.isRoot) record.root = true;
    for (const spelled of info.embedded) {
      const uuid = spelled.toLowerCase();
      if (uuid !== record.key) resolver.noteEmbedded(uuid, record);
    }
    if (!record.announced) {
      if (!record.root) return; // announced when it settles; it carries the description then
      resolver.adoptPending(record, info.embedded);
      announceBy(record, Math.max(clock.now(), record.firstSeen + gatherMs));
      return;
    }
    resolver.adoptPending(record, record.root ? info.embedded : []);
    onEvent({ event: 'device-updated', device: snapshotOf(record), changes: ['description'] });
  }

  function describeFailed(
    record: DeviceRecord,
    generation: number,
    reason: DescribeFailureReason,
    detail: string,
    code?: string,
  ): void {
    const d = record.description;
    if (record.removed || d === undefined || !applyDescribeFailure(d, generation, reason)) return;
    if (record.announced) onEvent({ event: 'describe-failed', device: snapshotOf(record), reason, code, detail });
    else {
      d.detail = detail;
      d.code = code;
      if (record.root) announceBy(record, Math.max(clock.now(), record.firstSeen + gatherMs));
    }
  }

  return {
    observe,
    refresh(record, receivedAt, lifetime) {
      if (record.removed) return;
      record.lastSeen = receivedAt;
      record.expiresAt = receivedAt + lifetime;
      expiry.arm(record);
      touch(record);
    },
    lifetimeMs,
    describing: (record) => (record.description === undefined ? -1 : startDescribing(record.description)),
    describeRefused(record, generation, previous) {
      if (!record.removed && record.description !== undefined)
        refuseDescribing(record.description, generation, previous);
    },
    needsDescription: (record) =>
      !record.removed && record.description !== undefined && wantsDescription(record.description),
    described,
    describeFailed,
    settleAll() {
      for (const record of [...resolver.pending]) settle(record);
    },
    snapshot: snapshotOf,
    devices() {
      const out: DeviceSnapshot[] = [];
      for (const record of records.values()) if (record.announced) out.push(snapshotOf(record));
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
      resolver.clear();
      announcedCount = 0;
    },
  };
}
