// The registry's records, least recently seen first: a new one (evicting the oldest when full), one seen again
// (moved to the end), one taken out (with a device-removed event when it had been announced).
import { DescriptionState } from './description-state.ts';
import { DeviceRecord, snapshotOf } from './device-record.ts';
import type { RemovalReason } from './events.ts';
import { cancelSettle } from './registry-announce.ts';
import type { RegistryState } from './registry-state.ts';
import type { Observation } from './registry-types.ts';
import { detach } from './string-pool.ts';

/** Stores a new, pending record for the UUID key `uuid`, first seen `now`. */
export function createRecord(state: RegistryState, observation: Observation, uuid: string, now: number): DeviceRecord {
  if (state.records.size >= state.limits.maxDevices) evictOldest(state);
  const key = detach(uuid);
  const record = new DeviceRecord(
    key,
    uuid === observation.uuid ? key : detach(observation.uuid),
    observation.syntheticKey === true,
    detach(observation.address),
    state.pool.intern(observation.interfaceId),
    now,
    state.limits.describe ? new DescriptionState() : undefined,
  );
  state.records.set(record.key, record);
  state.resolver.markPending(record);
  return record;
}

/** `record` was seen: it becomes the most recently seen. */
export function touch(state: RegistryState, record: DeviceRecord): void {
  state.records.delete(record.key);
  state.records.set(record.key, record);
}

/** Takes `record` out of the registry, its indexes and its timers, without an event. */
export function unlink(state: RegistryState, record: DeviceRecord): void {
  record.removed = true;
  state.records.delete(record.key);
  state.resolver.forget(record);
  state.expiry.remove(record);
  cancelSettle(state, record);
}

/** Takes `record` out; device-removed when it had been announced. */
export function removeRecord(state: RegistryState, record: DeviceRecord, reason: RemovalReason): void {
  if (record.removed) return;
  const wasAnnounced = record.announced;
  unlink(state, record);
  if (wasAnnounced) {
    state.announcedCount -= 1;
    state.onEvent({ event: 'device-removed', device: snapshotOf(record), reason });
  }
}

function evictOldest(state: RegistryState): void {
  for (const oldest of state.records.values()) {
    state.evicted += 1;
    if (oldest.announced) removeRecord(state, oldest, 'evicted');
    else {
      unlink(state, oldest); // never announced: no event, but the caller counts it
      state.onEvictedUnannounced?.(oldest);
    }
    return;
  }
}
