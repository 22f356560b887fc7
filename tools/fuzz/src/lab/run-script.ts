// Runs one of this package's scripts inside a lab host (node --import tsx <script>) and returns the JSON it
// prints as its last stdout line. stderr is passed to `onStderr` line by line (progress).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLabProcess, type NetnsLab } from '@ssdp/netns';
import { WORKSPACE_ROOT } from './app-process.ts';

export const FUZZ_SRC = fileURLToPath(new URL('../', import.meta.url));

export async function runScript<T>(
  lab: NetnsLab,
  host: string,
  script: string,
  args: readonly string[],
  options: { timeoutMs?: number; onStderr?: (line: string) => void } = {},
): Promise<T> {
  let stdout = '';
  let stderr = '';
  const running = startLabProcess(
    lab,
    host,
    process.execPath,
    ['--import', 'tsx', path.join(FUZZ_SRC, script), ...args],
    {
      cwd: WORKSPACE_ROOT,
      onStdoutLine: (line) => (stdout += `${line}\n`),
      onStderrLine: (line) => {
        stderr += `${line}\n`;
        options.onStderr?.(line);
      },
    },
  );
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    running.signal('SIGKILL');
  }, options.timeoutMs ?? 600_000);
  const { code } = await running.exited;
  clearTimeout(timer);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || last === '') {
    throw new Error(
      `${script} in ${host} ${timedOut ? `killed after ${options.timeoutMs ?? 600_000} ms` : `exited ${String(code)}`}: ${stderr.trim().slice(-800)}`,
    );
  }
  return JSON.parse(last) as T;
}
