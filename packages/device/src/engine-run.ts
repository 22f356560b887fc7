// The state one engine run shares between its start, stop and interface-change steps, and the parts they use.
import { MAX_31_BIT, type SsdpProfile } from '@ssdp/protocol';
import type { Scheduler } from '@ssdp/runtime';
import type { Unsubscribe } from '@ssdp/transport';
import type { Announcer } from './announcer.ts';
import type { DeviceConfig } from './device-config.ts';
import type { DropReporter } from './drop-reporter.ts';
import type { EngineEvents } from './engine-events.ts';
import type { DeviceEngineComponents, DeviceEngineInit } from './engine-init.ts';
import type { DeviceStats, EventInterest } from './events.ts';
import type { DeviceDefaults, Fleet } from './fleet.ts';
import type { DeviceLimits } from './limits.ts';
import type { Responder } from './responder.ts';
import type { SendQueue } from './send-queue.ts';

export interface EngineRun {
  state: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';
  bootId: number;
  storedBaseUuid: string;
  fleet: Fleet | undefined;
  limits: DeviceLimits | undefined;
  responder: Responder | undefined;
  announcer: Announcer | undefined;
  startedAt: number;
  /** Interface changes are handled one after the other; stop waits for the last. */
  changes: Promise<void>;
  readonly unsubscribes: Unsubscribe[];
}

export interface EngineParts extends EngineEvents {
  readonly init: DeviceEngineInit;
  readonly components: DeviceEngineComponents;
  readonly profile: SsdpProfile;
  readonly port: number;
  readonly count: number;
  readonly maxAge: number;
  readonly config: DeviceConfig;
  readonly defaults: DeviceDefaults;
  readonly stats: DeviceStats;
  readonly interest: EventInterest;
  readonly scheduler: Scheduler;
  readonly queue: SendQueue;
  readonly drops: DropReporter;
}

/** BOOTID increases on every start; it is a 31-bit value, so wrap (UDA leaves the wrap to the device). */
export function nextBootId(bootId: number): number {
  return bootId >= MAX_31_BIT ? 1 : bootId + 1;
}
