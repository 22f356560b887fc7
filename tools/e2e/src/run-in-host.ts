// Runs one command inside a lab host and collects everything, whatever the exit code: peers such as upnpc exit
// non-zero on a normal "no IGD" run, and a test needs their stdout anyway.
import type { NetnsLab } from '@ssdp/netns';
import { markedEnv } from './child-marker.ts';

export interface HostRun {
  readonly command: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export interface RunInHostOptions {
  /** Killed with SIGKILL after this long (default 30 s); the result says `timedOut`. */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export function runInHost(
  lab: NetnsLab,
  host: string,
  file: string,
  args: readonly string[],
  options: RunInHostOptions = {},
): Promise<HostRun> {
  const started = Date.now();
  const command = [file, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = lab.spawn(host, file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: markedEnv(options.env) });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${command}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ command, code, signal, timedOut, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

/** One line for assertion messages: the command, how it ended, and the tail of its output. */
export function describeRun(run: HostRun): string {
  const ending = run.timedOut
    ? 'timed out'
    : run.signal !== null
      ? `killed by ${run.signal}`
      : `exit ${String(run.code)}`;
  const tail = (text: string) => text.trim().split('\n').slice(-15).join('\n    ');
  return `${run.command} (${ending} after ${run.durationMs} ms)\n  stdout:\n    ${tail(run.stdout)}\n  stderr:\n    ${tail(run.stderr)}`;
}
