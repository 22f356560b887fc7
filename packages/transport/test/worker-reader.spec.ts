import dgram from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSystemClock } from '@ssdp/runtime';
import { createUdpTransport } from '../src/udp-transport.ts';
import { createWorkerReader, type WorkerReader } from '../src/worker-reader.ts';
import type { RingRecord } from '../src/worker-ring.ts';

// The reader thread on loopback only (127.0.0.1): datagrams come out whole, in order and from the right sender
// through a ring that wraps many times, and a ring that overflows drops exactly what it reports.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sender(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

/** Datagram `i`: its number, then `size` bytes of a pattern that depends on it. */
function payload(i: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  new DataView(bytes.buffer).setUint32(0, i);
  for (let k = 4; k < size; k += 1) bytes[k] = (i * 31 + k) & 0xff;
  return bytes;
}

const quiet = { onError: () => undefined, multicast: { iface: '127.0.0.1', ttl: 1, loopback: false } } as const;

/** A reader with a 64 KiB ring that fails the test on a thread failure. */
function smallRing(onRingFull?: (total: number) => void): WorkerReader {
  return createWorkerReader({
    clock: createSystemClock(),
    ringBytes: 64 * 1024,
    onFailure: (error) => expect.fail(error.message),
    ...(onRingFull === undefined ? {} : { onRingFull }),
  });
}

/** A socket on 127.0.0.1 (ephemeral port) whose datagrams go to `received`. */
function openLoopback(reader: WorkerReader, received: RingRecord[]) {
  return reader.open({
    ...quiet,
    family: 'IPv4',
    address: '127.0.0.1',
    port: 0,
    recvBuffer: 1 << 22,
    onRecord: (r) => received.push(r),
  });
}

describe('the reader thread', () => {
  let reader: WorkerReader | undefined;
  afterEach(() => reader?.close());

  it('hands over every datagram whole, in order, with its source, through a ring that wraps', async () => {
    const received: RingRecord[] = [];
    reader = smallRing();
    const socket = await openLoopback(reader, received);
    const from = await sender();
    const count = 1500;
    const sizes = Array.from({ length: count }, (_, i) => 40 + ((i * 397) % 1200));
    for (let i = 0; i < count; i += 1) {
      from.send(payload(i, sizes[i]!), socket.port, '127.0.0.1');
      if (i % 20 === 19) await sleep(3);
    }
    for (let waited = 0; received.length < count && waited < 5000; waited += 10) await sleep(10);
    const { port } = from.address();
    from.close();
    expect(reader.ringDrops).toBe(0);
    expect(received.map((r) => new DataView(r.bytes.buffer).getUint32(0))).toEqual([...Array(count).keys()]);
    received.forEach((r, i) => expect(r.bytes).toEqual(payload(i, sizes[i]!)));
    expect(new Set(received.map((r) => `${r.address}:${r.port}/${r.family}`))).toEqual(
      new Set([`127.0.0.1:${port}/IPv4`]),
    );
  });

  it('counts exactly what a full ring drops, and says so', async () => {
    const received: RingRecord[] = [];
    const reports: number[] = [];
    reader = smallRing((total) => reports.push(total));
    const socket = await openLoopback(reader, received);
    // 400 × 1000 bytes while this thread is blocked in the child: far more than the ring holds.
    const script = `const s = require('node:dgram').createSocket('udp4'); let n = 0;
      const next = () => { if (n === 400) return s.close(); s.send(Buffer.alloc(1000, n), ${socket.port}, '127.0.0.1', next); n += 1; };
      next();`;
    execFileSync(process.execPath, ['-e', script]);
    for (let waited = 0; received.length + reader.ringDrops < 400 && waited < 5000; waited += 10) await sleep(10);
    await sleep(50);
    expect(reader.ringDrops).toBeGreaterThan(0);
    expect(received.length + reader.ringDrops).toBe(400);
    expect(reports.at(-1)).toBe(reader.ringDrops);
  });

  it('rejects a bind that fails with the errno, and a ring size out of range', async () => {
    reader = smallRing();
    await expect(
      reader.open({
        ...quiet,
        family: 'IPv4',
        address: '192.0.2.1',
        port: 0,
        recvBuffer: 1 << 20,
        onRecord: () => undefined,
      }),
    ).rejects.toMatchObject({ stage: 'bind', code: 'EADDRNOTAVAIL' });
    expect(() => createUdpTransport({ readerRingBytes: 1000 })).toThrow(
      expect.objectContaining({ code: 'SSDP_ERR_INVALID_OPTION' }),
    );
    expect(() => createUdpTransport({ readInWorker: true, readerRingBytes: 1000 })).toThrow(
      expect.objectContaining({ code: 'SSDP_ERR_INVALID_OPTION' }),
    );
  });

  it('refuses to open once closed for good, and opens again after a reset', async () => {
    reader = smallRing();
    (await openLoopback(reader, [])).close();
    reader.reset();
    const again = await openLoopback(reader, []);
    expect(again.port).toBeGreaterThan(0);
    await reader.close();
    await expect(openLoopback(reader, [])).rejects.toMatchObject({ name: 'Error', reason: 'stopped' });
  });

  it('lets the process exit once the transport stops', () => {
    const transport = fileURLToPath(new URL('../src/udp-transport.ts', import.meta.url));
    const script = `import { createUdpTransport } from ${JSON.stringify(transport)};
      const t = createUdpTransport({ interfaces: ['127.0.0.1'], unicastPort: 0, joinGroup: false, readInWorker: true, interfacePollMs: 0 });
      await t.start(); process.stdout.write(String(t.interfaces.length)); await t.stop();`;
    const started = performance.now();
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      timeout: 10_000,
    });
    expect(out.toString().trim()).toBe('1');
    expect(performance.now() - started).toBeLessThan(8000);
  });
});
