// What the device reports. The factory only emits these; src/output.ts turns them into human lines or NDJSON.
import type { Via } from '@ssdp/transport';
import type { SsdpProfile } from '@ssdp/protocol';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** Why a datagram (or a response to it) was not answered. */
export type DropReason =
  /** parseMessage refused it; `detail` is the SSDP_ERR_* code. */
  | 'malformed'
  /** A NOTIFY or a search response (ours or a neighbour's): counted, never reported one by one. */
  | 'not-a-search'
  /** An M-SEARCH without MAN, or whose MAN is not "ssdp:discover" (UDA 1.1 §1.3.2: required, that value). */
  | 'search-bad-man'
  /** An M-SEARCH without HOST (UDA 1.1 §1.3.2: required). */
  | 'search-no-host'
  /** A multicast/broadcast M-SEARCH without MX (UDA: drop silently). */
  | 'mx-missing'
  /** A multicast/broadcast M-SEARCH whose MX is not an integer ≥ 1. */
  | 'mx-invalid'
  /** The source is not on a subnet of the arrival interface (see --allow-off-link). */
  | 'off-link'
  /** The per-source token bucket is empty. */
  | 'source-rate-limit'
  /** The global response-rate bucket is empty (counted per response). */
  | 'response-rate-limit'
  /** The amplification guard held the answers to its byte ratio (counted per response). */
  | 'amplification-guard'
  /** Too many responses pending already (counted per response). */
  | 'pending-cap'
  /** The transport refused a send (counted per message). */
  | 'send-failed'
  /** The arrival interface went away before the response was due (counted per response). */
  | 'interface-gone'
  /** Description server: a source already held its share of connections; the new one was closed. */
  | 'http-source-cap'
  /** Description server: all connections were taken; the newest of the biggest holder made room. */
  | 'http-global-cap'
  /** Description server: request headers not complete within their deadline. */
  | 'http-header-deadline'
  /** Description server: a request not answered and sent within its deadline. */
  | 'http-request-deadline';

export const DROP_REASONS: readonly DropReason[] = [
  'malformed',
  'not-a-search',
  'search-bad-man',
  'search-no-host',
  'mx-missing',
  'mx-invalid',
  'off-link',
  'source-rate-limit',
  'response-rate-limit',
  'amplification-guard',
  'pending-cap',
  'send-failed',
  'interface-gone',
  'http-source-cap',
  'http-global-cap',
  'http-header-deadline',
  'http-request-deadline',
];

/** Every counter at 0. */
export function emptyStats(): DeviceStats {
  return {
    searches: 0,
    responses: 0,
    alive: 0,
    byebye: 0,
    updates: 0,
    dropped: Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number>,
  };
}

export interface StartedInterface {
  readonly id: string;
  readonly address: string;
  readonly httpPort: number;
}

export interface StartedDevice {
  readonly udn: string;
  readonly friendlyName: string;
  readonly configId: number;
  /** One LOCATION per interface. */
  readonly locations: readonly string[];
}

export interface DeviceStats {
  searches: number;
  responses: number;
  alive: number;
  byebye: number;
  updates: number;
  dropped: Record<DropReason, number>;
  /**
   * Datagrams (searches, mostly) the kernel dropped for our sockets because their receive buffer was full, since
   * start: read from /proc on Linux when the device stops (in the `stopped` event) and on each read of
   * `device.stats`; absent where the transport cannot count them.
   */
  kernelDrops?: number;
}

/** The receive buffer asked for and what the kernel granted (the smallest over our sockets). */
export interface StartedReceiveBuffer {
  readonly requested: number;
  readonly granted: number | undefined;
  /** net.core.rmem_max capped it (a `warning` event says so, with the sysctl). */
  readonly clamped: boolean;
}

interface Stamp {
  /** When it happened on the device's clock, ISO 8601 (as the control point's events). */
  readonly time: string;
}

export type DeviceEvent =
  | (Stamp & {
      readonly event: 'started';
      readonly profile: SsdpProfile;
      readonly port: number;
      readonly bootId: number;
      readonly count: number;
      readonly advertisementCount: number;
      readonly interfaces: readonly StartedInterface[];
      readonly devices: readonly StartedDevice[];
      /** Absent when the transport does not say. */
      readonly receiveBuffer?: StartedReceiveBuffer;
    })
  | (Stamp & {
      readonly event: 'search-received';
      readonly searchId: number;
      readonly from: Endpoint;
      readonly interfaceId: string;
      readonly via: Via;
      readonly st: string | undefined;
      readonly mx: string | undefined;
      readonly userAgent: string | undefined;
      /** The response window (MX): responses go out at uniform random delays in [0, windowMs - 100 ms]. */
      readonly windowMs: number;
      /** Responses scheduled for this search (after caps). */
      readonly responses: number;
      /** The datagram as text (printed with --verbose); only when the sink's interest asks for it. */
      readonly raw?: string;
    })
  | (Stamp & {
      readonly event: 'response-sent';
      readonly searchId: number;
      readonly to: Endpoint;
      readonly interfaceId: string;
      readonly st: string;
      readonly usn: string;
      /** Time since the search arrived. */
      readonly delayMs: number;
      readonly mx: string | undefined;
      readonly windowMs: number;
      /** 1-based position among this search's responses, and how many there are. */
      readonly index: number;
      readonly total: number;
    })
  | (Stamp & {
      readonly event: 'alive-sent' | 'byebye-sent';
      readonly interfaceId: string;
      readonly nt: string;
      readonly usn: string;
      readonly bootId: number;
    })
  | (Stamp & {
      readonly event: 'update-sent';
      readonly interfaceId: string;
      readonly nt: string;
      readonly usn: string;
      readonly bootId: number;
      readonly nextBootId: number;
    })
  | (Stamp & {
      readonly event: 'dropped';
      readonly reason: DropReason;
      /** How many drops of this reason this event stands for (coalesced to ≤ 1 event per reason per second). */
      readonly count: number;
      readonly source?: Endpoint;
      readonly interfaceId?: string;
      readonly detail?: string;
    })
  | (Stamp & {
      readonly event: 'interfaces-changed';
      readonly added: readonly string[];
      readonly removed: readonly string[];
      readonly changed: readonly { readonly id: string; readonly from: string; readonly to: string }[];
    })
  | (Stamp & { readonly event: 'warning'; readonly message: string })
  | (Stamp & {
      readonly event: 'stopped';
      readonly reason: string;
      readonly uptimeMs: number;
      readonly stats: DeviceStats;
    });

export type DeviceEventName = DeviceEvent['event'];

/**
 * What the event sink will use, so the device builds only that: under a storm an event object per search and per
 * response, and the datagram decoded for `raw`, are a measurable share of the work per search.
 */
export interface EventInterest {
  /** Events the sink uses at all ('all', or the names); the others are never built. */
  readonly events: 'all' | ReadonlySet<DeviceEventName>;
  /** search-received carries `raw` (the datagram as text). */
  readonly raw: boolean;
  /** response-sent for every response ('each'), or only for the last one of each search ('last': index === total). */
  readonly responses: 'each' | 'last';
}

/** Everything (the default: tests and library users see every event). */
export const ALL_EVENTS: EventInterest = { events: 'all', raw: true, responses: 'each' };

export function wantsEvent(interest: EventInterest, name: DeviceEventName): boolean {
  return interest.events === 'all' || interest.events.has(name);
}
