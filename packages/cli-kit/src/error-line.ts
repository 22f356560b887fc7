// One way to turn an error into one stderr line and an exit code.
import { EXIT_USAGE } from './exit-codes.ts';
import { UsageError } from './usage-error.ts';

function collapse(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** The error's own one-line form (a TransportError's `toOneLine()`, with its hint), else its message, on one line. */
export function errorLine(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'toOneLine' in error && typeof error.toOneLine === 'function') {
    return collapse(String(error.toOneLine()));
  }
  return collapse(error instanceof Error ? error.message : String(error));
}

/** A bug as one line: its String() and the frame it was thrown from. */
export function unexpectedErrorLine(error: unknown): string {
  const frame = error instanceof Error ? /\n\s*(at .*)/.exec(error.stack ?? '')?.[1] : undefined;
  return collapse(`${String(error)}${frame === undefined ? '' : ` (${frame})`}`);
}

/**
 * A usage or startup error: writes `program: <one line>` (a UsageError adds "(see --help)") and returns the exit
 * code, EXIT_USAGE.
 */
export function reportFailure(program: string, error: unknown, stderr: (line: string) => void): number {
  stderr(`${program}: ${errorLine(error)}${error instanceof UsageError ? ' (see --help)' : ''}`);
  return EXIT_USAGE;
}
