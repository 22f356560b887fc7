// Issue 13 for the device: a search storm larger than the receive buffer is never lost silently. The kernel's
// drops (here the memory network's receive queue) are in device.stats and the stopped event's stats, with a
// warning; the receive buffer asked for and granted is in the started event.
import { MemoryNetwork } from '@ssdp/transport/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveDeviceOptions } from '../src/device-options.ts';
import { advance, createLab } from './support/harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the device under a search storm larger than its receive buffer', () => {
  it('counts what the buffer dropped as kernelDrops (stats and stopped event) and warns once at stop', async () => {
    const network = new MemoryNetwork({ seed: 1, receiveQueue: 10 });
    const lab = createLab({ network, transport: { receiveBufferSize: 32_768 } });
    const cp = await lab.controlPoint('cp', { name: 'eth0', link: 'lan', ipv4: '10.0.0.3/24' });
    await lab.start();
    expect(lab.eventsOf('started')[0]?.receiveBuffer).toEqual({ requested: 32_768, granted: 32_768, clamped: false });
    // 30 searches in one tick at the unicast socket: 10 fit, 20 are dropped there.
    await Promise.all(
      [...Array(30).keys()].map(() =>
        cp.search({
          st: 'upnp:rootdevice',
          mx: 1,
          target: { kind: 'unicast', interfaceId: cp.interfaceId, address: '10.0.0.2', port: 1900 },
        }),
      ),
    );
    await advance(1500);
    expect(lab.device.stats.searches).toBe(10);
    expect(lab.device.stats.kernelDrops).toBe(20);
    const stopping = lab.device.stop();
    await advance(1000);
    await stopping;
    const stopped = lab.eventsOf('stopped')[0]!;
    expect(stopped.stats.kernelDrops).toBe(20);
    expect(
      lab
        .eventsOf('warning')
        .map((w) => w.message)
        .filter((m) => m.includes('kernel dropped')),
    ).toEqual([
      expect.stringMatching(/^the kernel dropped 20 datagrams for us \(receive buffer full, searches unanswered\)/),
    ]);
  });

  it('says nothing when nothing was dropped', async () => {
    const lab = createLab();
    await lab.start();
    const stopping = lab.device.stop();
    await advance(1000);
    await stopping;
    expect(lab.eventsOf('stopped')[0]!.stats.kernelDrops).toBe(0);
    expect(lab.eventsOf('warning')).toEqual([]);
  });

  it('takes recvBufferSize as the transport receive buffer, and refuses a bad one', () => {
    expect(resolveDeviceOptions({ recvBufferSize: 8_388_608 }).transport.receiveBufferSize).toBe(8_388_608);
    expect(resolveDeviceOptions({}).transport.receiveBufferSize).toBeUndefined();
    expect(() => resolveDeviceOptions({ recvBufferSize: 0 })).toThrow(/recvBufferSize/);
  });
});
