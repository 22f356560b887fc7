// The receive buffer each socket was granted and the datagrams the kernel dropped for it: UDP on loopback (a
// burst into a deliberately small buffer while this process is blocked) and the memory network's simulation.
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TransportError } from '../src/errors.ts';
import { MemoryNetwork } from '../src/memory-network.ts';
import { createMemoryTransport } from '../src/memory-transport.ts';
import { readRmemMax } from '../src/receive-buffer.ts';
import type { SsdpTransport, TransportOptions } from '../src/transport.ts';
import { createUdpTransport, type UdpTransportComponents } from '../src/udp-transport.ts';

const linux = process.platform === 'linux';
const stopLater: SsdpTransport[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.allSettled(stopLater.splice(0).map((t) => t.stop()));
});

async function freePort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** A UDP transport on loopback only (127.0.0.1, multicast interface 127.0.0.1). */
async function loopback(init: TransportOptions = {}, components: UdpTransportComponents = {}): Promise<SsdpTransport> {
  const transport = createUdpTransport(
    { interfaces: ['127.0.0.1'], families: ['IPv4'], port: await freePort(), interfacePollMs: 0, ...init },
    components,
  );
  stopLater.push(transport);
  await transport.start();
  return transport;
}

/** Sends `count` datagrams to 127.0.0.1:port from another process while this one is blocked (spawnSync). */
function blastWhileBlocked(port: number, count: number): void {
  const script = `
    const socket = require('node:dgram').createSocket('udp4');
    const payload = Buffer.alloc(200, 65);
    let done = 0;
    for (let i = 0; i < ${count}; i += 1) socket.send(payload, ${port}, '127.0.0.1', () => { if (++done === ${count}) socket.close(); });`;
  const result = spawnSync(process.execPath, ['-e', script], { stdio: 'inherit', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`sender failed: ${String(result.status ?? result.signal)}`);
}

async function quiet(count: () => number, ms = 150): Promise<void> {
  let last = -1;
  while (count() !== last) {
    last = count();
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

describe('UDP transport: receive buffer and kernel drops (loopback)', () => {
  it('rejects a receiveBufferSize that is not an integer from 1 to 512 MiB when created', () => {
    for (const receiveBufferSize of [0, -4096, 1.5, 2 ** 30]) {
      expect(() => createUdpTransport({ receiveBufferSize })).toThrow(TransportError);
      try {
        createUdpTransport({ receiveBufferSize });
      } catch (error) {
        expect((error as TransportError).code).toBe('SSDP_ERR_INVALID_OPTION');
      }
    }
  });

  it('reports what the kernel granted each receiving socket, only while started', async (context) => {
    if (!linux) context.skip();
    const transport = createUdpTransport({
      interfaces: ['127.0.0.1'],
      families: ['IPv4'],
      port: await freePort(),
      receiveBufferSize: 4096,
      interfacePollMs: 0,
    });
    stopLater.push(transport);
    expect(transport.receiveBuffer?.()).toBeUndefined();
    await transport.start();
    const report = transport.receiveBuffer?.();
    const port = transport.interfaces[0]!.unicastPort;
    expect(report).toMatchObject({ requested: 4096, granted: 8192, clamped: false });
    expect(report?.hint).toBeUndefined();
    expect(report?.sockets).toEqual([
      { socket: `unicast 127.0.0.1:${port}`, interfaceId: 'lo/IPv4', granted: 8192, clamped: false },
      { socket: `group 239.255.255.250:${port}`, granted: 8192, clamped: false },
    ]);
    await transport.stop();
    expect(transport.receiveBuffer?.()).toBeUndefined();
  });

  it('says when net.core.rmem_max capped the request, with the sysctl that raises it', async (context) => {
    const rmemMax = readRmemMax();
    if (!linux || rmemMax === undefined || rmemMax >= 256 * 1024 * 1024) context.skip();
    const requested = rmemMax! * 2;
    const transport = await loopback({ receiveBufferSize: requested, joinGroup: false });
    expect(transport.receiveBuffer?.()).toMatchObject({ requested, granted: rmemMax! * 2, clamped: true, rmemMax });
    expect(transport.receiveBuffer?.()?.hint).toContain(`sysctl -w net.core.rmem_max=${requested}`);
  });

  it('counts every datagram of a burst lost to a full buffer: sent - received === kernelDrops()', async (context) => {
    if (!linux) context.skip();
    const transport = await loopback({ receiveBufferSize: 4096, unicastPort: 0, joinGroup: false });
    let received = 0;
    transport.onDatagram(() => {
      received += 1;
    });
    expect(transport.kernelDrops?.()).toBe(0);
    const sent = 300;
    blastWhileBlocked(transport.interfaces[0]!.unicastPort, sent);
    await quiet(() => received);
    const drops = transport.kernelDrops?.();
    expect(drops).toBeGreaterThan(0);
    expect(sent - received).toBe(drops);
    expect(transport.kernelDropsBySocket?.()).toEqual([
      {
        socket: `unicast 127.0.0.1:${transport.interfaces[0]!.unicastPort}`,
        interfaceId: 'lo/IPv4',
        inode: expect.any(Number),
        drops,
      },
    ]);
    await transport.stop();
    expect(transport.kernelDrops?.()).toBe(drops); // kept after stop (read before each socket closed)
    expect(transport.kernelDropsBySocket?.()).toEqual([]);
  });

  it('sums over sockets, closed ones included, and is undefined where a socket cannot be read', async () => {
    const drops = new Map<number, number>();
    let nextInode = 100;
    let readable = true;
    const components: UdpTransportComponents = {
      receiveSockets: {
        inodeOf: () => nextInode++,
        readTables: () =>
          readable
            ? new Map([...drops].map(([inode, n]) => [inode, { inode, local: '', rxQueue: 0, drops: n }]))
            : undefined,
      },
    };
    const transport = await loopback({}, components);
    const [unicast, group] = transport.kernelDropsBySocket!().map((s) => s.inode!);
    expect(transport.kernelDrops?.()).toBeUndefined(); // no rows yet for our inodes
    drops.set(unicast!, 3).set(group!, 4);
    expect(transport.kernelDrops?.()).toBe(7);
    readable = false;
    expect(transport.kernelDrops?.()).toBeUndefined();
    expect(transport.kernelDropsBySocket?.().map((s) => s.drops)).toEqual([undefined, undefined]);
    readable = true;
    await transport.stop();
    drops.clear();
    expect(transport.kernelDrops?.()).toBe(7);

    const blind = await loopback({}, { receiveSockets: { inodeOf: () => undefined } });
    expect(blind.kernelDrops?.()).toBeUndefined();
    expect(blind.kernelDropsBySocket?.().map((s) => [s.inode, s.drops])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
  });
});

describe('memory transport: receive buffer and simulated drops', () => {
  function lan(receiveQueue?: number) {
    const network = new MemoryNetwork(receiveQueue === undefined ? {} : { receiveQueue });
    network.addHost('a', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
    network.addHost('b', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
    const create = (host: string, init: TransportOptions = {}) =>
      createMemoryTransport({ interfaces: ['eth0'], families: ['IPv4'], port: 1900, ...init }, { network, host });
    return { network, create };
  }

  it('grants the receive buffer as requested and rejects an invalid size', async () => {
    const { create } = lan();
    expect(() => create('a', { receiveBufferSize: 0 })).toThrow(/receiveBufferSize/);
    const transport = create('a', { receiveBufferSize: 8192 });
    expect(transport.receiveBuffer?.()).toBeUndefined();
    await transport.start();
    expect(transport.receiveBuffer?.()).toMatchObject({
      requested: 8192,
      granted: 8192,
      clamped: false,
      sockets: [
        { socket: 'unicast 10.0.0.1:1900', interfaceId: 'eth0/IPv4', granted: 8192, clamped: false },
        { socket: 'group 239.255.255.250:1900', interfaceId: 'eth0/IPv4', granted: 8192, clamped: false },
      ],
    });
    expect(transport.kernelDrops?.()).toBe(0);
    await transport.stop();
  });

  it('drops a burst beyond LinkConditions.receiveQueue and counts it on the receiving socket', async () => {
    vi.useFakeTimers();
    const { network, create } = lan(3);
    const receiver = create('a');
    const sender = create('b', { unicastPort: 0, joinGroup: false });
    await receiver.start();
    await sender.start();
    let received = 0;
    receiver.onDatagram(() => {
      received += 1;
    });
    for (let i = 0; i < 10; i += 1) {
      await sender.send(new TextEncoder().encode(`answer ${i}`), {
        kind: 'unicast',
        interfaceId: 'eth0/IPv4',
        address: '10.0.0.1',
        port: 1900,
      });
    }
    await vi.advanceTimersByTimeAsync(1);
    expect(received).toBe(3);
    expect(receiver.kernelDrops?.()).toBe(7);
    expect(network.stats.dropped['receive-buffer']).toBe(7);
    expect(receiver.kernelDropsBySocket?.().map((s) => [s.socket, s.drops])).toEqual([
      ['unicast 10.0.0.1:1900', 7],
      ['group 239.255.255.250:1900', 0],
    ]);
    // Once delivered, the queue has room again.
    await sender.send(new TextEncoder().encode('later'), {
      kind: 'unicast',
      interfaceId: 'eth0/IPv4',
      address: '10.0.0.1',
      port: 1900,
    });
    await vi.advanceTimersByTimeAsync(1);
    expect(received).toBe(4);
    await receiver.stop();
    expect(receiver.kernelDrops?.()).toBe(7);
    expect(receiver.kernelDropsBySocket?.()).toEqual([]);
  });
});
