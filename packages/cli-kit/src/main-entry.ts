// The body of each bin's main.ts: `--version` alone answers before anything else is loaded (startup time); every
// other run goes through runProcess with stdout batched by a line writer (flushed before each stderr line and at
// exit). A closed stdout (EPIPE: the reader went away) is said once on stderr; the program keeps running.
import { createLineWriter } from './line-writer.ts';
import { runProcess, type CliIo } from './process-entry.ts';

export interface CliProgram {
  /** The bin's name, the prefix of every stderr line: `ssdp-device`. */
  readonly name: string;
  readonly version: string;
  /** Runs the command line (loading what it needs) and resolves to the exit code. `shutdown` aborts on the first
   * SIGINT/SIGTERM or an unexpected error, with that as its reason. */
  run(argv: readonly string[], io: CliIo, shutdown: AbortSignal): Promise<number>;
}

export function runMain(program: CliProgram, argv: readonly string[] = process.argv.slice(2)): void {
  const stream = process.stdout;
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    stream.write(`${program.version}\n`);
    return;
  }
  const lines = createLineWriter(
    {},
    {
      stream,
      defer: (callback) => void setImmediate(callback),
      onClosed: (error) =>
        void process.stderr.write(
          `${program.name}: stdout closed (${(error as { code?: string }).code ?? error.message}); further output is discarded\n`,
        ),
    },
  );
  const terminal = stream.isTTY
    ? {
        write: (text: string) => {
          lines.flush();
          if (!lines.closed) stream.write(text);
        },
        columns: stream.columns,
      }
    : undefined;
  runProcess(program.name, lines, (io, shutdown) => program.run(argv, io, shutdown), terminal);
}
