// Runs one command inside a lab host and collects everything, whatever the exit code: peers such as upnpc exit
// non-zero on a normal "no IGD" run, and a test needs their stdout anyway.
import { startLabProcess, type NetnsLab } from '@ssdp/netns';
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

export async function runInHost(
  lab: NetnsLab,
  host: string,
  file: string,
  args: readonly string[],
  options: RunInHostOptions = {},
): Promise<HostRun> {
  const started = Date.now();
  const command = [file, ...args].join(' ');
  let stdout = '';
  let stderr = '';
  const running = startLabProcess(lab, host, file, args, {
    env: markedEnv(options.env),
    onStdoutLine: (line) => (stdout += `${line}\n`),
    onStderrLine: (line) => (stderr += `${line}\n`),
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    running.signal('SIGKILL');
  }, options.timeoutMs ?? 30_000);
  const { code, signal, error } = await running.exited;
  clearTimeout(timer);
  if (error !== undefined) throw new Error(`${command}: ${error.message}`);
  return { command, code, signal, timedOut, stdout, stderr, durationMs: Date.now() - started };
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
