// Turns controller events into what a user or a script reads: one human line per event (default) or one JSON
// object per line (--json). Only data goes to stdout; the caller sends logs to stderr.
import type { ControllerEvent, DeviceSnapshot } from './events.ts';

export interface OutputInit {
  readonly json: boolean;
  readonly verbose: boolean;
  /** With --once only the final device-found lines are data. */
  readonly once: boolean;
}

export type EventPrinter = (event: ControllerEvent) => void;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The device fields every device event carries in JSON; absent values are null so the keys are stable. */
export function deviceJson(device: DeviceSnapshot): Record<string, unknown> {
  return {
    udn: device.udn,
    address: device.address,
    interfaceId: device.interfaceId,
    location: device.location ?? null,
    locations: device.locations,
    server: device.server ?? null,
    usns: device.usns,
    deviceType: device.deviceType ?? null,
    friendlyName: device.friendlyName ?? null,
    manufacturer: device.manufacturer ?? null,
    modelName: device.modelName ?? null,
    bootId: device.bootId ?? null,
    configId: device.configId ?? null,
    firstSeen: iso(device.firstSeen),
    lastSeen: iso(device.lastSeen),
    expiresAt: iso(device.expiresAt),
    describe: device.describe,
    describeError: device.describeError ?? null,
  };
}

export function eventJson(event: ControllerEvent): Record<string, unknown> {
  const head = { event: event.event, time: iso(event.time) };
  switch (event.event) {
    case 'device-added':
    case 'device-found':
      return { ...head, ...deviceJson(event.device) };
    case 'device-updated':
      return { ...head, ...deviceJson(event.device), changes: event.changes };
    case 'device-rebooted':
      return { ...head, ...deviceJson(event.device), previousBootId: event.previousBootId };
    case 'device-removed':
      return { ...head, reason: event.reason, ...deviceJson(event.device) };
    case 'describe-failed':
      return { ...head, reason: event.reason, code: event.code ?? null, detail: event.detail, ...deviceJson(event.device) };
    default: {
      const { event: _name, time: _time, ...rest } = event;
      return { ...head, ...rest };
    }
  }
}

/** `name`: the friendlyName once described, else SERVER. */
export function displayName(device: DeviceSnapshot): string {
  return device.friendlyName ?? device.server ?? '?';
}

function deviceColumns(device: DeviceSnapshot): string {
  return `${device.address}  "${displayName(device)}"  ${device.deviceType ?? '-'}  ${device.udn}`;
}

const LABEL_WIDTH = 16;
const label = (text: string): string => text.padEnd(LABEL_WIDTH);

/** One human line per event, or undefined for events not shown in this mode. */
export function humanLine(event: ControllerEvent, verbose: boolean): string | undefined {
  switch (event.event) {
    case 'search-sent':
      if (event.attempt !== 1 && !verbose) return undefined;
      return `${label('search-sent')}${event.target} MX=${event.mx} on ${event.interfaceId} (cycle ${event.cycle}, send ${event.attempt}/2)`;
    case 'device-added':
    case 'device-found':
      return `${label(event.event)}${deviceColumns(event.device)}`;
    case 'device-updated':
      return `${label('device-updated')}${deviceColumns(event.device)}  (${event.changes.join(', ')})`;
    case 'device-rebooted':
      return `${label('device-rebooted')}${deviceColumns(event.device)}  (BOOTID ${event.previousBootId} -> ${event.device.bootId ?? '?'})`;
    case 'device-removed':
      return `${label('device-removed')}${deviceColumns(event.device)}  (${event.reason})`;
    case 'describe-failed':
      return `${label('describe-failed')}${deviceColumns(event.device)}  (${event.reason}${event.code === undefined ? '' : ` ${event.code}`}: ${event.detail})`;
    case 'dropped': {
      if (!verbose) return undefined;
      // As the device prints them: the first of a reason with its sender, then one summed line per second.
      const from =
        event.port !== undefined ? `${event.address ?? '?'}:${event.port} on ${event.interfaceId ?? '?'}` : (event.address ?? 'several senders');
      return `${label('dropped')}${from} (${event.reason})${event.count === 1 ? '' : ` x${event.count}`}`;
    }
    case 'message-received': {
      // As the prototype printed it: "Received response from <ip> <SERVER>", then the message.
      const what = event.kind === 'search-response' || event.kind === 'notify-alive' ? 'response' : event.kind;
      const body = event.text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n').map((line) => `    ${line}`);
      return [`Received ${what} from ${event.address} ${event.server ?? ''}`.trimEnd(), ...body].join('\n');
    }
  }
}

export function createEventPrinter(init: OutputInit, write: (line: string) => void): EventPrinter {
  return (event) => {
    if (init.once && event.event !== 'device-found' && !(init.verbose && event.event === 'message-received')) return;
    if (init.json) {
      if (event.event === 'message-received' && !init.verbose) return;
      write(JSON.stringify(eventJson(event)));
      return;
    }
    const line = humanLine(event, init.verbose);
    if (line !== undefined) write(line);
  };
}
