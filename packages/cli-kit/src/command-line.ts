// The common start of a run: parse the arguments, answer --help and --version, or report a usage error.
import { reportFailure } from './error-line.ts';
import { EXIT_OK } from './exit-codes.ts';
import type { CliIo } from './process-entry.ts';
import { UsageError } from './usage-error.ts';

export interface CommandLineArguments {
  readonly help: boolean;
  readonly version: boolean;
}

export interface CommandLineSpec<A extends CommandLineArguments> {
  readonly program: string;
  readonly usage: string;
  readonly version: string;
  /** Throws UsageError on bad input; anything else it throws is a bug and propagates. */
  parse(argv: readonly string[]): A;
}

/** The parsed arguments to run with, or the exit code when there is nothing to run (help, version, usage error). */
export function readCommandLine<A extends CommandLineArguments>(
  spec: CommandLineSpec<A>,
  argv: readonly string[],
  io: Pick<CliIo, 'stdout' | 'stderr'>,
): A | number {
  let args: A;
  try {
    args = spec.parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return reportFailure(spec.program, error, io.stderr);
  }
  if (args.help) {
    io.stdout(spec.usage.trimEnd());
    return EXIT_OK;
  }
  if (args.version) {
    io.stdout(spec.version);
    return EXIT_OK;
  }
  return args;
}
