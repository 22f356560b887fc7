import { parseCliArguments, usage, UsageError } from './cli-arguments.ts';
import { version } from './version.ts';

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** Runs the ssdp-device command line and returns the exit code: 0 ok, 2 usage or startup error. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseCliArguments(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`ssdp-device: ${error.message} (see --help)`);
      return 2;
    }
    throw error;
  }
  if (args.version) {
    io.stdout(version);
    return 0;
  }
  io.stdout(usage.trimEnd());
  return Promise.resolve(0);
}
