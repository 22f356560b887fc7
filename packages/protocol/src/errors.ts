/**
 * Every stable error code of `@ssdp/protocol`. Codes never change meaning; new ones may be added.
 *
 * Datagram framing (returned by {@link parseMessage}):
 * - `SSDP_ERR_EMPTY`: zero bytes, or only blank lines.
 * - `SSDP_ERR_TOO_LARGE`: more bytes than `limits.maxDatagramBytes` (also thrown by serializeMessage for a
 *   message that would not fit in one UDP datagram).
 * - `SSDP_ERR_BAD_START_LINE`: the first line is neither `METHOD * HTTP/1.x` nor `HTTP/1.x CODE reason`.
 * - `SSDP_ERR_UNKNOWN_METHOD`: a well-formed request line whose method is not `M-SEARCH` or `NOTIFY`.
 * - `SSDP_ERR_UNSUPPORTED_STATUS`: a status line whose code is not 200.
 * - `SSDP_ERR_LINE_TOO_LONG`: a line longer than `limits.maxLineLength`.
 * - `SSDP_ERR_TOO_MANY_HEADERS`: more header lines than `limits.maxHeaderLines`.
 * - `SSDP_ERR_MALFORMED_HEADER`: a header line without a colon, with an empty or non-token name, or a
 *   continuation line with nothing to continue.
 * - `SSDP_ERR_MISSING_HEADER`: a header needed to classify the message is absent (NOTIFY without NTS).
 * - `SSDP_ERR_UNKNOWN_NTS`: NOTIFY with an NTS other than `ssdp:alive`, `ssdp:byebye`, `ssdp:update`.
 *
 * Field values (returned by the `parseX` value parsers, and listed in {@link SsdpMessage.problems}):
 * `SSDP_ERR_INVALID_HOST`, `SSDP_ERR_INVALID_MAN`, `SSDP_ERR_INVALID_MX`, `SSDP_ERR_INVALID_SEARCH_TARGET`,
 * `SSDP_ERR_INVALID_USN`, `SSDP_ERR_INVALID_CACHE_CONTROL`, `SSDP_ERR_INVALID_DATE`, `SSDP_ERR_INVALID_BOOTID`,
 * `SSDP_ERR_INVALID_CONFIGID`, `SSDP_ERR_INVALID_NEXTBOOTID`, `SSDP_ERR_INVALID_SEARCHPORT`,
 * `SSDP_ERR_INVALID_TCPPORT`, `SSDP_ERR_INVALID_PRODUCT_TOKENS`.
 *
 * Building (thrown by constructors, formatters and {@link serializeMessage} on caller mistakes):
 * - `SSDP_ERR_INVALID_HEADER`: a header name that is not an HTTP token, or a value containing CR or LF.
 * - `SSDP_ERR_INVALID_ARGUMENT`: a typed value out of range (BOOTID above 2^31-1, MX 0, ...).
 * - `SSDP_ERR_INVALID_DEVICE`: a device model with a bad UDN/type or a UDN used twice.
 *
 * Device description XML (returned by {@link parseDeviceDescription}):
 * - `SSDP_ERR_XML_TOO_LARGE`, `SSDP_ERR_XML_TOO_DEEP`, `SSDP_ERR_XML_TOO_MANY_ELEMENTS`: a limit was hit.
 * - `SSDP_ERR_XML_FORBIDDEN`: a DOCTYPE, ENTITY or other `<!` declaration (no entity expansion, ever).
 * - `SSDP_ERR_XML_MALFORMED`: not well-formed XML, or an unknown entity reference.
 * - `SSDP_ERR_DESCRIPTION_INVALID`: well-formed XML that is not a UPnP root device description.
 *
 * `SSDP_ERR_INTERNAL`: a bug in this package was caught instead of thrown (never expected; please report).
 * `SSDP_ERR_INVALID_ARGUMENT` is also returned by the parsers when their input is not a string/Uint8Array.
 */
