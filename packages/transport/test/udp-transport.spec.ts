import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '@ssdp/runtime/testing';
import { TransportError, transportErrorFromErrno } from '../src/errors.ts';
import type { NetworkInterfacesSnapshot } from '../src/select-interfaces.ts';
import type { Datagram, InterfacesChange, SsdpTransport } from '../src/transport.ts';
import { createUdpTransport } from '../src/udp-transport.ts';

// Loopback only, random free ports.
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const stopLater: SsdpTransport[] = [];
afterEach(async () => {
  await Promise.allSettled(stopLater.splice(0).map((t) => t.stop()));
});

async function freePort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const lo = (address: string): NetworkInterfacesSnapshot => ({
  lo: [{ address, netmask: '255.0.0.0', family: 'IPv4', internal: true, cidr: `${address}/8` }],
});

describe('UDP transport on loopback', () => {
  it('two processes on one host both receive the same multicast search (SO_REUSEADDR)', async () => {
    const port = await freePort();
    const script = fileURLToPath(new URL('./fixtures/loopback-listener.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, String(port)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const childLines: string[] = [];
      createInterface({ input: child.stdout }).on('line', (line) => childLines.push(line));
      await waitFor(() => childLines.includes('ready'), 'the child process', 15_000);

      const here = createUdpTransport({ interfaces: ['127.0.0.1'], families: ['IPv4'], port, interfacePollMs: 0 });
      const searcher = createUdpTransport({
        interfaces: ['127.0.0.1'],
        families: ['IPv4'],
        port,
        unicastPort: 0,
        joinGroup: false,
        interfacePollMs: 0,
      });
      stopLater.push(here, searcher);
      const received: Datagram[] = [];
      here.onDatagram((d) => received.push(d));
      await here.start();
      await searcher.start();

      const search = `M-SEARCH * HTTP/1.1 ${process.pid}-${Date.now()}`;
      await searcher.send(encoder.encode(search), { kind: 'multicast', interfaceId: 'lo/IPv4' });
      await waitFor(() => received.length > 0 && childLines.some((l) => l.includes(search)), 'both processes');
      expect(received.map((d) => [decoder.decode(d.bytes), d.via])).toEqual([[search, 'multicast']]);
      expect(JSON.parse(childLines.find((l) => l.includes(search))!)).toEqual({
        text: search,
        via: 'multicast',
        interfaceId: 'lo/IPv4',
      });
    } finally {
      child.stdin.end();
      child.kill('SIGTERM');
    }
  });

  it('uses TTL/hop limit 2 and loopback by default and reports its effective unicast port', async () => {
    const port = await freePort();
    const transport = createUdpTransport({
      interfaces: ['lo'],
      families: ['IPv4'],
      port,
      unicastPort: 0,
      interfacePollMs: 0,
    });
    stopLater.push(transport);
    await transport.start();
    const [iface] = transport.interfaces;
    expect(iface).toMatchObject({ id: 'lo/IPv4', address: '127.0.0.1', broadcast: '127.255.255.255', internal: true });
    expect(iface!.unicastPort).toBeGreaterThan(0);
    expect(iface!.unicastPort).not.toBe(port);
  });

  it('gives the address-family error for IPv6 on a loopback that cannot multicast', async () => {
    const transport = createUdpTransport(
      { families: ['IPv6'], port: await freePort(), interfacePollMs: 0 },
      { multicastCapable: (name, family) => !(name === 'lo' && family === 'IPv6') },
    );
    await expect(transport.start()).rejects.toMatchObject({ code: 'SSDP_ERR_ADDRESS_FAMILY_UNAVAILABLE' });
    expect(transport.interfaces).toEqual([]);
  });

  it('rejects a target of the wrong family or without a broadcast address, typed', async () => {
    const transport = createUdpTransport({
      interfaces: ['127.0.0.1'],
      families: ['IPv4'],
      port: await freePort(),
      interfacePollMs: 0,
    });
    stopLater.push(transport);
    await transport.start();
    await expect(
      transport.send(encoder.encode('x'), { kind: 'unicast', interfaceId: 'lo/IPv4', address: '::1', port: 9 }),
    ).rejects.toMatchObject({
      code: 'SSDP_ERR_INVALID_TARGET',
    });
  });

  it('follows interface changes found by polling: address change, gone, back', async () => {
    const port = await freePort();
    const clock = createManualClock();
    let snapshot = lo('127.0.0.1');
    const device = createUdpTransport(
      { interfaces: ['lo'], families: ['IPv4'], port, interfacePollMs: 1000 },
      { clock, networkInterfaces: () => snapshot },
    );
    const searcher = createUdpTransport({
      interfaces: ['127.0.0.1'],
      families: ['IPv4'],
      port,
      unicastPort: 0,
      joinGroup: false,
      interfacePollMs: 0,
    });
    stopLater.push(device, searcher);
    const changes: InterfacesChange[] = [];
    const received: Datagram[] = [];
    device.onInterfacesChanged((c) => changes.push(c));
    device.onDatagram((d) => received.push(d));
    await device.start();
    await searcher.start();

    snapshot = lo('127.0.0.2');
    clock.advance(1000);
    await waitFor(() => changes.length === 1, 'the change');
    expect(changes[0]!.changed.map((c) => [c.previous.address, c.current.address, c.current.id])).toEqual([
      ['127.0.0.1', '127.0.0.2', 'lo/IPv4'],
    ]);
    expect(device.interfaces.map((i) => i.address)).toEqual(['127.0.0.2']);
    await searcher.send(encoder.encode('to the new address'), {
      kind: 'unicast',
      interfaceId: 'lo/IPv4',
      address: '127.0.0.2',
      port,
    });
    await waitFor(() => received.length === 1, 'unicast to the new address');
    expect(received[0]).toMatchObject({ via: 'unicast', interfaceId: 'lo/IPv4' });

    snapshot = {};
    clock.advance(1000);
    await waitFor(() => changes.length === 2, 'the removal');
    expect(changes[1]!.removed.map((i) => i.id)).toEqual(['lo/IPv4']);
    expect(device.interfaces).toEqual([]);

    snapshot = lo('127.0.0.2');
    clock.advance(1000);
    await waitFor(() => changes.length === 3, 'the return');
    expect(changes[2]!.added.map((i) => i.address)).toEqual(['127.0.0.2']);
    await searcher.send(encoder.encode('multicast after return'), { kind: 'multicast', interfaceId: 'lo/IPv4' });
    await waitFor(() => received.length === 2, 'multicast after the return');
    expect(received[1]).toMatchObject({ via: 'multicast', interfaceId: 'lo/IPv4' });
  });

  it('waits for pending sends before closing on stop', async () => {
    const port = await freePort();
    const listener = createUdpTransport({ interfaces: ['127.0.0.1'], families: ['IPv4'], port, interfacePollMs: 0 });
    const sender = createUdpTransport({
      interfaces: ['127.0.0.1'],
      families: ['IPv4'],
      port,
      unicastPort: 0,
      joinGroup: false,
      interfacePollMs: 0,
    });
    stopLater.push(listener, sender);
    const received: Datagram[] = [];
    listener.onDatagram((d) => received.push(d));
    await listener.start();
    await sender.start();
    const sends = Array.from({ length: 20 }, (_, n) =>
      sender.send(encoder.encode(`byebye ${n}`), { kind: 'multicast', interfaceId: 'lo/IPv4' }),
    );
    await sender.stop();
    await Promise.all(sends);
    await waitFor(() => received.length === 20, 'all 20 byebyes');
  });
});

describe('transportErrorFromErrno', () => {
  it.each([
    ['EADDRINUSE', 'SSDP_ERR_PORT_IN_USE'],
    ['EACCES', 'SSDP_ERR_PERMISSION_DENIED'],
    ['EPERM', 'SSDP_ERR_PERMISSION_DENIED'],
    ['EADDRNOTAVAIL', 'SSDP_ERR_UNKNOWN_INTERFACE'],
    ['ENODEV', 'SSDP_ERR_UNKNOWN_INTERFACE'],
    ['ENETUNREACH', 'SSDP_ERR_NO_MULTICAST_ROUTE'],
    ['EAFNOSUPPORT', 'SSDP_ERR_ADDRESS_FAMILY_UNAVAILABLE'],
    ['EMSGSIZE', 'SSDP_ERR_SOCKET'],
  ])('maps %s to %s with a one-line message', (errno, code) => {
    const error = transportErrorFromErrno(
      Object.assign(new Error(`bind ${errno}\nsecond line`), { code: errno }),
      'bind 127.0.0.1:1900',
    );
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe(code);
    expect(error.details.errno).toBe(errno);
    expect(error.toOneLine()).toMatch(new RegExp(`^${code}: bind 127\\.0\\.0\\.1:1900`));
    expect(error.toOneLine()).not.toContain('\n');
  });
});
