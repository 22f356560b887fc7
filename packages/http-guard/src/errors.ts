// The guard's one typed error. `code` is stable (callers and tests switch on it); `message` is one printable line.

export type HttpGuardErrorCode = 'SSDP_ERR_HTTP_GUARD_OPTION';

export class HttpGuardError extends Error {
  override readonly name = 'HttpGuardError';
  readonly code: HttpGuardErrorCode;

  constructor(code: HttpGuardErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isHttpGuardError(value: unknown): value is HttpGuardError {
  return value instanceof HttpGuardError;
}
