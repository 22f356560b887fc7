// Builds one of the benchmark's C programs (src/<relative>.c) with the system's cc into tmp/bench/<name>.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function compileC(root: string, relative: string, name: string): string {
  const output = join(root, 'tmp', 'bench', name);
  mkdirSync(join(root, 'tmp', 'bench'), { recursive: true });
  const source = join(root, 'tools/bench/src', relative);
  try {
    execFileSync('cc', ['-O2', '-Wall', '-o', output, source], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(`cannot compile ${source} with cc: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return output;
}
