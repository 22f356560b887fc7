import { buildMessage, type StartKind } from './build-message.ts';
import { SsdpError, type SsdpErrorCode } from './errors.ts';
import { isOws, isTokenRange, type SsdpHeader } from './headers.ts';
import type { SsdpMessage } from './message.ts';
import { decodeUtf8, utf8ByteOffset } from './text-codec.ts';

/** Bounds that keep parsing of untrusted datagrams cheap; exceeding one is a typed error. */
export interface ParseLimits {
  /** Largest accepted datagram, in bytes (characters for string input). Default 65536. */
  readonly maxDatagramBytes: number;
  /** Most header lines after the start line (continuation lines count). Default 100. */
  readonly maxHeaderLines: number;
  /** Longest line, without its line ending, in characters (bytes for ASCII). Default 8192. */
  readonly maxLineLength: number;
}

/** The default {@link ParseLimits}: 64 KiB, 100 header lines, 8 KiB per line. */
export const DEFAULT_PARSE_LIMITS: ParseLimits = Object.freeze({
  maxDatagramBytes: 65536,
  maxHeaderLines: 100,
  maxLineLength: 8192,
});

/** Options of {@link parseMessage}. */
export interface ParseOptions {
  /** Overrides for some of the {@link DEFAULT_PARSE_LIMITS}. */
  readonly limits?: Partial<ParseLimits>;
}

/** Result of {@link parseMessage}. */
export type ParseResult = { readonly ok: true; readonly message: SsdpMessage } | { readonly ok: false; readonly error: SsdpError };

/** Thrown only inside this module to unwind to parseMessage with a position. */
interface Failure {
  readonly code: SsdpErrorCode;
  readonly message: string;
  /** Character offset into the decoded text, or -1. */
  readonly at: number;
  readonly header?: string;
}

function failure(code: SsdpErrorCode, message: string, at: number, header?: string): Failure {
  return header === undefined ? { code, message, at } : { code, message, at, header };
}

function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && 'at' in value && 'code' in value;
}

function isHttpVersion(text: string, start: number, end: number): boolean {
  return end - start === 8 && (text.startsWith('HTTP/1.1', start) || text.startsWith('HTTP/1.0', start));
}

// A module-level function, not a closure: under tsx every closure creation also pays for a __name() call.
function badStartLine(text: string, start: number, end: number): Failure {
  const shown = JSON.stringify(text.slice(start, Math.min(end, start + 60)));
  return failure('SSDP_ERR_BAD_START_LINE', `bad start line ${shown}`, start);
}

function readStartLine(text: string, start: number, end: number): StartKind | Failure {
  while (end > start && isOws(text.charCodeAt(end - 1))) end--;
  const sp1 = text.indexOf(' ', start);
  if (sp1 < 0 || sp1 >= end) return badStartLine(text, start, end);
  if (text.startsWith('HTTP/', start)) {
    // Status line: HTTP/1.x SP 3DIGIT [SP reason-phrase]
    if (!isHttpVersion(text, start, sp1) || end - sp1 < 4) return badStartLine(text, start, end);
    for (let i = sp1 + 1; i < sp1 + 4; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return badStartLine(text, start, end);
    }
    if (sp1 + 4 < end && text.charCodeAt(sp1 + 4) !== 0x20) return badStartLine(text, start, end);
    if (!text.startsWith('200', sp1 + 1)) {
      return failure('SSDP_ERR_UNSUPPORTED_STATUS', `status ${text.slice(sp1 + 1, sp1 + 4)} is not 200`, sp1 + 1);
    }
    return 'response';
  }
  // Request line: method SP "*" SP HTTP/1.x
  const sp2 = text.indexOf(' ', sp1 + 1);
  if (sp2 < 0 || sp2 >= end || sp2 !== sp1 + 2 || text.charCodeAt(sp1 + 1) !== 0x2a) return badStartLine(text, start, end);
  if (!isTokenRange(text, start, sp1) || !isHttpVersion(text, sp2 + 1, end)) return badStartLine(text, start, end);
  const methodLength = sp1 - start;
  if (methodLength === 8 && text.startsWith('M-SEARCH', start)) return 'm-search';
  if (methodLength === 6 && text.startsWith('NOTIFY', start)) return 'notify';
  return failure('SSDP_ERR_UNKNOWN_METHOD', `unknown method ${JSON.stringify(text.slice(start, sp1))}`, start);
}

