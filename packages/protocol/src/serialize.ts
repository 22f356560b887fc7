import { SsdpError } from './errors.ts';
import { canonicalHeaderName, isValidHeaderName, trimOws, type SsdpHeader } from './headers.ts';
import { reorderForLegacy } from './legacy.ts';
import type { SsdpMessage, SsdpMessageKind } from './message.ts';
import type { SsdpProfile } from './profile.ts';
import { encodeUtf8 } from './text-codec.ts';

/** Options of {@link serializeMessage}. */
export interface SerializeOptions {
  /** Framing and order to write; defaults to the message's own `profile`. */
  readonly profile?: SsdpProfile;
}

const START_LINES: Record<SsdpMessageKind, string> = {
  'm-search': 'M-SEARCH * HTTP/1.1',
  'search-response': 'HTTP/1.1 200 OK',
  'notify-alive': 'NOTIFY * HTTP/1.1',
  'notify-byebye': 'NOTIFY * HTTP/1.1',
  'notify-update': 'NOTIFY * HTTP/1.1',
};

const NTS_OF: Partial<Record<SsdpMessageKind, string>> = {
  'notify-alive': 'ssdp:alive',
  'notify-byebye': 'ssdp:byebye',
  'notify-update': 'ssdp:update',
};

function checkHeader(header: SsdpHeader): void {
  if (!isValidHeaderName(header.name)) {
    throw new SsdpError('SSDP_ERR_INVALID_HEADER', `header name is not an HTTP token: ${JSON.stringify(header.name)}`);
  }
  if (header.value.includes('\r') || header.value.includes('\n')) {
    throw new SsdpError('SSDP_ERR_INVALID_HEADER', `header ${header.name} has a CR or LF in its value`, {
      header: canonicalHeaderName(header.name),
    });
  }
}

/**
 * Serializes a message to text (see {@link serializeMessage}); handy for logs and tests.
 * @throws {@link SsdpError} as {@link serializeMessage}.
 */
export function serializeMessageText(message: SsdpMessage, options?: SerializeOptions): string {
  const profile = options?.profile ?? message.profile;
  const expectedNts = NTS_OF[message.kind];
  if (expectedNts !== undefined) {
    const nts = message.headers.find((h) => canonicalHeaderName(h.name) === 'NTS');
    if (nts === undefined || trimOws(nts.value).replaceAll('"', '').toLowerCase() !== expectedNts) {
      throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `a ${message.kind} message needs NTS: ${expectedNts}`, { header: 'NTS' });
    }
  }
  const headers = profile === 'legacy' ? reorderForLegacy(message.kind, message.headers) : message.headers;
  let text = START_LINES[message.kind];
  for (const header of headers) {
    checkHeader(header);
    const value = trimOws(header.value);
    text += `\r\n${canonicalHeaderName(header.name)}:${value.length === 0 ? '' : ' '}${value}`;
  }
  // UDA framing ends the header block with an empty line; the prototype sends none.
  return profile === 'legacy' ? text : `${text}\r\n\r\n`;
}

/**
 * Serializes a message to datagram bytes (UTF-8).
 *
 * - Known headers get their canonical UDA spelling (`Cache-Control` → `CACHE-CONTROL`); others keep theirs.
 * - Every line is `NAME: value` (`NAME:` for an empty value) ending in CRLF.
 * - `upnp`: headers in message order (the `create*` constructors use the UDA order) and a final CRLF CRLF.
 * - `legacy`: the prototype's header order (see `LEGACY_*_HEADER_ORDER`) followed by any other headers in
 *   message order, and no final CRLF.
 *
 * serialize → {@link parseMessage} → serialize gives the same bytes.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_HEADER` for a non-token header name or a CR/LF in a value;
 *   `SSDP_ERR_INVALID_ARGUMENT` for a NOTIFY whose NTS header does not match its kind; `SSDP_ERR_TOO_LARGE`
 *   when the datagram would exceed {@link MAX_DATAGRAM_PAYLOAD} bytes.
 */
export function serializeMessage(message: SsdpMessage, options?: SerializeOptions): Uint8Array {
  const bytes = encodeUtf8(serializeMessageText(message, options));
  // An SSDP message is exactly one datagram; UDP over IPv4 carries at most 65507 payload bytes.
  if (bytes.length > MAX_DATAGRAM_PAYLOAD) {
    throw new SsdpError('SSDP_ERR_TOO_LARGE', `message of ${bytes.length} bytes does not fit in one UDP datagram`);
  }
  return bytes;
}

/** The largest UDP payload over IPv4 (65535 - 8 UDP - 20 IP header bytes); serializeMessage refuses more. */
export const MAX_DATAGRAM_PAYLOAD = 65507;
