// How the ssdp-controller process runs (ssdp-device has the same shape in its own process-entry.ts): data lines
// on stdout, one-line logs on stderr. The first SIGINT/SIGTERM asks for a clean stop (exit 0 once it completes), a
// second one exits at once with 128 + its number. An unexpected error (an uncaught exception, or an unhandled
// rejection, which Node raises as one) is one stderr line, then the same clean stop within STOP_BOUND_MS, then
// exit 70 (EX_SOFTWARE): continuing after one is unsafe, and a supervisor restarts the program.
import { constants } from 'node:os';

export interface ProcessIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** Where the data lines go. flush() writes what is queued: before every stderr line and at exit. */
export interface LineSink {
  write(line: string): void;
  flush(): void;
}

export const EXIT_SOFTWARE = 70;
/** How long the clean stop after an unexpected error may take (the sockets close) before the process exits anyway. */
const STOP_BOUND_MS = 5000;
/** After the run ends, how long a stray handle (a half-open HTTP socket of a description fetch) may keep the process alive. */
const LINGER_MS = 2000;

/** The error as one line: its String() and where it was thrown. */
function oneLine(error: unknown): string {
  const frame = error instanceof Error ? /\n\s*(at .*)/.exec(error.stack ?? '')?.[1] : undefined;
  return `${String(error)}${frame === undefined ? '' : ` (${frame})`}`.replace(/\s*\n\s*/g, ' ');
}

/** Runs `run` as the whole process: it gets the io and an AbortSignal that asks for a clean stop. */
export function runProcess(
  program: string,
  stdout: LineSink,
  run: (io: ProcessIo, shutdown: AbortSignal) => Promise<number>,
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
    stderr(`${program}: unexpected error, stopping (exit ${EXIT_SOFTWARE}): ${oneLine(error)}`);
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

  run({ stdout: (line) => stdout.write(line), stderr }, shutdown.signal).then(
    (code) => finish(failed ? EXIT_SOFTWARE : code),
    (error: unknown) => {
      if (!failed) onUnexpected(error);
      finish(EXIT_SOFTWARE);
    },
  );
}
