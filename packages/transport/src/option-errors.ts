// The errors every layer above the codec throws for a caller's mistake or an abort; `code` is stable.

/** A wrong option: `option` names it (`mx`, `device.friendlyName`), `message` says what was expected. */
export class InvalidOptionError extends Error {
  override readonly name = 'InvalidOptionError';
  readonly code = 'SSDP_ERR_INVALID_OPTION';
  readonly option: string;
  /** What was expected, without the option's name. */
  readonly detail: string;

  constructor(option: string, detail: string) {
    super(`${option}: ${detail}`);
    this.option = option;
    this.detail = detail;
  }
}

/** An operation stopped by its AbortSignal; `cause` is the signal's reason. */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'ABORT_ERR';

  constructor(message = 'the operation was aborted', cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** Throws AbortError when `signal` has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new AbortError(undefined, signal.reason);
}
