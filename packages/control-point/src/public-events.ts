// What a control point reports, as flat JSON-ready objects: the CLI's --json prints exactly these, one per line.
import type { Via } from '@ssdp/transport';
import { toDiscoveredDevice, type DiscoveredDevice } from './discovered-device.ts';
import type { ControllerEvent, DescribeFailureReason, DropReason, RemovalReason } from './events.ts';

interface Stamp {
  /** ISO 8601. */
  readonly time: string;
}

export type ControlPointEvent =
  | (Stamp & {
      readonly event: 'search-sent';
      readonly interfaceId: string;
      readonly target: string;
      readonly mx: number;
      /** 1 or 2: each search is sent twice. */
      readonly attempt: number;
      /** The search cycle (0 for an extra search()). */
      readonly cycle: number;
    })
  | (Stamp & DiscoveredDevice & { readonly event: 'device-added' | 'device-found' })
  | (Stamp & DiscoveredDevice & { readonly event: 'device-updated'; readonly changes: readonly string[] })
  | (Stamp & DiscoveredDevice & { readonly event: 'device-rebooted'; readonly previousBootId: number })
  | (Stamp & DiscoveredDevice & { readonly event: 'device-removed'; readonly reason: RemovalReason })
  | (Stamp &
      DiscoveredDevice & {
        readonly event: 'describe-failed';
        readonly reason: DescribeFailureReason;
        /** The protocol error code for invalid-description. */
        readonly code: string | null;
        readonly detail: string;
      })
  | (Stamp & {
      readonly event: 'dropped';
      readonly reason: DropReason;
      /** Drops this event stands for: 1 at first, then one summed event per reason per second. */
      readonly count: number;
      readonly address?: string;
      readonly port?: number;
      readonly interfaceId?: string;
    })
  | (Stamp & {
      /** Only with `rawMessages`: every datagram as received. */
      readonly event: 'message-received';
      readonly address: string;
      readonly port: number;
      readonly interfaceId: string;
      readonly via: Via;
      readonly kind: string;
      readonly server: string | null;
      readonly text: string;
    });

export type ControlPointEventName = ControlPointEvent['event'];

const iso = (ms: number): string => new Date(ms).toISOString();

/** Fields that come before the device's in a flat event (JSON key order). */
interface Lead {
  readonly event: ControlPointEvent['event'];
  readonly time: string;
  readonly reason?: string;
  readonly code?: string | null;
  readonly detail?: string;
}

/**
 * `lead`, then every device field, written out: an object spread of the device made each event ~20x slower to
 * build (and slower to stringify), a quarter of the CPU of a 20,000-device --once listing.
 */
function flat(lead: Lead, d: DiscoveredDevice): Record<string, unknown> {
  const out: Record<string, unknown> =
    lead.reason === undefined
      ? { event: lead.event, time: lead.time }
      : lead.detail === undefined
        ? { event: lead.event, time: lead.time, reason: lead.reason }
        : { event: lead.event, time: lead.time, reason: lead.reason, code: lead.code, detail: lead.detail };
  out['udn'] = d.udn;
  out['address'] = d.address;
  out['interfaceId'] = d.interfaceId;
  out['location'] = d.location;
  out['locations'] = d.locations;
  out['server'] = d.server;
  out['usns'] = d.usns;
  out['deviceType'] = d.deviceType;
  out['friendlyName'] = d.friendlyName;
  out['manufacturer'] = d.manufacturer;
  out['modelName'] = d.modelName;
  out['bootId'] = d.bootId;
  out['configId'] = d.configId;
  out['firstSeen'] = d.firstSeen;
  out['lastSeen'] = d.lastSeen;
  out['expiresAt'] = d.expiresAt;
  out['describe'] = d.describe;
  out['describeError'] = d.describeError;
  return out;
}

/** The flat event, and the device it concerns (undefined for search-sent, dropped, message-received). */
export function toControlPointEvent(event: ControllerEvent): {
  event: ControlPointEvent;
  device: DiscoveredDevice | undefined;
} {
  const time = iso(event.time);
  switch (event.event) {
    case 'device-added':
    case 'device-found': {
      const device = toDiscoveredDevice(event.device);
      return { event: flat({ event: event.event, time }, device) as unknown as ControlPointEvent, device };
    }
    case 'device-updated': {
      const device = toDiscoveredDevice(event.device);
      const out = flat({ event: event.event, time }, device);
      out['changes'] = event.changes;
      return { event: out as unknown as ControlPointEvent, device };
    }
    case 'device-rebooted': {
      const device = toDiscoveredDevice(event.device);
      const out = flat({ event: event.event, time }, device);
      out['previousBootId'] = event.previousBootId;
      return { event: out as unknown as ControlPointEvent, device };
    }
    case 'device-removed': {
      const device = toDiscoveredDevice(event.device);
      return {
        event: flat({ event: event.event, time, reason: event.reason }, device) as unknown as ControlPointEvent,
        device,
      };
    }
    case 'describe-failed': {
      const device = toDiscoveredDevice(event.device);
      const lead = { event: event.event, time, reason: event.reason, code: event.code ?? null, detail: event.detail };
      return { event: flat(lead, device) as unknown as ControlPointEvent, device };
    }
    case 'message-received':
      return { event: { ...event, time, via: event.via as Via, server: event.server ?? null }, device: undefined };
    default:
      return { event: { ...event, time }, device: undefined };
  }
}
