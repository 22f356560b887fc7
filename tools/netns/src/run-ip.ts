// Runs iproute2 and friends. Everything goes through execFile (no shell), so names never get interpreted.
import { execFile, execFileSync } from 'node:child_process';

export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly command: readonly string[],
    readonly code: number | string | null,
    readonly stderr: string,
  ) {
    super(`${command.join(' ')} failed (${String(code)}): ${stderr.trim().split('\n')[0] ?? ''}`);
  }
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

export function run(file: string, args: readonly string[], timeoutMs = 15_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error)
        reject(new CommandError([file, ...args], (error as NodeJS.ErrnoException).code ?? null, String(stderr)));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** For exit handlers, where nothing asynchronous runs any more. Never throws. */
export function runSyncQuietly(file: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(file, args, { stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).toString();
  } catch {
    return undefined;
  }
}
