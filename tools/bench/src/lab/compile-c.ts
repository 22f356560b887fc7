// Builds one of the benchmark's C programs (src/<relative>.c, with the senders' shared lab/udp-lab.c) with the
// system's cc into tmp/bench/<name> (or `directory`).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function compileC(root: string, relative: string, name: string, directory = join(root, 'tmp', 'bench')): string {
  const output = join(directory, name);
  mkdirSync(directory, { recursive: true });
  const sources = join(root, 'tools/bench/src');
  const source = join(sources, relative);
  const shared = join(sources, 'lab');
  try {
    execFileSync('cc', ['-O2', '-Wall', '-I', shared, '-o', output, source, join(shared, 'udp-lab.c')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    throw new Error(`cannot compile ${source} with cc: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return output;
}
