// The unix-socket protocol of minissdpd (miniupnp's minissdpd/README): a request is one type byte and one
// length-prefixed string; the answer to types 1-3 is a count byte and, per entry, length-prefixed LOCATION, NT/ST
// and USN. Lengths use 7 bits per byte, most significant group first, the high bit meaning "more bytes follow".

export const MINISSDPD_REQUEST = { version: 0, byType: 1, byUsn: 2, all: 3 } as const;

export interface MinissdpdEntry {
  readonly location: string;
  readonly st: string;
  readonly usn: string;
}

export class MinissdpdProtocolError extends Error {
  override readonly name = 'MinissdpdProtocolError';
  constructor(
    readonly code: 'MINISSDPD_ERR_LENGTH' | 'MINISSDPD_ERR_NOTIFICATION',
    message: string,
  ) {
    super(message);
  }
}

export function encodeLength(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length >= 2 ** 28) {
    throw new MinissdpdProtocolError('MINISSDPD_ERR_LENGTH', `length ${length} cannot be encoded`);
  }
  const groups: number[] = [length & 0x7f];
  for (let rest = length >>> 7; rest > 0; rest >>>= 7) groups.unshift((rest & 0x7f) | 0x80);
  return Uint8Array.from(groups);
}

/** The length at `offset` and where its string starts; undefined while the bytes are incomplete. */
export function decodeLength(bytes: Uint8Array, offset: number): { length: number; next: number } | undefined {
  let length = 0;
  for (let index = offset; index < bytes.length; index += 1) {
    const byte = bytes[index]!;
    length = length * 128 + (byte & 0x7f);
    if (index - offset >= 4) throw new MinissdpdProtocolError('MINISSDPD_ERR_LENGTH', 'length is longer than 4 bytes');
    if ((byte & 0x80) === 0) return { length, next: index + 1 };
  }
  return undefined;
}

export function encodeRequest(type: number, text = ''): Uint8Array {
  const body = new TextEncoder().encode(text);
  const length = encodeLength(body.length);
  const request = new Uint8Array(1 + length.length + body.length);
  request[0] = type;
  request.set(length, 1);
  request.set(body, 1 + length.length);
  return request;
}

/** Parses the answer to a type 1, 2 or 3 request; undefined while it is incomplete (read more, try again). */
export function parseListResponse(bytes: Uint8Array): MinissdpdEntry[] | undefined {
  if (bytes.length === 0) return undefined;
  const count = bytes[0]!;
  // 255 starts a notification (request type 5), which this client never asks for.
  if (count === 255) throw new MinissdpdProtocolError('MINISSDPD_ERR_NOTIFICATION', 'got a notification, not a list');
  const decoder = new TextDecoder();
  const entries: MinissdpdEntry[] = [];
  let offset = 1;
  const field = (): string | undefined => {
    const header = decodeLength(bytes, offset);
    if (header === undefined || header.next + header.length > bytes.length) return undefined;
    offset = header.next + header.length;
    return decoder.decode(bytes.subarray(header.next, offset));
  };
  for (let index = 0; index < count; index += 1) {
    const location = field();
    const st = location === undefined ? undefined : field();
    const usn = st === undefined ? undefined : field();
    if (usn === undefined) return undefined;
    entries.push({ location: location!, st: st!, usn });
  }
  return entries;
}
