import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { HEAP_PROBE_NODE_OPTIONS, readLiveHeap } from '../src/lab/live-heap.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A node process with the probe loaded, running `source`; resolves once it is up. */
async function start(source: string): Promise<number> {
  const child = spawn(process.execPath, ['-e', `${source}; setInterval(() => undefined, 1000); console.log('up')`], {
    env: { ...process.env, NODE_OPTIONS: HEAP_PROBE_NODE_OPTIONS },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  return child.pid!;
}

describe('the live-heap probe', () => {
  it('counts what a process still references after a GC, and not what it dropped', async () => {
    const kept = await readLiveHeap(await start('globalThis.kept = Buffer.alloc(24 << 20, 1)'));
    const dropped = await readLiveHeap(await start('Buffer.alloc(24 << 20, 1)'));
    expect(kept).toBeDefined();
    expect(dropped).toBeDefined();
    expect(kept!.externalKiB).toBeGreaterThanOrEqual(24 * 1024);
    expect(dropped!.externalKiB).toBeLessThan(8 * 1024);
    expect(kept!.liveKiB - dropped!.liveKiB).toBeGreaterThanOrEqual(23 * 1024);
  });

  it('says nothing (undefined) for a process that is gone', async () => {
    expect(await readLiveHeap(2 ** 22 + 12345, 200)).toBeUndefined();
  });
});
