// The real captures of packages/protocol/test/vectors (gssdp, minidlna, miniupnp, node-ssdp, @achingbrain/ssdp,
// the Python prototype, and the invalid ones): the seeds the mutation generator starts from.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_VECTORS_DIR = fileURLToPath(new URL('../../../packages/protocol/test/vectors/', import.meta.url));

export interface Vector {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Every `*.bin` in `dir` and its `invalid/` folder, sorted by name (so a seed means the same thing everywhere). */
export function loadVectors(dir = DEFAULT_VECTORS_DIR): Vector[] {
  const out: Vector[] = [];
  for (const sub of ['', 'invalid']) {
    const folder = path.join(dir, sub);
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith('.bin')).sort()) {
      out.push({ name: path.join(sub, name), bytes: new Uint8Array(readFileSync(path.join(folder, name))) });
    }
  }
  if (out.length === 0) throw new Error(`no *.bin vectors in ${dir}`);
  return out;
}
