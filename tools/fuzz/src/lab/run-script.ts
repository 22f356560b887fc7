// Runs one of this package's scripts inside a lab host (node --import tsx <script>) and returns the JSON it
// prints as its last stdout line. stderr is passed to `onStderr` line by line (progress).
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NetnsLab } from '@ssdp/netns';
import { WORKSPACE_ROOT } from './app-process.ts';

export const FUZZ_SRC = fileURLToPath(new URL('../', import.meta.url));

export async function runScript<T>(
  lab: NetnsLab,
  host: string,
  script: string,
  args: readonly string[],
  options: { timeoutMs?: number; onStderr?: (line: string) => void } = {},
): Promise<T> {
  const child = lab.spawn(host, process.execPath, ['--import', 'tsx', path.join(FUZZ_SRC, script), ...args], {
    cwd: WORKSPACE_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr += `${line}\n`;
    options.onStderr?.(line);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 600_000);
  // 'close', not 'exit': the last stdout chunk may still be in flight when the process has exited.
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || last === '') {
    throw new Error(
      `${script} in ${host} ${timedOut ? `killed after ${options.timeoutMs ?? 600_000} ms` : `exited ${String(code)}`}: ${stderr.trim().slice(-800)}`,
    );
  }
  return JSON.parse(last) as T;
}
