// What one advertisement does to the registry: finds or stores its record, applies it (registry-core.ts), moves
// the record's expiry, and reports it: an event for an announced device, a pending record's announcement time.
import { snapshotOf, type DeviceRecord } from './device-record.ts';
import { schedulePending } from './registry-announce.ts';
import { applyObservation, eventOf, isStale } from './registry-core.ts';
import { createRecord, removeRecord, touch } from './registry-records.ts';
import { lifetimeMs, type RegistryState } from './registry-state.ts';
import type { Observation, ObserveResult } from './registry-types.ts';

export function observe(state: RegistryState, observation: Observation): ObserveResult {
  // The datagram's read time, not the end of its parsing: first/last seen and max-age count from when it came.
  const now = observation.receivedAt ?? state.clock.now();
  // The registry's key: a UUID in lower case (`uuid:ABC…` and `uuid:abc…` are one device), a synthetic key as is.
  const uuid = observation.syntheticKey === true ? observation.uuid : observation.uuid.toLowerCase();
  const found = state.resolver.find(uuid, observation.location, observation.target);
  if (observation.kind === 'byebye') return byebye(state, found, observation, uuid);
  if (found === undefined && observation.kind === 'update') return { outcome: 'unknown', record: undefined };
  if (found !== undefined && isStale(found, observation)) return { outcome: 'stale-bootid', record: found };
  const record = found ?? createRecord(state, observation, uuid, now);
  const transition = applyObservation(record, observation, uuid, state);
  record.lastSeen = now;
  if (observation.kind === 'alive' || record.expiresAt < now) {
    record.expiresAt = now + lifetimeMs(state.limits, observation.maxAge);
  }
  state.expiry.arm(record);
  if (found !== undefined) touch(state, record);
  if (!record.announced) {
    schedulePending(state, record, found === undefined, now);
    return { outcome: 'pending', record };
  }
  if (record.root) state.resolver.adoptPending(record);
  const { outcome, event } = eventOf(record, transition);
  if (event !== undefined) state.onEvent(event);
  return { outcome, record };
}

function byebye(
  state: RegistryState,
  record: DeviceRecord | undefined,
  observation: Observation,
  uuid: string,
): ObserveResult {
  if (record === undefined) return { outcome: 'unknown', record: undefined };
  if (isStale(record, observation)) return { outcome: 'stale-bootid', record };
  if (uuid === record.key) {
    removeRecord(state, record, 'byebye');
    return { outcome: 'removed', record: undefined };
  }
  // An embedded device said goodbye: forget its USNs, keep the root.
  if (state.resolver.dropEmbedded(record, uuid) && record.announced) {
    state.onEvent({ event: 'device-updated', device: snapshotOf(record), changes: ['usns'] });
    return { outcome: 'updated', record };
  }
  return { outcome: 'refreshed', record };
}
