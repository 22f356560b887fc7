import { SsdpError } from './errors.ts';
import { wireHeaderName } from './header-index.ts';
import { trimOws } from './headers.ts';
import { reorderForLegacy } from './legacy.ts';
import type { SsdpMessage, SsdpMessageKind } from './message.ts';
import type { SsdpProfile } from './profile.ts';
import { SlabUtf8Encoder } from './text-codec.ts';

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

/** True when the NTS value (blanks trimmed, quotes dropped, any case) is `expected`. */
function ntsMatches(value: string, expected: string): boolean {
  return value === expected || trimOws(value).replaceAll('"', '').toLowerCase() === expected;
}

function checkNts(message: SsdpMessage, expected: string): void {
  const headers = message.headers;
  for (let i = 0; i < headers.length; i++) {
    const { name, value } = headers[i]!;
    if (name.length === 3 && wireHeaderName(name) === 'NTS') {
      if (ntsMatches(value, expected)) return;
      break;
    }
  }
  throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `a ${message.kind} message needs NTS: ${expected}`, {
    header: 'NTS',
  });
}

/**
 * Serializes a message to text (see {@link serializeMessage}); handy for logs and tests.
 * @throws {@link SsdpError} as {@link serializeMessage}.
 */
export function serializeMessageText(message: SsdpMessage, options?: SerializeOptions): string {
  const profile = options?.profile ?? message.profile;
  const expectedNts = NTS_OF[message.kind];
  if (expectedNts !== undefined) checkNts(message, expectedNts);
  const headers = profile === 'legacy' ? reorderForLegacy(message.kind, message.headers) : message.headers;
  let text = START_LINES[message.kind];
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i]!;
    // One pass over the name checks it is a token and finds its canonical spelling.
    const name = wireHeaderName(header.name);
    if (name === undefined) {
      throw new SsdpError(
        'SSDP_ERR_INVALID_HEADER',
        `header name is not an HTTP token: ${JSON.stringify(header.name)}`,
      );
    }
    const value = header.value;
    if (value.includes('\r') || value.includes('\n')) {
      throw new SsdpError('SSDP_ERR_INVALID_HEADER', `header ${header.name} has a CR or LF in its value`, {
        header: name,
      });
    }
    const trimmed = trimOws(value);
    text += trimmed.length === 0 ? `\r\n${name}:` : `\r\n${name}: ${trimmed}`;
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
 *
 * Like a pooled `Buffer`, a datagram of up to 1024 characters is a view into an 8 KiB ArrayBuffer shared with
 * other results (`byteOffset` may be non-zero): its bytes are its own and never change, but code that needs an
 * ArrayBuffer of its own (to transfer it, say) copies it with `bytes.slice()`.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_HEADER` for a non-token header name or a CR/LF in a value;
 *   `SSDP_ERR_INVALID_ARGUMENT` for a NOTIFY whose NTS header does not match its kind; `SSDP_ERR_TOO_LARGE`
 *   when the datagram would exceed {@link MAX_DATAGRAM_PAYLOAD} bytes.
 */
export function serializeMessage(message: SsdpMessage, options?: SerializeOptions): Uint8Array {
  const bytes = encoder.encode(serializeMessageText(message, options));
  // An SSDP message is exactly one datagram; UDP over IPv4 carries at most 65507 payload bytes.
  if (bytes.length > MAX_DATAGRAM_PAYLOAD) {
    throw new SsdpError('SSDP_ERR_TOO_LARGE', `message of ${bytes.length} bytes does not fit in one UDP datagram`);
  }
  return bytes;
}

// The one stateful object of this package: a memory pool for results, shared by all callers (see SlabUtf8Encoder).
const encoder = new SlabUtf8Encoder();

/** The largest UDP payload over IPv4 (65535 - 8 UDP - 20 IP header bytes); serializeMessage refuses more. */
export const MAX_DATAGRAM_PAYLOAD = 65507;
