import { buildMessage, type StartKind } from './build-message.ts';
import { SsdpError, failure, type Failure } from './errors.ts';
import {
  FIELD_OF_STATE,
  NAME_START,
  NAME_STOP,
  NAME_TABLE,
  cutValue,
  indexHeaderList,
  lineStartOf,
  newSlots,
  recordField,
} from './header-index.ts';
import { TOKEN_CHARS, type SsdpHeader } from './headers.ts';
import type { SsdpMessage, SsdpMessageView } from './message.ts';
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

/** Options of {@link parseMessage} and {@link parseMessageView}. */
export interface ParseOptions {
  /** Overrides for some of the {@link DEFAULT_PARSE_LIMITS}. */
  readonly limits?: Partial<ParseLimits>;
}

/** Result of {@link parseMessage}: plain data. */
export type ParseResult =
  { readonly ok: true; readonly message: SsdpMessage } | { readonly ok: false; readonly error: SsdpError };

/** Result of {@link parseMessageView}: a lazy view. */
export type ParseViewResult =
  { readonly ok: true; readonly message: SsdpMessageView } | { readonly ok: false; readonly error: SsdpError };

// The hot loop uses only module-local helpers: cross-module calls cost a getter each when a consumer loads this
// package through a CommonJS loader, and these run once per character of a header name or blank.
const TCHAR = TOKEN_CHARS;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function isToken(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

function isHttpVersion(text: string, start: number, end: number): boolean {
  return end - start === 8 && (text.startsWith('HTTP/1.1', start) || text.startsWith('HTTP/1.0', start));
}

function badStartLine(text: string, start: number, end: number): Failure {
  const shown = JSON.stringify(text.slice(start, Math.min(end, start + 60)));
  return failure('SSDP_ERR_BAD_START_LINE', `bad start line ${shown}`, start);
}

// The three canonical start lines, matched in one sticky native match before the general grammar runs.
const CANONICAL_START_LINE = /M-SEARCH \* HTTP\/1\.1|NOTIFY \* HTTP\/1\.1|HTTP\/1\.1 200 OK/y;

function readStartLine(text: string, start: number, end: number): StartKind | Failure {
  CANONICAL_START_LINE.lastIndex = start;
  if (CANONICAL_START_LINE.test(text) && CANONICAL_START_LINE.lastIndex === end) {
    const first = text.charCodeAt(start);
    return first === 0x4d /* M */ ? 'm-search' : first === 0x4e /* N */ ? 'notify' : 'response';
  }
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
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
  if (sp2 < 0 || sp2 >= end || sp2 !== sp1 + 2 || text.charCodeAt(sp1 + 1) !== 0x2a)
    return badStartLine(text, start, end);
  if (!isToken(text, start, sp1) || !isHttpVersion(text, sp2 + 1, end)) return badStartLine(text, start, end);
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

/** The failure for a header line whose name is not `token *blank ":"` (the message says what is wrong). */
function malformedLine(text: string, pos: number, contentEnd: number): Failure {
  const colon = text.indexOf(':', pos);
  const noColon = colon < 0 || colon >= contentEnd;
  return failure(
    'SSDP_ERR_MALFORMED_HEADER',
    noColon ? 'header line without a colon' : 'header name is not an HTTP token',
    pos,
  );
}

/**
 * The header block from `first` on when it has obs-fold continuation lines, which need joined values: the
 * headers as objects (checked like the fast loop does), indexed through {@link indexHeaderList}. Rare.
 */
function parseFoldedBlock(
  text: string,
  first: number,
  limits: ParseLimits,
): { kind: 'block'; headers: SsdpHeader[]; terminated: boolean } | Failure {
  const n = text.length;
  const headers: SsdpHeader[] = [];
  let pos = first;
  let lines = 0;
  while (pos < n) {
    const lf = text.indexOf('\n', pos);
    const lineEnd = lf < 0 ? n : lf;
    const contentEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
    if (contentEnd === pos) return { kind: 'block', headers, terminated: true };
    if (++lines > limits.maxHeaderLines) {
      return failure('SSDP_ERR_TOO_MANY_HEADERS', `more than ${limits.maxHeaderLines} header lines`, pos);
    }
    if (contentEnd - pos > limits.maxLineLength) {
      return failure('SSDP_ERR_LINE_TOO_LONG', `header line longer than ${limits.maxLineLength}`, pos);
    }
    const first = text.charCodeAt(pos);
    if (first === 0x20 || first === 0x09) {
      // obs-fold (RFC 9112 §5.2): a continuation line joins the previous value with one SP.
      const last = headers.pop();
      if (last === undefined) return failure('SSDP_ERR_MALFORMED_HEADER', 'continuation line without a header', pos);
      const extra = cutValue(text, pos, contentEnd);
      const value = extra.length === 0 ? last.value : last.value.length === 0 ? extra : `${last.value} ${extra}`;
      headers.push({ name: last.name, value });
    } else {
      const colon = text.indexOf(':', pos);
      if (colon < 0 || colon >= contentEnd) return malformedLine(text, pos, contentEnd);
      let nameEnd = colon;
      while (nameEnd > pos && isBlank(text.charCodeAt(nameEnd - 1))) nameEnd--; // tolerate "HOST : x"
      if (!isToken(text, pos, nameEnd)) return malformedLine(text, pos, contentEnd);
      headers.push({ name: text.slice(pos, nameEnd), value: cutValue(text, colon + 1, contentEnd) });
    }
    pos = lf < 0 ? n : lf + 1;
  }
  return { kind: 'block', headers, terminated: false };
}

/**
 * Frames, validates and classifies the decoded datagram. `bytes`, when given, are the datagram's bytes and are
 * aligned with `text` (one character per byte): the per-character work on header names then reads the bytes,
 * which V8 loads faster than it runs charCodeAt. Structure (LF, CR, ':', blanks, token characters)
 * is ASCII, so both give the same answers.
 */
function parseText(text: string, bytes: Uint8Array | undefined, limits: ParseLimits): SsdpMessageView | Failure {
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

  const { maxLineLength, maxHeaderLines } = limits;

  // Lines end at LF; one CR before it is dropped. A bare CR elsewhere cannot split or end anything: in a
  // name or the start line it fails the token/grammar checks, in a value it becomes SP when the value is
  // read (RFC 9112 §2.2 allows either), so the hot loop never searches for CRs.
  let lf = text.indexOf('\n', pos);
  let lineEnd = lf < 0 ? n : lf;
  let contentEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
  if (contentEnd - pos > maxLineLength) {
    return failure('SSDP_ERR_LINE_TOO_LONG', `start line longer than ${maxLineLength}`, pos);
  }
  const start = readStartLine(text, pos, contentEnd);
  if (typeof start !== 'string') return start;
  pos = lf < 0 ? n : lf + 1;
  const firstHeaderLine = pos;

  // One pass: per line one native LF search, the name checked as a token while looking for its colon, and the
  // value position of a known header recorded. Nothing is sliced or allocated per line.
  const slots = newSlots();
  let terminated = false;
  let lines = 0;
  while (pos < n) {
    lf = text.indexOf('\n', pos);
    lineEnd = lf < 0 ? n : lf;
    contentEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
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
    // The name: token characters, run through the name DFA (see header-index.ts), which also says whether it
    // is a known header. A non-ASCII character (or, past the end, NaN or undefined) fails the < 128 test.
    let i = pos;
    let state = NAME_START;
    let c: number;
    if (bytes !== undefined) {
      c = bytes[i]!;
      // obs-fold: a continuation line needs joined values; hand the whole block to the slow path.
      if (c === 0x20 || c === 0x09) return parseFolded(text, start, firstHeaderLine, limits);
      while (c < 128) {
        const next = NAME_TABLE[(state << 7) | c]!;
        if (next === NAME_STOP) break;
        state = next;
        c = bytes[++i]!;
      }
      const nameEnd = i;
      while (c === 0x20 || c === 0x09) c = bytes[++i]!; // tolerate "HOST : x"
      if (c !== 0x3a || i >= contentEnd || nameEnd === pos) return malformedLine(text, pos, contentEnd);
    } else {
      c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09) return parseFolded(text, start, firstHeaderLine, limits);
      while (c < 128) {
        const next = NAME_TABLE[(state << 7) | c]!;
        if (next === NAME_STOP) break;
        state = next;
        c = text.charCodeAt(++i);
      }
      const nameEnd = i;
      while (c === 0x20 || c === 0x09) c = text.charCodeAt(++i);
      if (c !== 0x3a || i >= contentEnd || nameEnd === pos) return malformedLine(text, pos, contentEnd);
    }
    const field = FIELD_OF_STATE[state]!;
    if (field >= 0) recordField(slots, field, i + 1, contentEnd);
    pos = lf < 0 ? n : lf + 1;
  }
  // Anything after the empty line would be a body; SSDP has none, so it is ignored.

  const built = buildMessage(start, terminated ? 'upnp' : 'legacy', text, slots, firstHeaderLine, undefined);
  if (built.kind !== 'failure') return built;
  return { ...built, at: built.at < 0 ? -1 : lineStartOf(text, built.at) };
}

/** {@link parseText} from the header block on, for a block with continuation lines. */
function parseFolded(
  text: string,
  start: StartKind,
  firstHeaderLine: number,
  limits: ParseLimits,
): SsdpMessageView | Failure {
  const block = parseFoldedBlock(text, firstHeaderLine, limits);
  if (block.kind === 'failure') return block;
  const { text: listText, slots } = indexHeaderList(block.headers);
  const built = buildMessage(start, block.terminated ? 'upnp' : 'legacy', listText, slots, 0, block.headers);
  if (built.kind !== 'failure') return built;
  let at = -1;
  if (built.at >= 0) {
    // The list text has one line per header: the header's index is the number of lines before it.
    let index = 0;
    for (let lf = listText.indexOf('\n'); lf >= 0 && lf < built.at; lf = listText.indexOf('\n', lf + 1)) index++;
    at = headerLineOffset(text, firstHeaderLine, index);
  }
  return { ...built, at };
}

/** A limit override counts only when it is a non-negative number; anything else keeps the default. */
function limit(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && value >= 0 ? value : fallback;
}

function effectiveLimits(options: ParseOptions | undefined): ParseLimits {
  const overrides = options?.limits;
  if (overrides === undefined) return DEFAULT_PARSE_LIMITS;
  return {
    maxDatagramBytes: limit(overrides.maxDatagramBytes, DEFAULT_PARSE_LIMITS.maxDatagramBytes),
    maxHeaderLines: limit(overrides.maxHeaderLines, DEFAULT_PARSE_LIMITS.maxHeaderLines),
    maxLineLength: limit(overrides.maxLineLength, DEFAULT_PARSE_LIMITS.maxLineLength),
  };
}

function toError(fail: Failure, text: string | undefined, isBytes: boolean): SsdpError {
  let offset: number | undefined;
  if (fail.at >= 0) offset = isBytes && text !== undefined ? utf8ByteOffset(text, fail.at) : fail.at;
  const details = fail.header === undefined ? { offset } : { offset, header: fail.header };
  return new SsdpError(fail.code, fail.message, details);
}

/** Unreachable by design (the fuzz suite asserts it never happens); kept so a bug cannot crash a socket handler. */
function internalError(cause: unknown): { readonly ok: false; readonly error: SsdpError } {
  return { ok: false, error: new SsdpError('SSDP_ERR_INTERNAL', `internal parser error: ${String(cause)}`) };
}

/**
 * Parses one SSDP datagram into plain data. **Never throws**: returns `{ ok: true, message }` or
 * `{ ok: false, error }` with a typed {@link SsdpError} (`code`, and `offset` in bytes (characters for string
 * input) where known). The message is a plain object: every field of its kind is an own data property (absent or
 * invalid ones hold `undefined`), so spread, `Object.keys`, `structuredClone` and `JSON.stringify` see all of it.
 * Every field is computed here; a hot receive loop that reads a few fields should use {@link parseMessageView}.
 *
 * Bytes are decoded as UTF-8 (invalid sequences become U+FFFD). Tolerated quirks: LF-only line endings, no
 * final CRLF (the message is then marked `profile: 'legacy'`), no blank after the colon, blanks before the colon,
 * quoted MAN/ST/NTS, `max-age = 1800`, duplicate headers (the first feeds the typed field), trailing blanks,
 * any header-name casing, blank lines before the start line, obs-fold continuation lines (joined with one SP).
 * A stray LF inside a value makes a new line, which must then be a valid header line or a continuation (a line
 * starting with a blank); otherwise the datagram is rejected with `SSDP_ERR_MALFORMED_HEADER`. A bare CR (not
 * followed by LF) inside a value is read as a space (RFC 9112 §2.2); in a name or the start line it fails their
 * grammar. Bytes after the empty line that ends the headers are ignored.
 */
export function parseMessage(input: Uint8Array | string, options?: ParseOptions): ParseResult {
  const result = parseMessageView(input, options);
  if (!result.ok) return result;
  try {
    return { ok: true, message: result.message.toJSON() };
  } catch (cause) {
    return internalError(cause);
  }
}

/**
 * Parses one SSDP datagram like {@link parseMessage} (same checks, errors and fields) into a lazy view: the fast
 * path for hot receive loops. `kind`, `profile` and `nts` are set while parsing; `headers` and every typed field
 * are getters computed on first read and cached, so the datagram costs about what splitting it into lines costs
 * plus the fields actually read. Spread, `Object.keys` and `structuredClone` do not see the getters: read fields
 * by name, `view.header(name)` for any header, `view.toJSON()` for the plain data `parseMessage` gives.
 */
export function parseMessageView(input: Uint8Array | string, options?: ParseOptions): ParseViewResult {
  let text: string | undefined;
  const isBytes = typeof input !== 'string';
  try {
    const limits = effectiveLimits(options);
    if (isBytes && !(input instanceof Uint8Array)) {
      return { ok: false, error: new SsdpError('SSDP_ERR_INVALID_ARGUMENT', 'input must be a Uint8Array or a string') };
    }
    if (input.length === 0)
      return { ok: false, error: new SsdpError('SSDP_ERR_EMPTY', 'empty datagram', { offset: 0 }) };
    if (input.length > limits.maxDatagramBytes) {
      return {
        ok: false,
        error: new SsdpError('SSDP_ERR_TOO_LARGE', `datagram larger than ${limits.maxDatagramBytes}`, {
          offset: limits.maxDatagramBytes,
        }),
      };
    }
    let bytes: Uint8Array | undefined;
    if (isBytes) {
      text = decodeUtf8(input);
      // As many characters as bytes means every byte decoded to one character (ASCII, or U+FFFD for a stray
      // byte): offsets agree, so the scan may read the bytes. Any multi-byte sequence leaves fewer characters.
      if (text.length === input.length) bytes = input;
    } else text = input;
    const result = parseText(text, bytes, limits);
    return result.kind === 'failure'
      ? { ok: false, error: toError(result, text, isBytes) }
      : { ok: true, message: result };
  } catch (cause) {
    return internalError(cause);
  }
}