export type SsdpErrorCode =
  | 'SSDP_ERR_EMPTY'
  | 'SSDP_ERR_TOO_LARGE'
  | 'SSDP_ERR_BAD_START_LINE'
  | 'SSDP_ERR_UNKNOWN_METHOD'
  | 'SSDP_ERR_UNSUPPORTED_STATUS'
  | 'SSDP_ERR_LINE_TOO_LONG'
  | 'SSDP_ERR_TOO_MANY_HEADERS'
  | 'SSDP_ERR_MALFORMED_HEADER'
  | 'SSDP_ERR_MISSING_HEADER'
  | 'SSDP_ERR_UNKNOWN_NTS'
  | 'SSDP_ERR_INVALID_HOST'
  | 'SSDP_ERR_INVALID_MAN'
  | 'SSDP_ERR_INVALID_MX'
  | 'SSDP_ERR_INVALID_SEARCH_TARGET'
  | 'SSDP_ERR_INVALID_USN'
  | 'SSDP_ERR_INVALID_CACHE_CONTROL'
  | 'SSDP_ERR_INVALID_DATE'
  | 'SSDP_ERR_INVALID_BOOTID'
  | 'SSDP_ERR_INVALID_CONFIGID'
  | 'SSDP_ERR_INVALID_NEXTBOOTID'
  | 'SSDP_ERR_INVALID_SEARCHPORT'
  | 'SSDP_ERR_INVALID_TCPPORT'
  | 'SSDP_ERR_INVALID_PRODUCT_TOKENS'
  | 'SSDP_ERR_INVALID_HEADER'
  | 'SSDP_ERR_INVALID_ARGUMENT'
  | 'SSDP_ERR_INVALID_DEVICE'
  | 'SSDP_ERR_XML_TOO_LARGE'
  | 'SSDP_ERR_XML_TOO_DEEP'
  | 'SSDP_ERR_XML_TOO_MANY_ELEMENTS'
  | 'SSDP_ERR_XML_FORBIDDEN'
  | 'SSDP_ERR_XML_MALFORMED'
  | 'SSDP_ERR_DESCRIPTION_INVALID'
  | 'SSDP_ERR_INTERNAL';

/** Extra context for an {@link SsdpError}. */
export interface SsdpErrorDetails {
  /** Byte offset into the datagram or document where the problem starts, where known. */
  readonly offset?: number;
  /** Canonical name of the header concerned, where there is one (e.g. `NTS`). */
  readonly header?: string;
}

/**
 * The one error type of this package. Match on {@link SsdpError.code}, never on the message text.
 * Parsers return it inside a result object; builders throw it.
 */
export class SsdpError extends Error {
  override readonly name = 'SsdpError';
  readonly code: SsdpErrorCode;
  readonly offset: number | undefined;
  readonly header: string | undefined;

  constructor(code: SsdpErrorCode, message: string, details: SsdpErrorDetails = {}) {
    super(message);
    this.code = code;
    this.offset = details.offset;
    this.header = details.header;
  }
}

/**
 * @internal Why a datagram or document could not be read: a value handed back to the API boundary, which turns it
 * into an {@link SsdpError}. `at` is a character offset into the decoded text, -1 when there is none.
 */
export interface Failure {
  readonly kind: 'failure';
  readonly code: SsdpErrorCode;
  readonly message: string;
  readonly at: number;
  readonly header: string | undefined;
}

/** @internal Shorthand for a {@link Failure}. */
export function failure(code: SsdpErrorCode, message: string, at: number, header?: string): Failure {
  return { kind: 'failure', code, message, at, header };
}

/** Result of a value parser (`parseUsn`, `parseMx`, ...): the value, or why it is invalid. */
export type ValueResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SsdpError };

/** @internal Shorthand used by the value parsers. */
export function valueOk<T>(value: T): ValueResult<T> {
  return { ok: true, value };
}

/** @internal Shorthand used by the value parsers. */
export function valueError<T>(code: SsdpErrorCode, message: string, details?: SsdpErrorDetails): ValueResult<T> {
  return { ok: false, error: new SsdpError(code, message, details) };
}
