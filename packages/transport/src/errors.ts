// Typed transport errors. `code` is stable (apps and tests switch on it); `message` is one printable line.

export type TransportErrorCode =
  | 'SSDP_ERR_PORT_IN_USE'
  | 'SSDP_ERR_PERMISSION_DENIED'
  | 'SSDP_ERR_UNKNOWN_INTERFACE'
  | 'SSDP_ERR_NO_MULTICAST_ROUTE'
  | 'SSDP_ERR_ADDRESS_FAMILY_UNAVAILABLE'
  | 'SSDP_ERR_INVALID_TARGET'
  | 'SSDP_ERR_NOT_STARTED'
  | 'SSDP_ERR_TRANSPORT_STOPPED'
  | 'SSDP_ERR_HANDLER_FAILED'
  | 'SSDP_ERR_SOCKET'
  | 'SSDP_ERR_INVALID_OPTION';

export interface TransportErrorDetails {
  /** The OS error code behind it (EADDRINUSE, EACCES ...), when there is one. */
  readonly errno?: string;
  readonly address?: string;
  readonly port?: number;
  readonly interfaceId?: string;
  /** A suggestion for the user, printed after the message. */
  readonly hint?: string;
  readonly cause?: unknown;
}

export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;
  readonly details: TransportErrorDetails;

  constructor(code: TransportErrorCode, message: string, details: TransportErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.details = details;
  }

  /** One line for a terminal: `SSDP_ERR_X: message (hint)`, no stack trace. */
  toOneLine(): string {
    const hint = this.details.hint === undefined ? '' : ` (${this.details.hint})`;
    return `${this.code}: ${this.message}${hint}`.replace(/\s*\n\s*/g, ' ');
  }
}

export function isTransportError(value: unknown): value is TransportError {
  return value instanceof TransportError;
}

export const PORT_IN_USE_HINT =
  'another SSDP service such as minissdpd or Windows SSDPSRV may hold the port without SO_REUSEADDR; ' +
  'instances of this stack share it because they all set SO_REUSEADDR';

interface ErrnoLike {
  code?: unknown;
  message?: unknown;
}

/** Maps a Node/libuv socket error to a TransportError. `action` says what was attempted ("bind 127.0.0.1:1900"). */
export function transportErrorFromErrno(
  error: unknown,
  action: string,
  context: Omit<TransportErrorDetails, 'cause' | 'errno' | 'hint'> = {},
): TransportError {
  if (error instanceof TransportError) return error;
  const errno = typeof (error as ErrnoLike)?.code === 'string' ? ((error as ErrnoLike).code as string) : undefined;
  const base = { ...context, cause: error, ...(errno === undefined ? {} : { errno }) };
  switch (errno) {
    case 'EADDRINUSE':
      return new TransportError('SSDP_ERR_PORT_IN_USE', `${action}: port already in use`, {
        ...base,
        hint: PORT_IN_USE_HINT,
      });
    case 'EACCES':
    case 'EPERM':
      return new TransportError('SSDP_ERR_PERMISSION_DENIED', `${action}: permission denied (${errno})`, {
        ...base,
        hint: 'ports below 1024 and broadcast need privileges; check firewall rules and SO_BROADCAST',
      });
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new TransportError('SSDP_ERR_NO_MULTICAST_ROUTE', `${action}: network unreachable (${errno})`, {
        ...base,
        hint: 'the interface has no route for this destination (no multicast route, or the link is down)',
      });
    case 'EAFNOSUPPORT':
    case 'EPROTONOSUPPORT':
      return new TransportError('SSDP_ERR_ADDRESS_FAMILY_UNAVAILABLE', `${action}: address family not supported`, {
        ...base,
        hint: 'this host has that IP version disabled; turn the family off',
      });
    case 'EADDRNOTAVAIL':
    case 'ENODEV':
    case 'ENXIO':
      return new TransportError('SSDP_ERR_UNKNOWN_INTERFACE', `${action}: address not available (${errno})`, {
        ...base,
        hint: 'the interface address is gone or not configured on this host',
      });
    default: {
      const text =
        typeof (error as ErrnoLike)?.message === 'string' ? ((error as ErrnoLike).message as string) : String(error);
      return new TransportError('SSDP_ERR_SOCKET', `${action}: ${text}`, base);
    }
  }
}
