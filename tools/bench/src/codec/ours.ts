// Our codec as an app uses it: parseMessageView on the datagram bytes (the engines' path), then the fields the
// app needs. The view's typed fields are computed on first read, so reading them is part of the honest cost. The
// plain parseMessage (every field computed while parsing) is measured next to it, reading the same fields.
import { parseMessage, parseMessageView, serializeMessage, type SsdpMessage } from '@ssdp/protocol';
import { loopContender, present, type CodecContender } from './codec-contender.ts';

/** The fields every contender reads, by kind. */
function readFields(message: SsdpMessage): number {
  switch (message.kind) {
    case 'm-search':
      return present(message.st) + present(message.mx) + present(message.man);
    case 'search-response':
      return present(message.st) + present(message.usn) + present(message.location);
    default:
      return present(message.nt) + present(message.nts) + present(message.usn) + present(message.location);
  }
}

export function touchOurs(bytes: Buffer): number {
  const result = parseMessageView(bytes);
  return result.ok ? readFields(result.message) : -1;
}

/** The plain parseMessage: every field and the header list computed while parsing, then the same reads. */
export function touchOursPlain(bytes: Buffer): number {
  const result = parseMessage(bytes);
  return result.ok ? readFields(result.message) : -1;
}

/** parseMessageView alone, no field read: the framing and classification every datagram pays (informational). */
export function touchOursBare(bytes: Buffer): number {
  return parseMessageView(bytes).ok ? 1 : -1;
}

export function createOursParse(sequence: readonly Buffer[]): CodecContender {
  return loopContender(
    'ours',
    '`parseMessageView(buffer)` (the lazy view the engines use), then the typed fields',
    sequence,
    touchOurs,
  );
}

export function createOursPlainParse(sequence: readonly Buffer[]): CodecContender {
  return loopContender(
    'ours: plain parseMessage',
    '`parseMessage(buffer)` (plain data, the default: every field and the header list computed), then the same fields',
    sequence,
    touchOursPlain,
  );
}

export function createOursBareParse(sequence: readonly Buffer[]): CodecContender {
  return loopContender(
    'ours (no field read)',
    '`parseMessageView(buffer)` and `.ok` only; typed fields never computed',
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
