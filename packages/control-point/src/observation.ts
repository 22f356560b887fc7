// From a parsed advertisement and its datagram to the registry's Observation (no strings from the datagram are
// kept here: the registry detaches what it stores).
import { formatSearchTarget, getHeader, type SsdpMessage } from '@ssdp/protocol';
import type { Datagram } from '@ssdp/transport';
import type { Observation } from './registry.ts';

export type Advertisement = Exclude<SsdpMessage, { kind: 'm-search' }>;

/**
 * The observation, or the reason to drop the datagram (a protocol error code, or `missing-usn`).
 * In the legacy dialect a message without a valid USN (the prototype sends `USN: 1`) is keyed by its raw USN
 * and sender: `1@192.168.0.10`.
 */
export function toObservation(
  message: Advertisement,
  datagram: Pick<Datagram, 'remote' | 'interfaceId'>,
  profile: 'upnp' | 'legacy',
  receivedAt?: number,
): Observation | string {
  const kind = message.kind === 'notify-byebye' ? 'byebye' : message.kind === 'notify-update' ? 'update' : 'alive';
  const common = {
    kind,
    receivedAt,
    address: datagram.remote.address,
    interfaceId: datagram.interfaceId,
    location: message.location,
    server: message.server,
    maxAge: message.maxAge,
    bootId: message.bootId,
    configId: message.configId,
    nextBootId: message.kind === 'search-response' ? undefined : message.nextBootId,
  } as const;
  const usn = message.usn;
  if (usn === undefined) {
    if (profile !== 'legacy' && message.profile !== 'legacy') {
      return message.problems.find((p) => p.header === 'USN')?.code ?? 'missing-usn';
    }
    const raw = getHeader(message, 'USN') ?? '-';
    return { ...common, uuid: `${raw}@${datagram.remote.address}`, syntheticKey: true, target: '' };
  }
  const target = usn.target === undefined ? '' : formatSearchTarget(usn.target);
  return { ...common, uuid: usn.uuid, target, deviceTypeTarget: usn.target?.type === 'device' };
}
