// A long-running process inside a lab host (our apps, peers, tcpdump): its output line by line, its NDJSON
// events with the time each arrived, waits that fail early and loudly when the process dies, and a stop that
// always ends it (signal, then SIGKILL).
import type { ChildProcess } from 'node:child_process';
import { startLabProcess, type LabExit, type NetnsLab } from '@ssdp/netns';
import { markedEnv } from './child-marker.ts';
import { parseEventLine, type JsonEvent } from './ndjson.ts';

export type ExitInfo = LabExit;

export interface WaitOptions {
  readonly timeoutMs?: number;
  /** Only events/lines from this index on (see `mark()`); default 0, so earlier ones count. */
  readonly since?: number;
}

export interface HostProcess {
  readonly label: string;
  readonly child: ChildProcess;
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  readonly events: readonly JsonEvent[];
  readonly exited: Promise<ExitInfo>;
  /** undefined while it runs. */
  exit(): ExitInfo | undefined;
  /** Date.now() when this event's line arrived here. */
  receivedAt(event: object): number;
  /** The number of events so far, for `since`. */
  mark(): number;
  waitForEvent(predicate: (event: JsonEvent) => boolean, what: string, options?: WaitOptions): Promise<JsonEvent>;
  waitForEvents(
    predicate: (event: JsonEvent) => boolean,
    count: number,
    what: string,
    options?: WaitOptions,
  ): Promise<JsonEvent[]>;
  /** A line of output matching `pattern`, on either stream unless one is named (`since` counts that stream's lines). */
  waitForOutput(
    pattern: RegExp,
    what: string,
    options?: WaitOptions & { stream?: 'stdout' | 'stderr' },
  ): Promise<string>;
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal`, waits up to `graceMs`, then SIGKILL. Resolves when it has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ExitInfo>;
  /** The last lines of both streams, for assertion messages. */
  transcript(lines?: number): string;
}

export interface StartInHostOptions {
  readonly label?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export function startInHost(
  lab: NetnsLab,
  host: string,
  file: string,
  args: readonly string[],
  options: StartInHostOptions = {},
): HostProcess {
  const label = options.label ?? `${host}: ${file.split('/').pop()} ${args.join(' ')}`;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const events: JsonEvent[] = [];
  const arrival = new WeakMap<object, number>();
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  const labProcess = startLabProcess(lab, host, file, args, {
    env: markedEnv(options.env),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    onStdoutLine: (line) => {
      stdout.push(line);
      const event = parseEventLine(line);
      if (event !== undefined) {
        arrival.set(event, Date.now());
        events.push(event);
      }
      notify();
    },
    onStderrLine: (line) => {
      stderr.push(line);
      notify();
    },
  });
  const { child, exited } = labProcess;
  void exited.then(({ error }) => {
    if (error !== undefined) stderr.push(`spawn error: ${error.message}`);
    notify();
  });
  const exitOf = labProcess.exit;

  const transcript = (count = 25): string => {
    const tail = (lines: readonly string[]) =>
      lines
        .slice(-count)
        .map((l) => `    ${l.length > 400 ? `${l.slice(0, 400)}…` : l}`)
        .join('\n');
    const exitInfo = exitOf();
    const state =
      exitInfo === undefined ? 'running' : `exited (code ${String(exitInfo.code)}, signal ${String(exitInfo.signal)})`;
    return `[${label}] ${state}\n  stdout (last ${count}):\n${tail(stdout)}\n  stderr (last ${count}):\n${tail(stderr)}`;
  };

  /** Polls `check` on every new line until it returns a value, the process exits, or the time is up. */
  const waitUntil = <T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const done = (action: () => void) => {
        clearTimeout(timer);
        listeners.delete(listener);
        action();
      };
      const listener = () => {
        const value = check();
        if (value !== undefined) return done(() => resolve(value));
        if (exitOf() !== undefined) done(() => reject(new Error(`${what}: the process exited first\n${transcript()}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${what}: not within ${timeoutMs} ms\n${transcript()}`))),
        timeoutMs,
      );
      listeners.add(listener);
      listener();
    });

  const handle: HostProcess = {
    label,
    child,
    stdout,
    stderr,
    events,
    exited,
    exit: exitOf,
    receivedAt: (event) => arrival.get(event) ?? Number.NaN,
    mark: () => events.length,
    waitForEvent: (predicate, what, options = {}) =>
      waitUntil(() => events.slice(options.since ?? 0).find(predicate), what, options.timeoutMs ?? 15_000),
    waitForEvents: (predicate, count, what, options = {}) =>
      waitUntil(
        () => {
          const matching = events.slice(options.since ?? 0).filter(predicate);
          return matching.length >= count ? matching : undefined;
        },
        `${what} (${count} expected)`,
        options.timeoutMs ?? 15_000,
      ),
    waitForOutput: (pattern, what, options = {}) => {
      const lines = () =>
        options.stream === undefined
          ? [...stdout, ...stderr]
          : (options.stream === 'stderr' ? stderr : stdout).slice(options.since ?? 0);
      return waitUntil(() => lines().find((line) => pattern.test(line)), what, options.timeoutMs ?? 15_000);
    },
    signal: labProcess.signal,
    stop: labProcess.stop,
    transcript,
  };
  return handle;
}
