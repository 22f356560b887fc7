// The receive path's work on one datagram, in a turn of the work loop (receive-loop.ts): a repeat only refreshes its
// device (repeat-filter.ts); anything else is parsed, turned into an observation and fed to the registry, which
// may ask for a description. Every datagram that is not used is counted under a reason.
import { parseMessageView } from '@ssdp/protocol';
import type { Datagram } from '@ssdp/transport';
import type { Describer } from './describer.ts';
import type { EventOutbox } from './event-outbox.ts';
import type { ControllerStats, DropReason } from './events.ts';
import { toObservation } from './observation.ts';
import { oneLine } from './one-line.ts';
import type { DeviceRecord, Observation, Registry } from './registry.ts';
import type { RepeatFilter } from './repeat-filter.ts';

export interface DatagramHandlerParts {
  readonly init: { readonly profile: 'upnp' | 'legacy'; readonly verbose?: boolean };
  readonly registry: Registry;
  readonly repeats: RepeatFilter;
  readonly describer: Describer | undefined;
  readonly stats: Pick<ControllerStats, 'ignored' | 'unknown' | 'repeats'>;
  readonly outbox: EventOutbox;
  readonly drop: (reason: DropReason, datagram: Datagram) => void;
  readonly maybeDescribe: (record: DeviceRecord, observation: Observation, datagram: Datagram) => void;
  readonly now: () => number;
  readonly log: (line: string) => void;
}

const decoder = new TextDecoder();

export function createDatagramHandler(parts: DatagramHandlerParts): (datagram: Datagram, receivedAt: number) => void {
  const { init, registry, repeats, describer, stats, outbox, drop, maybeDescribe, now, log } = parts;

  function handleDatagram(datagram: Datagram, receivedAt: number): void {
    const { remote, interfaceId, bytes } = datagram;
    try {
      // The same advertisement again, and its device still as it left it: only lastSeen/expiresAt move.
      const repeat = repeats.find(bytes, remote.address, remote.port, interfaceId);
      if (repeat !== undefined && (describer === undefined || !registry.needsDescription(repeat.record))) {
        registry.refresh(repeat.record, receivedAt, repeat.lifetimeMs);
        stats.repeats += 1;
        return;
      }
      const parsed = parseMessageView(bytes);
      if (!parsed.ok) {
        drop(parsed.error.code, datagram);
        return;
      }
      const message = parsed.message;
      if (init.verbose === true) {
        outbox.emit({
          event: 'message-received',
          time: now(),
          address: datagram.remote.address,
          port: datagram.remote.port,
          interfaceId: datagram.interfaceId,
          via: datagram.via,
          kind: message.kind,
          server: message.kind === 'm-search' ? message.userAgent : message.server,
          text: decoder.decode(datagram.bytes),
        });
      }
      if (message.kind === 'm-search') {
        stats.ignored += 1; // other control points, and our own search looped back
        return;
      }
      const observation = toObservation(message, datagram, init.profile, receivedAt);
      if (typeof observation === 'string') {
        drop(observation, datagram);
        return;
      }
      const result = registry.observe(observation);
      switch (result.outcome) {
        case 'unknown':
          stats.unknown += 1;
          return;
        case 'stale-bootid':
        case 'usn-limit':
          drop(result.outcome, datagram);
          break;
        default:
          break;
      }
      const record = result.record;
      if (record === undefined) return;
      maybeDescribe(record, observation, datagram);
      // Remember what it did, so its repeats skip the parse (only for the device's own UUID: see repeat-filter.ts).
      if (
        observation.kind === 'alive' &&
        result.outcome !== 'stale-bootid' &&
        result.outcome !== 'usn-limit' &&
        registry.get(observation.uuid) === record
      ) {
        repeats.remember(
          bytes,
          remote.address,
          remote.port,
          interfaceId,
          record,
          registry.lifetimeMs(observation.maxAge),
        );
      }
    } catch (error) {
      log(`internal error on a datagram from ${datagram.remote.address}: ${oneLine(error)}`);
    }
  }

  return handleDatagram;
}
