// Issue 13 on the memory network: the receive path under bursts (what the kernel dropped shows up exactly in the
// stats, receiving runs ahead of output), and the repeat fast path (a byte-for-byte repeat only refreshes; a
// changed BOOTID, LOCATION or a removed device still takes the full path).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createControlPoint,
  type ControlPoint,
  type ControlPointEvent,
  type ControlPointOptions,
} from '../src/index.ts';
import {
  createFakeDevice,
  createMemoryTransport,
  MemoryNetwork,
  seededRandom,
  type FakeDeviceInit,
} from '../src/testing/index.ts';

const UUID_A = '2fac1234-31f8-11b4-a222-08002b34c003';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let running: ControlPoint[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(async () => {
  for (const cp of running) await cp.stop();
  running = [];
  vi.useRealTimers();
});

function lan(receiveQueue?: number) {
  const network = new MemoryNetwork({ seed: 3, ...(receiveQueue === undefined ? {} : { receiveQueue }) });
  network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
  network.addHost('dev1', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
  return network;
}

function controlPoint(network: MemoryNetwork, options: ControlPointOptions = {}) {
  const cp = createControlPoint(
    { interfaces: ['eth0'], describe: false, ...options },
    {
      createTransport: (init) => createMemoryTransport({ ...init, families: ['IPv4'] }, { network, host: 'cp' }),
      random: seededRandom(7),
      os: { type: 'Linux', release: '6.1' },
    },
  );
  running.push(cp);
  const events: ControlPointEvent[] = [];
  const warnings: string[] = [];
  cp.on('event', (event) => events.push(event));
  cp.on('warning', (line) => warnings.push(line));
  return { cp, events, warnings };
}

/** The port our M-SEARCH left from (answers go there). */
function searchPort(network: MemoryNetwork): number {
  const search = network.log.find((r) => r.host === 'cp' && decoder.decode(r.bytes).startsWith('M-SEARCH'));
  return search!.from.port;
}

function response(index: number): Uint8Array {
  const uuid = `${index.toString(16).padStart(8, '0')}-1111-4222-8333-444455556666`;
  return encoder.encode(
    'HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n' +
      `LOCATION: http://10.0.0.2:8080/${index}.xml\r\nSERVER: Linux/6.1 UPnP/2.0 burst/1\r\nST: upnp:rootdevice\r\n` +
      `USN: uuid:${uuid}::upnp:rootdevice\r\nBOOTID.UPNP.ORG: 1\r\n\r\n`,
  );
}

/** Sends `count` answers from dev1 to the control point's search port, all in the same tick. */
async function burst(network: MemoryNetwork, count: number, port: number): Promise<void> {
  const sender = createMemoryTransport(
    { interfaces: ['eth0'], families: ['IPv4'], port: 1900, unicastPort: 41_000, joinGroup: false },
    { network, host: 'dev1' },
  );
  await sender.start();
  const interfaceId = sender.interfaces[0]!.id;
  await Promise.all(
    [...Array(count).keys()].map((i) =>
      sender.send(response(i), { kind: 'unicast', interfaceId, address: '10.0.0.1', port }),
    ),
  );
  await sender.stop();
}

describe('a burst larger than the receive buffer', () => {
  it('shows up exactly as kernelDrops in cp.stats, with one warning, and what got in is all found', async () => {
    const network = lan(20); // each socket holds 20 undelivered datagrams, like a small SO_RCVBUF
    const { cp, warnings } = controlPoint(network, { cycles: 1, recvBufferSize: 65_536 });
    await cp.start();
    expect(cp.stats.receiveBuffer).toEqual({ requested: 65_536, granted: 65_536, clamped: false });
    expect(cp.stats.kernelDrops).toBe(0);
    await burst(network, 50, searchPort(network));
    const collecting = cp.collect();
    await vi.advanceTimersByTimeAsync(5000);
    const found = await collecting;
    const stats = cp.stats;
    expect(stats.kernelDrops).toBe(30);
    expect(stats.datagrams - stats.ignored).toBe(20); // what got past the buffer (ignored: our own looped-back searches)
    expect(found).toHaveLength(20);
    expect(warnings.filter((w) => w.includes('kernel dropped'))).toEqual([
      expect.stringMatching(
        /^the kernel dropped 30 datagrams for us \(30 since start\): the receive buffer \(65536 bytes granted\) was full/,
      ),
    ]);
    // Kept after stop, for a final stats line.
    await cp.stop();
    expect(cp.stats.kernelDrops).toBe(30);
  });

  it('reads the whole burst before any event goes out, and reports it all afterwards', async () => {
    const network = lan();
    const { cp, events } = controlPoint(network, { cycles: 1 });
    await cp.start();
    const order: string[] = [];
    cp.on('device-added', () => order.push(`added after ${cp.stats.datagrams - cp.stats.ignored} read`));
    await burst(network, 300, searchPort(network));
    await vi.advanceTimersByTimeAsync(5000);
    expect(events.filter((e) => e.event === 'device-added')).toHaveLength(300);
    expect(order[0]).toBe('added after 300 read');
    expect(cp.stats.kernelDrops).toBe(0);
    expect(cp.stats.receiveQueuePeak).toBeGreaterThan(0);
  });

  it('rejects a bad recvBufferSize as an invalid option', () => {
    expect(() => createControlPoint({ recvBufferSize: 0 })).toThrow(
      expect.objectContaining({ code: 'SSDP_ERR_INVALID_OPTION' }),
    );
    expect(() => createControlPoint({ recvBufferSize: 1.5 })).toThrow(/recvBufferSize/);
  });
});

describe('repeats', () => {
  function device(network: MemoryNetwork, init: Partial<Omit<FakeDeviceInit, 'network'>> = {}) {
    return createFakeDevice({ network, host: 'dev1', uuid: UUID_A, ...init });
  }

  it('recognises the answers to the second send of a search before parsing them, and only refreshes the device', async () => {
    const network = lan();
    const { cp, events } = controlPoint(network, { intervalMs: 3_600_000 });
    const dev = device(network);
    await dev.start();
    await cp.start();
    await vi.advanceTimersByTimeAsync(1000);
    const stats = cp.stats;
    // ssdp:all: root, uuid, device type and one service, answered for each of the two sends.
    expect(stats.datagrams - stats.ignored).toBe(8);
    expect(stats.repeats).toBe(4);
    const [found] = cp.devices();
    // The repeats (read after the second send, at 100 ms) moved lastSeen and the expiry with it.
    const lastSeen = Date.parse(found!.lastSeen);
    expect(lastSeen).toBeGreaterThanOrEqual(100);
    expect(found?.expiresAt).toBe(new Date(lastSeen + 1_800_000).toISOString());
    expect(events.filter((e) => e.event === 'device-updated')).toEqual([]);
  });

  it('takes the full path when anything changed: a new BOOTID is a reboot even from the same sender', async () => {
    const network = lan();
    const { cp, events } = controlPoint(network, { intervalMs: 3_600_000 });
    const dev = device(network, { answerSearches: false });
    await dev.start();
    await cp.start();
    await dev.alive();
    await vi.advanceTimersByTimeAsync(2000);
    await dev.alive(); // the same NOTIFYs again: repeats
    await vi.advanceTimersByTimeAsync(10);
    expect(cp.stats.repeats).toBe(4);
    dev.bootId = 2;
    await dev.alive();
    await vi.advanceTimersByTimeAsync(10);
    expect(events.filter((e) => e.event === 'device-rebooted')).toHaveLength(1);
    expect(cp.stats.repeats).toBe(4);
    await dev.alive(); // now the new ones repeat
    await vi.advanceTimersByTimeAsync(10);
    expect(cp.stats.repeats).toBe(8);
  });

  it('takes the full path for a device that left: its repeated alive brings it back', async () => {
    const network = lan();
    const { cp, events } = controlPoint(network, { intervalMs: 3_600_000 });
    const dev = device(network, { answerSearches: false });
    await dev.start();
    await cp.start();
    await dev.alive();
    await vi.advanceTimersByTimeAsync(2000);
    await dev.byebye();
    await vi.advanceTimersByTimeAsync(10);
    expect(cp.devices()).toHaveLength(0);
    await dev.alive();
    await vi.advanceTimersByTimeAsync(2000);
    expect(cp.devices()).toHaveLength(1);
    expect(events.filter((e) => e.event === 'device-added')).toHaveLength(2);
    expect(cp.stats.repeats).toBe(0);
  });

  it('is off with rawMessages (every datagram is reported as received)', async () => {
    const network = lan();
    const { cp, events } = controlPoint(network, { intervalMs: 3_600_000, rawMessages: true });
    const dev = device(network);
    await dev.start();
    await cp.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(cp.stats.repeats).toBe(0);
    expect(events.filter((e) => e.event === 'message-received' && e.kind === 'search-response')).toHaveLength(8);
  });
});
