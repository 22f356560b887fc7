// What a control point reports, as flat JSON-ready objects: the CLI's --json prints exactly these, one per line.
import type { Via } from '@ssdp/transport';
import { toDiscoveredDevice, type DiscoveredDevice } from './discovered-device.ts';
import type { ControllerEvent, DescribeFailureReason, RemovalReason } from './events.ts';

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
      /** A parse error code (SSDP_ERR_*), or missing-usn / stale-bootid / usn-limit. */
      readonly reason: string;
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

/** The flat event, and the device it concerns (undefined for search-sent, dropped, message-received). */
export function toControlPointEvent(event: ControllerEvent): { event: ControlPointEvent; device: DiscoveredDevice | undefined } {
  const head = { event: event.event, time: iso(event.time) };
  switch (event.event) {
    case 'device-added':
    case 'device-found': {
      const device = toDiscoveredDevice(event.device);
      return { event: { ...head, event: event.event, ...device }, device };
    }
    case 'device-updated': {
      const device = toDiscoveredDevice(event.device);
      return { event: { ...head, event: event.event, ...device, changes: event.changes }, device };
    }
    case 'device-rebooted': {
      const device = toDiscoveredDevice(event.device);
      return { event: { ...head, event: event.event, ...device, previousBootId: event.previousBootId }, device };
    }
    case 'device-removed': {
      const device = toDiscoveredDevice(event.device);
      return { event: { ...head, event: event.event, reason: event.reason, ...device }, device };
    }
    case 'describe-failed': {
      const device = toDiscoveredDevice(event.device);
      return {
        event: { ...head, event: event.event, reason: event.reason, code: event.code ?? null, detail: event.detail, ...device },
        device,
      };
    }
    case 'message-received':
      return { event: { ...event, time: head.time, via: event.via as Via, server: event.server ?? null }, device: undefined };
    default:
      return { event: { ...event, time: head.time }, device: undefined };
  }
}
