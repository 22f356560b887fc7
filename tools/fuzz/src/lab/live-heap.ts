// The harness side of heap-probe.mjs: asks an app for its live heap (after a full GC) and waits for the answer.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Node options that load the probe into an app. */
export const HEAP_PROBE_NODE_OPTIONS = `--expose-gc --import ${path.join(path.dirname(fileURLToPath(import.meta.url)), 'heap-probe.mjs')}`;

export interface LiveHeap {
  /** V8 heap in use plus memory held outside it (ArrayBuffers and other external memory), KiB. */
  readonly liveKiB: number;
  readonly heapUsedKiB: number;
  readonly externalKiB: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The app's live heap after a full GC, or undefined when it does not answer within `timeoutMs`. */
export async function readLiveHeap(pid: number, timeoutMs = 5000): Promise<LiveHeap | undefined> {
  const file = path.join(tmpdir(), `ssdp-heap-probe-${pid}.json`);
  rmSync(file, { force: true });
  rmSync(`${file}.tmp`, { force: true });
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    return undefined;
  }
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    await sleep(50);
    if (!existsSync(file)) continue;
    try {
      const { heapUsed, external } = JSON.parse(readFileSync(file, 'utf8')) as { heapUsed: number; external: number };
      rmSync(file, { force: true });
      rmSync(`${file}.tmp`, { force: true });
      return {
        liveKiB: Math.round((heapUsed + external) / 1024),
        heapUsedKiB: Math.round(heapUsed / 1024),
        externalKiB: Math.round(external / 1024),
      };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