/** Character offset of the line holding header number `index` (continuation lines hold no header). */
function headerLineOffset(text: string, firstHeaderLine: number, index: number): number {
  let pos = firstHeaderLine;
  let count = -1;
  while (pos < text.length) {
    const c = text.charCodeAt(pos);
    if (c !== 0x20 && c !== 0x09 && ++count === index) return pos;
    const lf = text.indexOf('\n', pos);
    if (lf < 0) break;
    pos = lf + 1;
  }
  return -1;
}

function parseText(text: string, limits: ParseLimits): SsdpMessage | Failure {
  const n = text.length;
  let pos = 0;
  // RFC 9112 §2.2: ignore blank lines before the start line.
  while (pos < n) {
    const c = text.charCodeAt(pos);
    if (c === 0x0a) pos++;
    else if (c === 0x0d && text.charCodeAt(pos + 1) === 0x0a) pos += 2;
    else break;
  }
  if (pos >= n) return failure('SSDP_ERR_EMPTY', 'empty datagram', 0);

  // One forward cursor over CRs keeps the bare-CR check linear.
  let nextCr = text.indexOf('\r', pos);
  const { maxLineLength, maxHeaderLines } = limits;

  let lf = text.indexOf('\n', pos);
  let lineEnd = lf < 0 ? n : lf;
  let contentEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
  if (nextCr >= 0 && nextCr < contentEnd) return failure('SSDP_ERR_BARE_CR', 'CR not followed by LF', nextCr);
  if (contentEnd - pos > maxLineLength) {
    return failure('SSDP_ERR_LINE_TOO_LONG', `start line longer than ${maxLineLength}`, pos);
  }
  const start = readStartLine(text, pos, contentEnd);
  if (typeof start !== 'string') return start;
  pos = lf < 0 ? n : lf + 1;
  const firstHeaderLine = pos;

  const headers: SsdpHeader[] = [];
  let terminated = false;
  let lines = 0;
  while (pos < n) {
    lf = text.indexOf('\n', pos);
    lineEnd = lf < 0 ? n : lf;
    contentEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
    if (nextCr >= 0 && nextCr < pos) nextCr = text.indexOf('\r', pos);
    if (nextCr >= 0 && nextCr < contentEnd) return failure('SSDP_ERR_BARE_CR', 'CR not followed by LF', nextCr);
    if (contentEnd === pos) {
      terminated = true;
      break;
    }
    if (++lines > maxHeaderLines) {
      return failure('SSDP_ERR_TOO_MANY_HEADERS', `more than ${maxHeaderLines} header lines`, pos);
    }
    if (contentEnd - pos > maxLineLength) {
      return failure('SSDP_ERR_LINE_TOO_LONG', `header line longer than ${maxLineLength}`, pos);
    }
    let valueStart: number;
    const first = text.charCodeAt(pos);
    if (first === 0x20 || first === 0x09) {
      // obs-fold (RFC 9112 §5.2): a continuation line joins the previous value with one SP.
      const last = headers.pop();
      if (last === undefined) return failure('SSDP_ERR_MALFORMED_HEADER', 'continuation line without a header', pos);
      valueStart = pos;
      while (valueStart < contentEnd && isOws(text.charCodeAt(valueStart))) valueStart++;
      let valueEnd = contentEnd;
      while (valueEnd > valueStart && isOws(text.charCodeAt(valueEnd - 1))) valueEnd--;
      const extra = text.slice(valueStart, valueEnd);
      const value = extra.length === 0 ? last.value : last.value.length === 0 ? extra : `${last.value} ${extra}`;
      headers.push({ name: last.name, value });
    } else {
      const colon = text.indexOf(':', pos);
      if (colon < 0 || colon >= contentEnd) {
        return failure('SSDP_ERR_MALFORMED_HEADER', 'header line without a colon', pos);
      }
      let nameEnd = colon;
      while (nameEnd > pos && isOws(text.charCodeAt(nameEnd - 1))) nameEnd--; // tolerate "HOST : x"
      if (!isTokenRange(text, pos, nameEnd)) {
        return failure('SSDP_ERR_MALFORMED_HEADER', 'header name is not an HTTP token', pos);
      }
      valueStart = colon + 1;
      let valueEnd = contentEnd;
      while (valueStart < valueEnd && isOws(text.charCodeAt(valueStart))) valueStart++;
      while (valueEnd > valueStart && isOws(text.charCodeAt(valueEnd - 1))) valueEnd--;
      headers.push({ name: text.slice(pos, nameEnd), value: text.slice(valueStart, valueEnd) });
    }
    pos = lf < 0 ? n : lf + 1;
  }
  // Anything after the empty line would be a body; SSDP has none, so it is ignored.

  const built = buildMessage(start, headers, terminated ? 'upnp' : 'legacy');
  if (built.ok) return built.message;
  const at = built.headerIndex < 0 ? -1 : headerLineOffset(text, firstHeaderLine, built.headerIndex);
  return failure(built.code, built.message, at, 'NTS');
}

