// Our codec as an app uses it: parseMessage on the datagram bytes, then the fields the app needs. Typed fields
// are lazy (the first read computes the whole typed view), so reading them is part of the honest cost.
import { parseMessage, serializeMessage, type SsdpMessage } from '@ssdp/protocol';
import { loopContender, present, type CodecContender } from './codec-contender.ts';

export function touchOurs(bytes: Buffer): number {
  const result = parseMessage(bytes);
  if (!result.ok) return -1;
  const message = result.message;
  switch (message.kind) {
    case 'm-search':
      return present(message.st) + present(message.mx) + present(message.man);
    case 'search-response':
      return present(message.st) + present(message.usn) + present(message.location);
    default:
      return present(message.nt) + present(message.nts) + present(message.usn) + present(message.location);
  }
}

/** parseMessage alone, no field read: the framing and classification every datagram pays (informational). */
export function touchOursBare(bytes: Buffer): number {
  return parseMessage(bytes).ok ? 1 : -1;
}

export function createOursParse(sequence: readonly Buffer[]): CodecContender {
  return loopContender('ours', '`parseMessage(buffer)`, then the typed fields', sequence, touchOurs);
}

export function createOursBareParse(sequence: readonly Buffer[]): CodecContender {
  return loopContender(
    'ours (no field read)',
    '`parseMessage(buffer)` and `.ok` only; typed view never computed',
    sequence,
    touchOursBare,
  );
}

/** Parses every distinct datagram once; `serializeMessage` then runs over the same sequence. */
export function createOursSerialize(sequence: readonly Buffer[]): CodecContender {
  const parsed = new Map<Buffer, SsdpMessage>();
  for (const bytes of sequence) {
    if (parsed.has(bytes)) continue;
    const result = parseMessage(bytes);
    if (!result.ok) throw new Error(`corpus datagram does not parse: ${result.error.code}`);
    parsed.set(bytes, result.message);
  }
  const serialize = (bytes: Buffer): number => serializeMessage(parsed.get(bytes)!).length;
  // One Map.get per op, the same as in node-ssdp's serializer contender.
  return loopContender(
    'ours: serializeMessage',
    '`serializeMessage(message)` → bytes; messages parsed once up front',
    sequence,
    serialize,
  );
}
