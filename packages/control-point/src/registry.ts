// The control point's view of the network: one record per root device, keyed by UDN. This factory wires the parts:
// the records (registry-records.ts), what an advertisement does (registry-observe.ts, with the state transitions in
// registry-core.ts), when a pending record is announced (registry-announce.ts), what a description does
// (registry-describe.ts), the grouping of embedded devices (embedded-resolver.ts) and expiry (expiry-index.ts); the
// parts share one RegistryState (registry-state.ts).
//
// - Bounded: when full, the least recently seen device is evicted (counted, reported).
// - A record keeps only what the events need (no datagrams, no header lists); strings are detached from the
//   datagram text and the repeated ones pooled (see string-pool.ts).
// - A new root is announced after `gatherMs` (its advertisement set arrives as a burst), or once described (up to
//   `describeWaitMs`); a record not known to be a root yet is announced after `settleMs` unless it is folded into a
//   root first.
import { refuseDescribing, startDescribing, wantsDescription } from './description-state.ts';
import { snapshotOf, type DeviceRecord } from './device-record.ts';
import { createEmbeddedResolver } from './embedded-resolver.ts';
import type { DeviceSnapshot } from './events.ts';
import { createExpiryIndex } from './expiry-index.ts';
import { settle } from './registry-announce.ts';
import { describeFailed, described } from './registry-describe.ts';
import { observe } from './registry-observe.ts';
import { removeRecord, touch, unlink } from './registry-records.ts';
import { lifetimeMs, registryLimits, type RegistryState } from './registry-state.ts';
import type { Registry, RegistryComponents, RegistryInit } from './registry-types.ts';
import { createStringPool } from './string-pool.ts';

export type { DeviceRecord } from './device-record.ts';

export type { Observation, Registry, RegistryComponents, RegistryEvent, RegistryInit } from './registry-types.ts';

export function createRegistry(init: RegistryInit, components: RegistryComponents): Registry {
  const { clock, scheduler } = components;
  const records = new Map<string, DeviceRecord>();
  const state: RegistryState = {
    limits: registryLimits(init),
    clock,
    scheduler,
    onEvent: components.onEvent,
    onEvictedUnannounced: components.onEvictedUnannounced,
    records,
    resolver: createEmbeddedResolver(
      { maxUsns: init.maxUsnsPerDevice ?? 64, maxLocations: init.maxLocationsPerDevice ?? 4 },
      { lookup: (key) => records.get(key), unlink: (record) => unlink(state, record) },
    ),
    pool: createStringPool(),
    expiry: createExpiryIndex(scheduler, clock.now, (record) => removeRecord(state, record, 'expired')),
    announcedCount: 0,
    evicted: 0,
  };
  return {
    observe: (observation) => observe(state, observation),
    refresh(record, receivedAt, lifetime) {
      if (record.removed) return;
      record.lastSeen = receivedAt;
      record.expiresAt = receivedAt + lifetime;
      state.expiry.arm(record);
      touch(state, record);
    },
    lifetimeMs: (maxAge) => lifetimeMs(state.limits, maxAge),
    describing: (record) => (record.description === undefined ? -1 : startDescribing(record.description)),
    describeRefused(record, generation, previous) {
      if (!record.removed && record.description !== undefined)
        refuseDescribing(record.description, generation, previous);
    },
    needsDescription: (record) =>
      !record.removed && record.description !== undefined && wantsDescription(record.description),
    described: (record, generation, info) => described(state, record, generation, info),
    describeFailed: (record, generation, reason, detail, code) =>
      describeFailed(state, record, generation, reason, detail, code),
    settleAll() {
      for (const record of [...state.resolver.pending]) settle(state, record);
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
      return state.announcedCount;
    },
    get storedSize() {
      return records.size;
    },
    get evicted() {
      return state.evicted;
    },
    clear() {
      for (const record of [...records.values()]) unlink(state, record);
      state.resolver.clear();
      state.announcedCount = 0;
    },
  };
}
