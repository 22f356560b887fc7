import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryNetwork } from '../src/memory-network.ts';
import type { MemoryNetworkInit } from '../src/memory-network-types.ts';
import { createMemoryTransport } from '../src/memory-transport.ts';
import type { Datagram, InterfacesChange, SsdpTransport, TransportOptions } from '../src/transport.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const text = (d: Datagram) => decoder.decode(d.bytes);

function lan(init: MemoryNetworkInit = {}) {
  const network = new MemoryNetwork(init);
  const a = network.addHost('a', [{ name: 'eth0', link: 'lan1', ipv4: '10.0.1.1/24' }]);
  const b = network.addHost('b', [{ name: 'eth0', link: 'lan1', ipv4: '10.0.1.2/24' }]);
  const c = network.addHost('c', [{ name: 'eth0', link: 'lan2', ipv4: '10.0.2.3/24' }]);
  return { network, a, b, c };
}

async function started(network: MemoryNetwork, host: string, init: TransportOptions = {}) {
  const transport = createMemoryTransport(
    { interfaces: ['eth0'], families: ['IPv4'], port: 1900, ...init },
    { network, host },
  );
  await transport.start();
  const received: Datagram[] = [];
  transport.onDatagram((d) => received.push(d));
  return { transport, received, id: transport.interfaces[0]!.id };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('MemoryNetwork', () => {
  it('keeps multicast on its link, loops it back to the sender host, and routes unicast across links', async () => {
    vi.useFakeTimers();
    const { network } = lan();
    const a = await started(network, 'a');
    const b = await started(network, 'b');
    const c = await started(network, 'c');

    await a.transport.send(encoder.encode('hello lan1'), { kind: 'multicast', interfaceId: a.id });
    await a.transport.send(encoder.encode('to c'), {
      kind: 'unicast',
      interfaceId: a.id,
      address: '10.0.2.3',
      port: 1900,
    });
    await vi.advanceTimersByTimeAsync(1);

    expect(b.received.map(text)).toEqual(['hello lan1']);
    expect(a.received.map(text)).toEqual(['hello lan1']);
    expect(c.received.map(text)).toEqual(['to c']);
    expect(c.received[0]).toMatchObject({ via: 'unicast', remote: { address: '10.0.1.1', port: 1900 } });
    expect(network.log.map((r) => [r.via, r.to.address, r.recipients])).toEqual([
      ['multicast', '239.255.255.250', ['a', 'b']],
      ['unicast', '10.0.2.3', ['c']],
    ]);
    expect(network.stats).toMatchObject({ sent: 2, delivered: 3 });
  });

  it('does not loop multicast back when multicastLoopback is off', async () => {
    vi.useFakeTimers();
    const { network } = lan();
    const a = await started(network, 'a', { multicastLoopback: false });
    const b = await started(network, 'b');
    await a.transport.send(encoder.encode('x'), { kind: 'multicast', interfaceId: a.id });
    await vi.advanceTimersByTimeAsync(1);
    expect(a.received).toHaveLength(0);
    expect(b.received).toHaveLength(1);
  });

  it('isolates the loopback of each host', async () => {
    vi.useFakeTimers();
    const { network } = lan();
    const onA = await started(network, 'a', { interfaces: undefined });
    const alsoOnA = await started(network, 'a', { interfaces: undefined, unicastPort: 0 });
    const onB = await started(network, 'b', { interfaces: undefined });
    expect(onA.transport.interfaces.map((i) => i.id)).toEqual(['lo/IPv4']);
    await alsoOnA.transport.send(encoder.encode('local'), { kind: 'multicast', interfaceId: 'lo/IPv4' });
    await vi.advanceTimersByTimeAsync(1);
    expect(onA.received.map(text)).toEqual(['local']);
    expect(onB.received).toHaveLength(0);
  });

  it('delays by latency on the injected clock (vitest fake timers)', async () => {
    vi.useFakeTimers();
    const { network } = lan({ latencyMs: 100 });
    const a = await started(network, 'a', { unicastPort: 0 });
    const b = await started(network, 'b');
    await a.transport.send(encoder.encode('slow'), { kind: 'multicast', interfaceId: a.id });
    await vi.advanceTimersByTimeAsync(99);
    expect(b.received).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(b.received).toHaveLength(1);
  });

  it('drops, duplicates and reorders deterministically for a seed', async () => {
    const run = async (seed: number) => {
      vi.useFakeTimers();
      const { network } = lan({ seed, loss: 0.3, duplicate: 0.2, jitterMs: 40 });
      const a = await started(network, 'a', { unicastPort: 0, joinGroup: false });
      const b = await started(network, 'b');
      for (let n = 0; n < 50; n += 1)
        await a.transport.send(encoder.encode(String(n)), { kind: 'multicast', interfaceId: a.id });
      await vi.advanceTimersByTimeAsync(100);
      vi.useRealTimers();
      return { order: b.received.map(text), stats: structuredClone(network.stats) };
    };
    const first = await run(42);
    const again = await run(42);
    const other = await run(43);
    expect(again).toEqual(first);
    expect(other.order).not.toEqual(first.order);
    expect(first.stats.dropped.loss).toBeGreaterThan(0);
    expect(first.stats.duplicated).toBeGreaterThan(0);
    expect(first.order).not.toEqual([...first.order].sort((x, y) => Number(x) - Number(y)));
    expect(first.stats.delivered).toBe(first.order.length);
    expect(first.order.length).toBe(50 - first.stats.dropped.loss + first.stats.duplicated);
  });

  it('counts drops by reason: nobody listening, no route, receiver closed', async () => {
    vi.useFakeTimers();
    const { network } = lan({ latencyMs: 10 });
    const a = await started(network, 'a', { unicastPort: 0, joinGroup: false });
    await a.transport.send(encoder.encode('1'), { kind: 'multicast', interfaceId: a.id });
    await a.transport.send(encoder.encode('2'), {
      kind: 'unicast',
      interfaceId: a.id,
      address: '10.9.9.9',
      port: 1900,
    });
    await a.transport.send(encoder.encode('3'), {
      kind: 'unicast',
      interfaceId: a.id,
      address: '10.0.1.2',
      port: 1900,
    });
    const b = await started(network, 'b');
    await a.transport.send(encoder.encode('4'), {
      kind: 'unicast',
      interfaceId: a.id,
      address: '10.0.1.2',
      port: 1900,
    });
    await b.transport.stop();
    await vi.advanceTimersByTimeAsync(20);
    expect(network.stats.dropped).toMatchObject({ 'no-listener': 2, 'no-route': 1, closed: 1 });
    expect(network.stats.delivered).toBe(0);
    expect(network.sentContaining('4')).toHaveLength(1);
  });

  it('gives a shared unicast port to the newest socket only, like SO_REUSEADDR on Linux', async () => {
    vi.useFakeTimers();
    const { network } = lan();
    const older = await started(network, 'b');
    const newer = await started(network, 'b');
    const a = await started(network, 'a', { unicastPort: 0 });
    await a.transport.send(encoder.encode('u'), {
      kind: 'unicast',
      interfaceId: a.id,
      address: '10.0.1.2',
      port: 1900,
    });
    await vi.advanceTimersByTimeAsync(1);
    expect(newer.received).toHaveLength(1);
    expect(older.received).toHaveLength(0);
  });

  it('tells the arrival interface on a multi-homed host', async () => {
    vi.useFakeTimers();
    const network = new MemoryNetwork();
    network.addHost('router', [
      { name: 'eth0', link: 'lan1', ipv4: '10.0.1.254/24' },
      { name: 'eth1', link: 'lan2', ipv4: '10.0.2.254/24' },
    ]);
    network.addHost('x', [{ name: 'eth0', link: 'lan2', ipv4: '10.0.2.9/24' }]);
    const router = await started(network, 'router', { interfaces: ['all'] });
    const x = await started(network, 'x', { unicastPort: 0 });
    expect(router.transport.interfaces.map((i) => i.id)).toEqual(['eth0/IPv4', 'eth1/IPv4']);
    await x.transport.send(encoder.encode('search'), { kind: 'multicast', interfaceId: x.id });
    await vi.advanceTimersByTimeAsync(1);
    expect(router.received.map((d) => [d.interfaceId, d.via])).toEqual([['eth1/IPv4', 'multicast']]);
  });

  it('reports interface changes: address change, down, up; and keeps working on the new address', async () => {
    vi.useFakeTimers();
    const { network, b } = lan();
    const device = await started(network, 'b');
    const changes: InterfacesChange[] = [];
    device.transport.onInterfacesChanged((change) => changes.push(change));
    const a = await started(network, 'a', { unicastPort: 0 });

    b.setAddress('eth0', '10.0.1.20/24');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.changed.map((c) => [c.previous.address, c.current.address, c.current.id])).toEqual([
      ['10.0.1.2', '10.0.1.20', 'eth0/IPv4'],
    ]);
    await a.transport.send(encoder.encode('new'), {
      kind: 'unicast',
      interfaceId: a.id,
      address: '10.0.1.20',
      port: 1900,
    });
    await vi.advanceTimersByTimeAsync(1);
    expect(device.received.map(text)).toEqual(['new']);

    b.setInterfaceUp('eth0', false);
    expect(changes[1]!.removed.map((i) => i.id)).toEqual(['eth0/IPv4']);
    expect(device.transport.interfaces).toEqual([]);
    b.setInterfaceUp('eth0', true);
    expect(changes[2]!.added.map((i) => i.address)).toEqual(['10.0.1.20']);
    await a.transport.send(encoder.encode('back'), { kind: 'multicast', interfaceId: a.id });
    await vi.advanceTimersByTimeAsync(1);
    expect(device.received.map(text)).toEqual(['new', 'back']);
  });

  it('refuses our bind when a foreign exclusive socket holds the port, and theirs when we hold it', async () => {
    const { network, b } = lan();
    const holder = b.occupyPort('0.0.0.0', 1900);
    const transport: SsdpTransport = createMemoryTransport({ interfaces: ['eth0'], port: 1900 }, { network, host: b });
    await expect(transport.start()).rejects.toMatchObject({ code: 'SSDP_ERR_PORT_IN_USE' });
    holder.close();
    await transport.start();
    expect(() => b.occupyPort('10.0.1.2', 1900)).toThrow(expect.objectContaining({ code: 'SSDP_ERR_PORT_IN_USE' }));
    await transport.stop();
  });
});
