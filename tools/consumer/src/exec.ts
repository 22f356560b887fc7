// Child processes of the check: each in its own process group with a deadline and its output captured. Every one
// still alive is killed when the check ends, normally, on a failure or on a signal.
import { spawn, type ChildProcess } from 'node:child_process';

/** A check that did not pass: the message says what was expected and what happened. */
export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
}

export interface RunOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Resolve on a non-zero exit too (the caller judges the result). */
  readonly allowFailure?: boolean;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGKILLs every child process group the check started and that is still running. */
export function killAll(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
}

/** The last lines of a child's output, for a failure message. */
export function tail(text: string, lines = 25): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/** A started child: its output so far, and its exit. */
export interface Background {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): { stdout: string; stderr: string };
  /** Resolves once stdout matches, rejects (CheckFailure) on exit or after timeoutMs. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
}

export function start(
  label: string,
  command: string,
  args: readonly string[],
  options: Omit<RunOptions, 'timeoutMs'>,
): Background {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  live.add(child);
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const watcher of watchers) watcher();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (error) => {
      stderr += `${label}: ${error.message}\n`;
      live.delete(child);
      resolve({ code: null, signal: null });
    });
    child.on('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const output = () => ({ stdout, stderr });
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        watchers.delete(check);
      };
      const check = () => {
        const match = pattern.exec(stdout);
        if (match === null) return;
        done();
        resolve(match[0]);
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new CheckFailure(`${label}: no output matching ${pattern} within ${timeoutMs} ms\n${tail(stdout + stderr)}`),
        );
      }, timeoutMs);
      watchers.add(check);
      void exited.then(({ code, signal }) => {
        if (!watchers.has(check)) return;
        done();
        reject(
          new CheckFailure(`${label}: exited (${signal ?? code}) before printing ${pattern}\n${tail(stdout + stderr)}`),
        );
      });
      check();
    });
  return { child, exited, output, waitFor };
}

/** Runs a command to its end within timeoutMs. Rejects with CheckFailure on a timeout or (unless allowed) a non-zero exit. */
export async function run(
  label: string,
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const background = start(label, command, args, options);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(background.child, 'SIGKILL');
  }, options.timeoutMs);
  const { code, signal } = await background.exited;
  clearTimeout(timer);
  const { stdout, stderr } = background.output();
  if (timedOut)
    throw new CheckFailure(
      `${label}: did not finish within ${options.timeoutMs} ms (killed)\n${tail(stdout + stderr)}`,
    );
  if (code !== 0 && options.allowFailure !== true) {
    throw new CheckFailure(`${label}: exited with ${signal ?? code}\n${tail(stdout + stderr)}`);
  }
  return { code, signal, stdout, stderr };
}
