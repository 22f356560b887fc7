// The UDP transport under hostile input, on loopback (random free port, never 1900): empty, one-byte, random
// binary and maximum-size (65,507-byte) datagrams are delivered byte for byte; a burst of 5,000 is delivered
// whole; a handler that throws is reported through onError and never stops the other handlers or the socket.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransportError } from '../src/errors.ts';
import type { Datagram, SsdpTransport } from '../src/transport.ts';
import { createUdpTransport } from '../src/udp-transport.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function freePort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function setup(): Promise<{
  transport: SsdpTransport;
  port: number;
  sender: dgram.Socket;
  send: (bytes: Uint8Array) => Promise<void>;
}> {
  const port = await freePort();
  const transport = createUdpTransport({ port, interfacePollMs: 0 });
  await transport.start();
  cleanup.push(() => transport.stop());
  const sender = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => sender.close(() => resolve())));
  const send = (bytes: Uint8Array) =>
    new Promise<void>((resolve, reject) =>
      sender.send(bytes, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );
  return { transport, port, sender, send };
}

/** Deterministic pseudo-random bytes (xorshift32). */
function bytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed || 1;
  for (let i = 0; i < length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

describe('UDP transport under hostile input (loopback)', () => {
  it('delivers empty, tiny, random binary and maximum-size datagrams byte for byte', async () => {
    const { transport, send } = await setup();
    const received: Datagram[] = [];
    transport.onDatagram((d) => received.push(d));
    const inputs = [
      new Uint8Array(0),
      new Uint8Array([0]),
      new Uint8Array([0xff, 0xfe, 0x00, 0x0d, 0x0a]),
      ...Array.from({ length: 50 }, (_, i) => bytes(i + 1, 1 + ((i * 97) % 1400))),
      bytes(99, 65_507),
    ];
    for (const input of inputs) await send(input);
    await waitFor(() => received.length >= inputs.length, `${inputs.length} datagrams`);
    expect(received.map((d) => Buffer.from(d.bytes).toString('hex'))).toEqual(
      inputs.map((b) => Buffer.from(b).toString('hex')),
    );
    expect(
      received.every((d) => d.via === 'unicast' && d.remote.address === '127.0.0.1' && d.interfaceId === 'lo/IPv4'),
    ).toBe(true);
  });

  it('keeps delivering when a handler throws, and reports each throw as a typed error', async () => {
    const { transport, send } = await setup();
    const errors: TransportError[] = [];
    const seen: number[] = [];
    transport.onError((error) => errors.push(error));
    transport.onDatagram((d) => {
      if (d.bytes[0]! % 10 === 0) throw new Error(`handler fails on ${d.bytes[0]}`);
    });
    transport.onDatagram((d) => seen.push(d.bytes[0]!));
    for (let i = 0; i < 100; i += 1) await send(new Uint8Array([i]));
    await waitFor(() => seen.length >= 100, '100 datagrams at the second handler');
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(errors.map((e) => e.code)).toEqual(Array(10).fill('SSDP_ERR_HANDLER_FAILED'));
  });

  it('takes a burst of 5,000 datagrams without losing one (the 4 MiB receive buffer)', async () => {
    const { transport, send } = await setup();
    let count = 0;
    let bytesIn = 0;
    transport.onDatagram((d) => {
      count += 1;
      bytesIn += d.bytes.length;
    });
    const burst = Array.from({ length: 5000 }, (_, i) => bytes(i + 7, 300));
    await Promise.all(burst.map((b) => send(b)));
    await waitFor(() => count >= 5000, '5000 datagrams');
    expect(count).toBe(5000);
    expect(bytesIn).toBe(5000 * 300);
  });

  it('after stop, datagrams to its port go nowhere and nothing throws', async () => {
    const { transport, send } = await setup();
    let count = 0;
    transport.onDatagram(() => (count += 1));
    await send(new Uint8Array([1]));
    await waitFor(() => count === 1, 'the first datagram');
    await transport.stop();
    await send(new Uint8Array([2]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(count).toBe(1);
  });
});
