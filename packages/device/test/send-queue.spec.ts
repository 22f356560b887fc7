import { createScheduler, createSystemClock } from '@ssdp/runtime';
import { createMemoryTransport, MemoryNetwork } from '@ssdp/transport/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSendQueue } from '../src/send-queue.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function setup(init = { sliceSize: 4, intervalMs: 10, maxQueued: 10 }) {
  const network = new MemoryNetwork();
  network.addHost('a', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
  const transport = createMemoryTransport({ interfaces: ['eth0'] }, { network, host: 'a' });
  await transport.start();
  const scheduler = createScheduler({ clock: createSystemClock() });
  const queue = createSendQueue(init, { transport, scheduler });
  const target = { kind: 'multicast', interfaceId: transport.interfaces[0]!.id } as const;
  return { network, transport, queue, target };
}

describe('paced send queue', () => {
  it('hands datagrams to the transport in slices, in order, and drains', async () => {
    const { network, queue, target } = await setup();
    const sent: number[] = [];
    for (let i = 0; i < 10; i += 1)
      void queue.enqueue({ bytes: new Uint8Array([i]), target, kind: 'alive', onSent: () => sent.push(i) });
    expect(queue.enqueue({ bytes: new Uint8Array([99]), target, kind: 'alive' })).toBe(false); // bounded
    let drained = false;
    void queue.drain().then(() => (drained = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(network.log).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(10);
    expect(network.log).toHaveLength(8);
    expect(drained).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    expect(network.log.map((r) => r.bytes[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sent).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(drained).toBe(true);
  });

  it('removes queued messages by kind and reports failed sends', async () => {
    const { network, transport, queue, target } = await setup();
    const failures: unknown[] = [];
    for (let i = 0; i < 6; i += 1)
      void queue.enqueue({ bytes: new Uint8Array([i]), target, kind: i % 2 === 0 ? 'alive' : 'byebye' });
    expect(queue.remove((kind) => kind === 'alive')).toBe(3);
    void queue.enqueue({
      bytes: new Uint8Array([7]),
      target: { kind: 'multicast', interfaceId: 'nope' },
      kind: 'byebye',
      onFailed: (e) => failures.push(e),
    });
    const drained = queue.drain();
    await vi.advanceTimersByTimeAsync(50);
    await drained;
    expect(network.log.map((r) => r.bytes[0])).toEqual([1, 3, 5]);
    expect(failures).toHaveLength(1);
    await transport.stop();
  });
});
