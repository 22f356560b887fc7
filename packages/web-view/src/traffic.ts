// Turns control point events into traffic-pane lines. Device-supplied values are copied as plain text, cut to a
// length; the page puts them in textContent.
import type { ControlPointEvent } from '@ssdp/control-point';
import type { TrafficEntry } from './wire.ts';

const FIELD_LIMIT = 200;

function cut(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return value.length > FIELD_LIMIT ? `${value.slice(0, FIELD_LIMIT)}…` : value;
}

/** A header of an SSDP datagram's text (first occurrence, case-insensitive), from its first 4 KiB. */
export function headerOf(text: string, name: string): string | undefined {
  const head = text.length > 4096 ? text.slice(0, 4096) : text;
  const pattern = new RegExp(`(?:^|\\n)${name}:[ \\t]*([^\\r\\n]*)`, 'i');
  return pattern.exec(head)?.[1]?.trim();
}

function uuidOf(usn: string | undefined): string | null {
  const match = usn === undefined ? null : /^uuid:[^:\s]{1,128}/i.exec(usn);
  return match === null ? null : match[0];
}

/** The traffic line for an event, or undefined for events the pane does not show. */
export function trafficOf(event: ControlPointEvent, seq: number): TrafficEntry | undefined {
  const base = { seq, time: event.time };
  switch (event.event) {
    case 'search-sent':
      return {
        ...base,
        kind: 'search-sent',
        address: event.interfaceId,
        udn: null,
        text: `ST ${event.target} MX=${event.mx} (cycle ${event.cycle}, send ${event.attempt}/2)`,
      };
    case 'message-received': {
      const kind = event.kind; // m-search, search-response, notify-alive, notify-byebye, notify-update
      const usn = headerOf(event.text, 'USN');
      const target =
        kind === 'm-search' || kind === 'search-response'
          ? `ST ${cut(headerOf(event.text, 'ST'))}`
          : `NT ${cut(headerOf(event.text, 'NT'))}`;
      const text = usn === undefined ? target : `${target} USN ${cut(usn)}`;
      return { ...base, kind, address: `${event.address}:${event.port}`, udn: uuidOf(usn), text };
    }
    case 'dropped':
      return {
        ...base,
        kind: 'dropped',
        address:
          event.address === undefined
            ? null
            : event.port === undefined
              ? event.address
              : `${event.address}:${event.port}`,
        udn: null,
        text: `${cut(event.reason)}${event.count === 1 ? '' : ` x${event.count}`}`,
      };
    case 'device-added':
    case 'device-updated':
    case 'device-rebooted':
    case 'device-removed':
    case 'describe-failed': {
      const name = cut(event.friendlyName ?? event.server);
      const extra =
        event.event === 'device-removed'
          ? ` (${event.reason})`
          : event.event === 'device-updated'
            ? ` (${event.changes.join(', ')})`
            : event.event === 'device-rebooted'
              ? ` (BOOTID ${event.previousBootId} -> ${event.bootId ?? '?'})`
              : event.event === 'describe-failed'
                ? ` (${event.reason}: ${cut(event.detail)})`
                : '';
      return { ...base, kind: event.event, address: event.address, udn: event.udn, text: `${name}${extra}` };
    }
    default:
      return undefined;
  }
}
