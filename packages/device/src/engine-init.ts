// What createDeviceEngine is given: the options (init) and the injected parts (components).
import type { SsdpProfile } from '@ssdp/protocol';
import type { Clock } from '@ssdp/runtime';
import type { SsdpTransport } from '@ssdp/transport';
import type { DeviceConfig } from './device-config.ts';
import type { DescriptionServer } from './description-server.ts';
import type { DeviceEvent, EventInterest } from './events.ts';
import type { DeviceDefaults } from './fleet.ts';
import type { DeviceLimits } from './limits.ts';
import type { SendQueueInit } from './send-queue.ts';
import type { StateStore } from './state-store.ts';

export interface DeviceEngineInit {
  /** `upnp` (default) or `legacy` (the prototype's dialect). */
  readonly profile?: SsdpProfile;
  /** SSDP port: 1900 (upnp) or 1337 (legacy) by default. Must match the transport's. */
  readonly port?: number;
  readonly config?: DeviceConfig;
  /** Fleet size (default 1). */
  readonly count?: number;
  /** Base UUID (without `uuid:`): overrides the config's and the persisted one. */
  readonly uuid?: string;
  /** CACHE-CONTROL max-age in seconds (default 1800). */
  readonly maxAge?: number;
  /** Legacy: announcements go to this broadcast address instead of each interface's directed broadcast. */
  readonly broadcastAddress?: string;
  /** SERVER header value: `OS/ver UPnP/2.0 ssdp-device/ver`. */
  readonly server: string;
  readonly defaults?: Partial<DeviceDefaults>;
  /** Overrides of the defences (limits.ts has the defaults and why). */
  readonly limits?: Partial<DeviceLimits>;
  readonly sendQueue?: SendQueueInit;
}

export interface DeviceEngineComponents {
  /** Not started yet: the device starts and stops it. */
  readonly transport: SsdpTransport;
  readonly clock: Clock;
  readonly random: () => number;
  /** A new random UUID for a first start. Default: node:crypto's randomUUID (v4). */
  readonly newUuid?: () => string;
  readonly stateStore: StateStore;
  readonly descriptionServer: DescriptionServer;
  readonly onEvent: (event: DeviceEvent) => void;
  /** What onEvent uses (output.ts `outputInterest`); the device builds nothing else. Default: every event. */
  readonly interest?: EventInterest;
}
