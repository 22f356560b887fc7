// State and services shared by the responder, the announcer and the device factory of one running device.
import type { SsdpProfile } from '@ssdp/protocol';
import type { Clock, Scheduler } from '@ssdp/runtime';
import type { SsdpTransport, TransportInterface } from '@ssdp/transport';
import type { DeviceEvent, DeviceEventName, DeviceStats, DropReason, Endpoint, EventInterest } from './events.ts';
import type { Fleet, FleetMember } from './fleet.ts';
import type { DeviceLimits } from './limits.ts';
import type { SendQueue } from './send-queue.ts';

/** An event without its time: DeviceContext.emit stamps it. */
export type UnstampedEvent = DeviceEvent extends infer E ? (E extends DeviceEvent ? Omit<E, 'time'> : never) : never;

export interface DropDetails {
  readonly source?: Endpoint;
  readonly interfaceId?: string;
  readonly detail?: string;
}

export interface DeviceContext {
  readonly profile: SsdpProfile;
  /** The SSDP port (group/broadcast port; the legacy reply port). */
  readonly port: number;
  readonly maxAge: number;
  /** SERVER header value. */
  readonly server: string;
  /** Legacy: where announcements go instead of each interface's directed broadcast. */
  readonly broadcastAddress: string | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  readonly scheduler: Scheduler;
  readonly transport: SsdpTransport;
  readonly queue: SendQueue;
  readonly fleet: Fleet;
  readonly limits: DeviceLimits;
  readonly stats: DeviceStats;
  /** BOOTID.UPNP.ORG now; changes on an interface change. */
  bootId(): number;
  /** The interface with this id, if still bound. */
  interface(id: string): TransportInterface | undefined;
  /** LOCATION of `member` as reachable through `iface`; undefined when its description is not served there. */
  location(iface: TransportInterface, member: FleetMember): string | undefined;
  /** What the event sink uses: build an event (or its costly fields) only when it is wanted. */
  readonly interest: EventInterest;
  wants(name: DeviceEventName): boolean;
  /** Stamps (in place: pass a fresh object) and delivers an event; events the sink does not want are dropped here. */
  emit(event: UnstampedEvent): void;
  drop(reason: DropReason, count: number, details?: DropDetails): void;
}
