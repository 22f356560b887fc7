import { describe, expect, it } from 'vitest';
import { createDescriber, type DescribeResult } from '../src/describer.ts';
import type { DescriptionFetcher, DescriptionRequest, FetchOutcome } from '../src/description-fetcher.ts';

/** A fetcher whose answers the test releases by hand. */
function heldFetcher() {
  const held: { request: DescriptionRequest; signal: AbortSignal | undefined; resolve: (o: FetchOutcome) => void }[] =
    [];
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
      describer.enqueue({
        location: `http://10.0.0.2/${i}`,
        source: '10.0.0.2',
        uuid: undefined,
        done: (r) => results.push(r),
      }),
    );
    expect(accepted).toEqual([true, true, true, true, true, false, false]);
    expect(describer.running).toBe(3);
    expect(describer.queued).toBe(2);
    expect(held.map((h) => h.request.location)).toEqual([
      'http://10.0.0.2/0',
      'http://10.0.0.2/1',
      'http://10.0.0.2/2',
    ]);
    held[0]!.resolve({ ok: false, reason: 'timeout', detail: 'late' });
    await flush();
    expect(results).toEqual([{ ok: false, reason: 'timeout', detail: 'late' }]);
    expect(held.map((h) => h.request.location)).toContain('http://10.0.0.2/3'); // the queue moved up
    expect(describer.running).toBe(3);
    expect(describer.queued).toBe(1);
  });

  it('runs at most `perSender` fetches of one sender address, so another sender starts at once', async () => {
    const { fetcher, held } = heldFetcher();
    const describer = createDescriber({ concurrency: 8, maxQueue: 1024, perSender: 2 }, { fetcher });
    const job = (source: string, i: number) => ({
      location: `http://${source}/${i}`,
      source,
      uuid: undefined,
      done: () => undefined,
    });
    // A flood from one address (a slowloris behind fresh UDNs): two run, the rest wait.
    for (let i = 0; i < 50; i += 1) expect(describer.enqueue(job('10.0.0.66', i))).toBe(true);
    expect(describer.running).toBe(2);
    expect(describer.queued).toBe(48);
    // An honest device elsewhere is fetched at once, not after the flood's queue.
    expect(describer.enqueue(job('10.0.0.2', 0))).toBe(true);
    expect(held.map((h) => h.request.location)).toEqual([
      'http://10.0.0.66/0',
      'http://10.0.0.66/1',
      'http://10.0.0.2/0',
    ]);
    // Senders take turns: when the flooder's fetch ends, its next one starts (it is the only one waiting).
    held[0]!.resolve({ ok: false, reason: 'timeout', detail: 'slow' });
    await flush();
    expect(held.map((h) => h.request.location).slice(3)).toEqual(['http://10.0.0.66/2']);
    expect(describer.running).toBe(3);
  });

  it('takes senders in turn when every slot is busy', async () => {
    const { fetcher, held } = heldFetcher();
    const describer = createDescriber({ concurrency: 2, maxQueue: 100, perSender: 2 }, { fetcher });
    const job = (source: string, i: number) => ({
      location: `http://${source}/${i}`,
      source,
      uuid: undefined,
      done: () => undefined,
    });
    for (let i = 0; i < 10; i += 1) describer.enqueue(job('10.0.0.66', i));
    describer.enqueue(job('10.0.0.2', 0));
    expect(held).toHaveLength(2);
    held[0]!.resolve({ ok: false, reason: 'timeout', detail: 'slow' });
    await flush();
    // Not the flooder's third job (queued first): the other sender's.
    expect(held[2]!.request.location).toBe('http://10.0.0.2/0');
  });

  it('when the queue is full, sheds the newest job of the sender holding the most of it (sender-limit) for another sender', async () => {
    const { fetcher, held } = heldFetcher();
    const describer = createDescriber({ concurrency: 2, maxQueue: 4, perSender: 1 }, { fetcher });
    const results: [string, DescribeResult][] = [];
    const job = (source: string, i: number) => ({
      location: `http://${source}/${i}`,
      source,
      uuid: undefined,
      done: (r: DescribeResult) => results.push([`${source}/${i}`, r]),
    });
    // The flooder: 1 running (its limit), 4 waiting (the whole queue); a second sender gets the other slot.
    for (let i = 0; i < 5; i += 1) expect(describer.enqueue(job('10.0.0.66', i))).toBe(true);
    expect(describer.enqueue(job('10.0.0.2', 0))).toBe(true);
    expect([describer.running, describer.queued]).toEqual([2, 4]);
    // The flooder itself gets no more room.
    expect(describer.enqueue(job('10.0.0.66', 5))).toBe(false);
    // Another sender's job takes the flooder's newest place, and that job is reported at once.
    expect(describer.enqueue(job('10.0.0.3', 0))).toBe(true);
    expect(describer.queued).toBe(4);
    expect(results).toHaveLength(1);
    expect(results[0]![0]).toBe('10.0.0.66/4');
    expect(results[0]![1]).toMatchObject({ ok: false, reason: 'sender-limit' });
    // Sharing stops at an even split: the second sender (1 waiting) cannot push out more than that.
    expect(describer.enqueue(job('10.0.0.3', 1))).toBe(true);
    expect(describer.enqueue(job('10.0.0.3', 2))).toBe(false);
    expect(results.map(([name]) => name)).toEqual(['10.0.0.66/4', '10.0.0.66/3']);
    // 10.0.0.2 finishes: 10.0.0.3 (waiting, under its limit) goes before the flooder's third job.
    held[1]!.resolve({ ok: false, reason: 'network', detail: 'x' });
    await flush();
    expect(held[2]!.request.location).toBe('http://10.0.0.3/0');
  });

  it('sheds from the longest sender even when many senders hold one job each', () => {
    const { fetcher } = heldFetcher();
    const describer = createDescriber({ concurrency: 1, maxQueue: 40, perSender: 1 }, { fetcher });
    const shed: string[] = [];
    const job = (source: string, i: number) => ({
      location: `http://${source}/${i}`,
      source,
      uuid: undefined,
      done: () => shed.push(`${source}/${i}`),
    });
    describer.enqueue(job('10.0.0.1', 0)); // runs
    for (let i = 0; i < 20; i += 1) describer.enqueue(job('10.0.0.66', i));
    for (let a = 100; a < 120; a += 1) describer.enqueue(job(`10.0.1.${a}`, 0));
    expect(describer.queued).toBe(40);
    for (let a = 200; a < 205; a += 1) expect(describer.enqueue(job(`10.0.1.${a}`, 0))).toBe(true);
    expect(shed).toEqual(['10.0.0.66/19', '10.0.0.66/18', '10.0.0.66/17', '10.0.0.66/16', '10.0.0.66/15']);
  });

  it('resolves idle() when everything finished, and stop() aborts running fetches', async () => {
    const { fetcher, held } = heldFetcher();
    const describer = createDescriber({}, { fetcher });
    await expect(describer.idle()).resolves.toBeUndefined();
    const done: DescribeResult[] = [];
    describer.enqueue({
      location: 'http://10.0.0.2/a',
      source: '10.0.0.2',
      uuid: undefined,
      done: (r) => done.push(r),
    });
    describer.enqueue({
      location: 'http://10.0.0.2/b',
      source: '10.0.0.2',
      uuid: undefined,
      done: (r) => done.push(r),
    });
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
    expect(
      describer.enqueue({ location: 'http://10.0.0.2/c', source: '10.0.0.2', uuid: undefined, done: () => undefined }),
    ).toBe(false);
  });

  it('warm() runs the parser on its own document: no fetch, nothing queued', () => {
    const { fetcher, held } = heldFetcher();
    const describer = createDescriber({}, { fetcher });
    describer.warm();
    expect([held.length, describer.running, describer.queued]).toEqual([0, 0, 0]);
  });

  it('turns a thrown fetcher error into a network failure', async () => {
    const describer = createDescriber({}, { fetcher: { fetch: () => Promise.reject(new Error('boom')) } });
    const done: DescribeResult[] = [];
    describer.enqueue({
      location: 'http://10.0.0.2/a',
      source: '10.0.0.2',
      uuid: undefined,
      done: (r) => done.push(r),
    });
    await describer.idle();
    expect(done).toEqual([{ ok: false, reason: 'network', detail: 'Error: boom' }]);
  });
});
