// Turns controller events into what a user or a script reads: one human line per event (default) or one JSON
// object per line (--json). Only data goes to stdout; the caller sends logs to stderr.
import type { ControlPointEvent, DiscoveredDevice } from '@ssdp/control-point';

export interface OutputInit {
  readonly json: boolean;
  readonly verbose: boolean;
  /** With --once only the final device-found lines are data. */
  readonly once: boolean;
}

export type EventPrinter = (event: ControlPointEvent) => void;

/** `name`: the friendlyName once described, else SERVER. */
export function displayName(device: DiscoveredDevice): string {
  return device.friendlyName ?? device.server ?? '?';
}

function deviceColumns(device: DiscoveredDevice): string {
  return `${device.address}  "${displayName(device)}"  ${device.deviceType ?? '-'}  ${device.udn}`;
}

const LABEL_WIDTH = 16;
const label = (text: string): string => text.padEnd(LABEL_WIDTH);

/** One human line per event, or undefined for events not shown in this mode. */
export function humanLine(event: ControlPointEvent, verbose: boolean): string | undefined {
  switch (event.event) {
    case 'search-sent':
      if (event.attempt !== 1 && !verbose) return undefined;
      return `${label('search-sent')}${event.target} MX=${event.mx} on ${event.interfaceId} (cycle ${event.cycle}, send ${event.attempt}/2)`;
    case 'device-added':
    case 'device-found':
      return `${label(event.event)}${deviceColumns(event)}`;
    case 'device-updated':
      return `${label('device-updated')}${deviceColumns(event)}  (${event.changes.join(', ')})`;
    case 'device-rebooted':
      return `${label('device-rebooted')}${deviceColumns(event)}  (BOOTID ${event.previousBootId} -> ${event.bootId ?? '?'})`;
    case 'device-removed':
      return `${label('device-removed')}${deviceColumns(event)}  (${event.reason})`;
    case 'describe-failed':
      return `${label('describe-failed')}${deviceColumns(event)}  (${event.reason}${event.code === null ? '' : ` ${event.code}`}: ${event.detail})`;
    case 'dropped': {
      if (!verbose) return undefined;
      // As the device prints them: the first of a reason with its sender, then one summed line per second.
      const from =
        event.port !== undefined
          ? `${event.address ?? '?'}:${event.port} on ${event.interfaceId ?? '?'}`
          : (event.address ?? 'several senders');
      return `${label('dropped')}${from} (${event.reason})${event.count === 1 ? '' : ` x${event.count}`}`;
    }
    case 'message-received': {
      // As the prototype printed it: "Received response from <ip> <SERVER>", then the message.
      const what = event.kind === 'search-response' || event.kind === 'notify-alive' ? 'response' : event.kind;
      const body = event.text
        .replace(/\r\n/g, '\n')
        .replace(/\n+$/, '')
        .split('\n')
        .map((line) => `    ${line}`);
      return [`Received ${what} from ${event.address} ${event.server ?? ''}`.trimEnd(), ...body].join('\n');
    }
  }
}

export function createEventPrinter(init: OutputInit, write: (line: string) => void): EventPrinter {
  return (event) => {
    // Raw datagrams are printed with --verbose only (--web also asks the library for them).
    if (event.event === 'message-received' && !init.verbose) return;
    if (init.once && event.event !== 'device-found' && event.event !== 'message-received') return;
    if (init.json) {
      write(JSON.stringify(event));
      return;
    }
    const line = humanLine(event, init.verbose);
    if (line !== undefined) write(line);
  };
}
