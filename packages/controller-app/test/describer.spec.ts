import { describe, expect, it } from 'vitest';
import { createDescriber, type DescribeResult } from '../src/describer.ts';
import type { DescriptionFetcher, DescriptionRequest, FetchOutcome } from '../src/description-fetcher.ts';

/** A fetcher whose answers the test releases by hand. */
function heldFetcher() {
  const held: { request: DescriptionRequest; signal: AbortSignal | undefined; resolve: (o: FetchOutcome) => void }[] = [];
  const fetcher: DescriptionFetcher = {
    fetch: (request, signal) => new Promise((resolve) => held.push({ request, signal, resolve })),
  };
  return { fetcher, held };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('describer', () => {
  it('runs at most `concurrency` fetches, queues at most `maxQueue`, and refuses beyond', async () => {
    const { fetcher, held } = heldFetcher();
    const describer = createDescriber({ concurrency: 3, maxQueue: 2 }, { fetcher });
    const results: DescribeResult[] = [];
    const accepted = Array.from({ length: 7 }, (_, i) =>
      describer.enqueue({ location: `http://10.0.0.2/${i}`, source: '10.0.0.2', uuid: undefined, done: (r) => results.push(r) }),
    );
    expect(accepted).toEqual([true, true, true, true, true, false, false]);
    expect(describer.running).toBe(3);
    expect(describer.queued).toBe(2);
    expect(held.map((h) => h.request.location)).toEqual(['http://10.0.0.2/0', 'http://10.0.0.2/1', 'http://10.0.0.2/2']);
    held[0]!.resolve({ ok: false, reason: 'timeout', detail: 'late' });
    await flush();
    expect(results).toEqual([{ ok: false, reason: 'timeout', detail: 'late' }]);
    expect(held.map((h) => h.request.location)).toContain('http://10.0.0.2/3'); // the queue moved up
    expect(describer.running).toBe(3);
    expect(describer.queued).toBe(1);
  });

  it('resolves idle() when everything finished, and stop() aborts running fetches', async () => {
    const { fetcher, held } = heldFetcher();
    const describer = createDescriber({}, { fetcher });
    await expect(describer.idle()).resolves.toBeUndefined();
    const done: DescribeResult[] = [];
    describer.enqueue({ location: 'http://10.0.0.2/a', source: '10.0.0.2', uuid: undefined, done: (r) => done.push(r) });
    describer.enqueue({ location: 'http://10.0.0.2/b', source: '10.0.0.2', uuid: undefined, done: (r) => done.push(r) });
    let idle = false;
    void describer.idle().then(() => (idle = true));
    held[0]!.resolve({ ok: false, reason: 'network', detail: 'x' });
    await flush();
    expect(idle).toBe(false);
    describer.stop();
    expect(held[1]!.signal?.aborted).toBe(true);
    await flush();
    expect(idle).toBe(true);
    expect(done).toHaveLength(1); // a stopped describer completes nothing more
    expect(describer.enqueue({ location: 'http://10.0.0.2/c', source: '10.0.0.2', uuid: undefined, done: () => undefined })).toBe(false);
  });

  it('turns a thrown fetcher error into a network failure', async () => {
    const describer = createDescriber({}, { fetcher: { fetch: () => Promise.reject(new Error('boom')) } });
    const done: DescribeResult[] = [];
    describer.enqueue({ location: 'http://10.0.0.2/a', source: '10.0.0.2', uuid: undefined, done: (r) => done.push(r) });
    await describer.idle();
    expect(done).toEqual([{ ok: false, reason: 'network', detail: 'Error: boom' }]);
  });
});
