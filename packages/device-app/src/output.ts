// Events to text: human lines (the seed's phrases) by default, one NDJSON object per event with --json. Data
// goes to stdout; warnings and interface notices to stderr.
import type { DeviceEvent, DeviceEventName, DeviceStats, EventInterest } from '@ssdp/device';

export interface OutputInit {
  readonly json: boolean;
  readonly verbose: boolean;
  stdout(line: string): void;
  stderr(line: string): void;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function summary(stats: DeviceStats): string {
  // NOTIFYs and responses of the neighbours (and our own multicast looped back) are normal traffic: shown apart.
  const dropped = Object.entries(stats.dropped)
    .filter(([reason, n]) => n > 0 && reason !== 'not-a-search')
    .map(([reason, n]) => `${reason} ${n}`);
  return (
    `${stats.searches} searches, ${stats.responses} responses, ${stats.alive} alive, ${stats.byebye} byebye, ` +
    `${stats.updates} updates, ${stats.dropped['not-a-search']} other messages ignored; ` +
    `dropped: ${dropped.length === 0 ? 'none' : dropped.join(', ')}` +
    // What the kernel dropped before we could read it (receive buffer full): never silent.
    (stats.kernelDrops === undefined ? '' : `; kernel-drops ${stats.kernelDrops}`)
  );
}

/** The whole datagram as the seed printed it: its lines, without the trailing empty ones. */
function rawLines(raw: string): string[] {
  return raw.replace(/(\r?\n)+$/, '').split(/\r?\n/);
}

/** Human lines without --verbose: the events createOutput prints something for. */
const HUMAN_EVENTS: ReadonlySet<DeviceEventName> = new Set<DeviceEventName>([
  'started',
  'search-received',
  'response-sent',
  'interfaces-changed',
  'warning',
  'stopped',
]);

/** What createOutput with these options prints from: the device builds nothing else. */
export function outputInterest(init: Pick<OutputInit, 'json' | 'verbose'>): EventInterest {
  if (init.json) return { events: 'all', raw: init.verbose, responses: 'each' };
  if (init.verbose) return { events: 'all', raw: true, responses: 'each' };
  // Without --verbose a search's responses print one line, from the last one (see 'response-sent' below).
  return { events: HUMAN_EVENTS, raw: false, responses: 'last' };
}

export function createOutput(init: OutputInit): (event: DeviceEvent) => void {
  if (init.json) {
    return (event) => {
      const { event: name, time, ...rest } = event;
      const record: Record<string, unknown> = { event: name, time, ...rest };
      if (event.event === 'search-received' && !init.verbose) delete record['raw'];
      if (event.event === 'warning') init.stderr(`ssdp-device: warning: ${event.message}`);
      init.stdout(JSON.stringify(record));
    };
  }
  return (event) => {
    switch (event.event) {
      case 'started': {
        const first = event.devices[0];
        const who =
          event.count === 1 && first !== undefined ? `"${first.friendlyName}" ${first.udn}` : `${event.count} devices`;
        init.stdout(
          `ssdp-device: ${who} (${event.profile}, port ${event.port}, BOOTID ${event.bootId}, ${event.advertisementCount} advertisements)`,
        );
        event.interfaces.forEach((iface, i) => {
          const location = first?.locations[i];
          const more = event.count > 1 ? ` (+${event.count - 1} more)` : '';
          init.stdout(`  on ${iface.id} ${iface.address}: ${location ?? '-'}${more}`);
        });
        return;
      }
      case 'search-received':
        init.stdout(`search from ${event.from.address}:${event.from.port} ${event.userAgent ?? '-'}`);
        if (init.verbose) for (const line of rawLines(event.raw ?? '')) init.stdout(`  ${line}`);
        return;
      case 'response-sent': {
        const line = `sent to ${event.to.address} after ${seconds(event.delayMs)} s (MX ${event.mx ?? '-'})`;
        if (init.verbose) init.stdout(`${line} ${event.usn} [${event.index}/${event.total}]`);
        else if (event.total === 1) init.stdout(line);
        else if (event.index === event.total) init.stdout(`${line}, ${event.total} responses`);
        return;
      }
      case 'alive-sent':
      case 'byebye-sent':
        if (init.verbose)
          init.stdout(`${event.event === 'alive-sent' ? 'alive' : 'byebye'} on ${event.interfaceId}: ${event.usn}`);
        return;
      case 'update-sent':
        if (init.verbose)
          init.stdout(`update on ${event.interfaceId}: ${event.usn} (BOOTID ${event.bootId} -> ${event.nextBootId})`);
        return;
      case 'dropped': {
        if (!init.verbose) return;
        const source = event.source === undefined ? '' : ` from ${event.source.address}:${event.source.port}`;
        const count = event.count === 1 ? '' : ` x${event.count}`;
        const detail = event.detail === undefined ? '' : ` (${event.detail})`;
        init.stdout(`dropped ${event.reason}${count}${source}${detail}`);
        return;
      }
      case 'interfaces-changed': {
        const parts = [
          ...event.added.map((id) => `added ${id}`),
          ...event.removed.map((id) => `removed ${id}`),
          ...event.changed.map((c) => `${c.id} ${c.from} -> ${c.to}`),
        ];
        init.stderr(`ssdp-device: interfaces changed: ${parts.join(', ')}`);
        return;
      }
      case 'warning':
        init.stderr(`ssdp-device: warning: ${event.message}`);
        return;
      case 'stopped':
        init.stdout(`stopped (${event.reason}) after ${seconds(event.uptimeMs)} s: ${summary(event.stats)}`);
        return;
    }
  };
}
