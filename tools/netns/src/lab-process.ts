// One process inside a lab host, the way every suite runs one (e2e, fuzz, bench): its output line by line as it
// comes, its exit (after its pipes are drained), and a stop that always ends it (a signal, then SIGKILL).
import type { ChildProcess } from 'node:child_process';
import { createLineSplitter } from './line-splitter.ts';
import type { NetnsLab } from './netns-lab.ts';

export interface LabExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (code and signal are then null). */
  readonly error?: Error;
}

export interface LabProcessOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** A file descriptor to write stdout to instead of a pipe (then no stdout lines are reported). */
  readonly stdoutFd?: number;
  /** Called with each complete stdout line (without its line end), in order. */
  readonly onStdoutLine?: (line: string) => void;
  readonly onStderrLine?: (line: string) => void;
}

export interface LabProcess {
  readonly child: ChildProcess;
  /** Resolves once the process has exited and its output has been read; a spawn error counts as an exit. */
  readonly exited: Promise<LabExit>;
  /** undefined while it runs. */
  exit(): LabExit | undefined;
  /** Sends `signal` while it runs. */
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal`, waits up to `graceMs`, then SIGKILL. Resolves when it has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<LabExit>;
}

export function startLabProcess(
  lab: NetnsLab,
  host: string,
  file: string,
  args: readonly string[],
  options: LabProcessOptions = {},
): LabProcess {
  const child = lab.spawn(host, file, args, {
    stdio: ['ignore', options.stdoutFd ?? 'pipe', 'pipe'],
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  const endStdout = readLines(child.stdout, options.onStdoutLine);
  const endStderr = readLines(child.stderr, options.onStderrLine);
  let exitInfo: LabExit | undefined;
  const exited = new Promise<LabExit>((resolve) => {
    child.once('error', (error) => {
      exitInfo ??= { code: null, signal: null, error };
      resolve(exitInfo);
    });
    // 'close', not 'exit': the last output chunks may still be in flight when the process has exited.
    child.once('close', (code, signal) => {
      endStdout();
      endStderr();
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  return {
    child,
    exited,
    exit: () => exitInfo,
    signal: (signal) => {
      if (exitInfo === undefined) child.kill(signal);
    },
    stop: async (signal = 'SIGTERM', graceMs = 5000) => {
      if (exitInfo !== undefined) return exitInfo;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const info = await exited;
      clearTimeout(timer);
      return info;
    },
  };
}

/** Feeds complete lines of `stream` to `onLine`; returns the function that flushes a last unterminated line. */
function readLines(stream: NodeJS.ReadableStream | null, onLine: ((line: string) => void) | undefined): () => void {
  if (stream === null) return () => undefined;
  const splitter = createLineSplitter((line) => onLine?.(line));
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => splitter.push(chunk));
  return () => splitter.end();
}
