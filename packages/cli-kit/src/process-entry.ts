// How a command-line process runs: data lines on stdout, one-line logs on stderr. The first SIGINT/SIGTERM asks
// for a clean stop (the run's exit code once it completes), a second one exits at once with 128 + its number. An
// unexpected error (an uncaught exception, or an unhandled rejection, which Node raises as one) is one stderr line,
// then the same clean stop within STOP_BOUND_MS, then exit 70 (EX_SOFTWARE): continuing after one is unsafe, and a
// supervisor restarts the program.
import { constants } from 'node:os';
import { unexpectedErrorLine } from './error-line.ts';
import { EXIT_SOFTWARE } from './exit-codes.ts';

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Raw stdout for a full-screen view (no newline added); present only when stdout is a terminal. */
  readonly terminal?: { write(text: string): void; readonly columns?: number };
}

/** Where the data lines go. flush() writes what is queued: before every stderr line and at exit. */
export interface LineSink {
  write(line: string): void;
  flush(): void;
}

/** How long the clean stop after an unexpected error may take (byebyes, sockets closing) before the exit. */
const STOP_BOUND_MS = 5000;
/** After the run ends, how long a stray handle (a half-open HTTP socket) may keep the process alive. */
const LINGER_MS = 2000;

/** Runs `run` as the whole process: it gets the io and an AbortSignal that asks for a clean stop. */
export function runProcess(
  program: string,
  stdout: LineSink,
  run: (io: CliIo, shutdown: AbortSignal) => Promise<number>,
  terminal?: CliIo['terminal'],
): void {
  const shutdown = new AbortController();
  let failed = false;
  let signals = 0;

  const stderr = (line: string): void => {
    stdout.flush();
    process.stderr.write(`${line}\n`);
  };
  const exitNow = (code: number): never => process.exit(code); // the 'exit' listener flushes stdout
  const finish = (code: number): void => {
    stdout.flush();
    process.exitCode = code;
    setTimeout(() => exitNow(code), LINGER_MS).unref();
  };
  const onUnexpected = (error: unknown): void => {
    if (failed) exitNow(EXIT_SOFTWARE); // a second one while stopping: the stop itself is broken
    failed = true;
    stderr(`${program}: unexpected error, stopping (exit ${EXIT_SOFTWARE}): ${unexpectedErrorLine(error)}`);
    shutdown.abort('unexpected-error');
    setTimeout(() => exitNow(EXIT_SOFTWARE), STOP_BOUND_MS).unref();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 1 && !failed) shutdown.abort(signal);
    else exitNow(128 + constants.signals[signal]);
  };

  // A second signal (process.exit) must not lose the lines still queued.
  process.on('exit', () => stdout.flush());
  // A closed stderr must not turn into a chain of uncaught errors (each reported on stderr again).
  process.stderr.on('error', () => undefined);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', onUnexpected);

  const io: CliIo = { stdout: (line) => stdout.write(line), stderr, ...(terminal === undefined ? {} : { terminal }) };
  run(io, shutdown.signal).then(
    (code) => finish(failed ? EXIT_SOFTWARE : code),
    (error: unknown) => {
      if (!failed) onUnexpected(error);
      finish(EXIT_SOFTWARE);
    },
  );
}