function effectiveLimits(options: ParseOptions | undefined): ParseLimits {
  const overrides = options?.limits;
  return overrides === undefined ? DEFAULT_PARSE_LIMITS : { ...DEFAULT_PARSE_LIMITS, ...overrides };
}

function toError(fail: Failure, text: string | undefined, isBytes: boolean): SsdpError {
  let offset: number | undefined;
  if (fail.at >= 0) offset = isBytes && text !== undefined ? utf8ByteOffset(text, fail.at) : fail.at;
  const details = fail.header === undefined ? { offset } : { offset, header: fail.header };
  return new SsdpError(fail.code, fail.message, details);
}

/**
 * Parses one SSDP datagram. **Never throws**: returns `{ ok: true, message }` or `{ ok: false, error }` with a
 * typed {@link SsdpError} (`code`, and `offset` in bytes (characters for string input) where known).
 *
 * Bytes are decoded as UTF-8 (invalid sequences become U+FFFD). Tolerated quirks: LF-only line endings, no
 * final CRLF (the message is then marked `profile: 'legacy'`), no blank after the colon, blanks before the colon,
 * quoted MAN/ST/NTS, `max-age = 1800`, duplicate headers (the first feeds the typed field), trailing blanks,
 * any header-name casing, blank lines before the start line, obs-fold continuation lines (joined with one SP).
 * A stray LF inside a value makes a new line, which must then be a valid header line or a continuation (a line
 * starting with a blank); otherwise the datagram is rejected with `SSDP_ERR_MALFORMED_HEADER`. Bytes after the
 * empty line that ends the headers are ignored.
 */
export function parseMessage(input: Uint8Array | string, options?: ParseOptions): ParseResult {
  let text: string | undefined;
  const isBytes = typeof input !== 'string';
  try {
    const limits = effectiveLimits(options);
    if (isBytes && !(input instanceof Uint8Array)) {
      return { ok: false, error: new SsdpError('SSDP_ERR_INVALID_ARGUMENT', 'input must be a Uint8Array or a string') };
    }
    if (input.length === 0) return { ok: false, error: new SsdpError('SSDP_ERR_EMPTY', 'empty datagram', { offset: 0 }) };
    if (input.length > limits.maxDatagramBytes) {
      return {
        ok: false,
        error: new SsdpError('SSDP_ERR_TOO_LARGE', `datagram larger than ${limits.maxDatagramBytes}`, {
          offset: limits.maxDatagramBytes,
        }),
      };
    }
    text = isBytes ? decodeUtf8(input) : input;
    const result = parseText(text, limits);
    return isFailure(result) ? { ok: false, error: toError(result, text, isBytes) } : { ok: true, message: result };
  } catch (cause) {
    // Unreachable by design (the fuzz suite asserts it never happens); kept so a bug cannot crash a socket handler.
    return { ok: false, error: new SsdpError('SSDP_ERR_INTERNAL', `internal parser error: ${String(cause)}`) };
  }
}
