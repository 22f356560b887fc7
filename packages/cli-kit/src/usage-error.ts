/** A bad command line (an unknown flag, a value out of range): one stderr line naming the flag, then exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'SSDP_ERR_USAGE';
}
