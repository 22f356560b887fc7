// What the registry's parts share: its limits, its records and their indexes, where events go, and its counters.
import type { Clock, Scheduler } from '@ssdp/runtime';
import type { DeviceRecord } from './device-record.ts';
import type { ExpiryIndex } from './expiry-index.ts';
import type { CoreContext } from './registry-core.ts';
import type { RegistryEvent, RegistryInit } from './registry-types.ts';

/** RegistryInit's timing and bounds with the defaults applied (ms, except the max-ages in s). */
export interface RegistryLimits {
  readonly maxDevices: number;
  readonly settleMs: number;
  readonly gatherMs: number;
  /** How long a new root waits for its description at most (at least gatherMs). */
  readonly rootWaitMs: number;
  readonly defaultMaxAge: number;
  readonly maxMaxAge: number;
  readonly describe: boolean;
}

/** The registry's working set; `resolver` and `pool` make it the context of applyObservation too. */
export interface RegistryState extends CoreContext {
  readonly limits: RegistryLimits;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly onEvent: (event: RegistryEvent) => void;
  readonly onEvictedUnannounced: ((record: DeviceRecord) => void) | undefined;
  /** Key -> record, in least-recently-seen order (a refresh moves the record to the end). */
  readonly records: Map<string, DeviceRecord>;
  readonly expiry: ExpiryIndex;
  /** Records announced (device-added sent) and not removed. */
  announcedCount: number;
  /** Records evicted because the registry was full. */
  evicted: number;
}

export function registryLimits(init: RegistryInit): RegistryLimits {
  const settleMs = Math.max(0, init.settleMs ?? 1000);
  const gatherMs = Math.min(settleMs, Math.max(0, init.gatherMs ?? 100));
  return {
    maxDevices: Math.max(1, init.maxDevices ?? 10_000),
    settleMs,
    gatherMs,
    rootWaitMs: Math.max(gatherMs, init.describeWaitMs ?? 0),
    defaultMaxAge: init.defaultMaxAge ?? 1800,
    maxMaxAge: init.maxMaxAge ?? 86_400,
    describe: init.describe !== false,
  };
}

/** The lifetime a max-age gives (the default when undefined; clamped), ms. */
export function lifetimeMs(limits: RegistryLimits, maxAge: number | undefined): number {
  return Math.min(Math.max(0, maxAge ?? limits.defaultMaxAge), limits.maxMaxAge) * 1000;
}
