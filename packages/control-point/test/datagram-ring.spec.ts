import type { Datagram } from '@ssdp/transport';
import { describe, expect, it } from 'vitest';
import { createDatagramRing } from '../src/datagram-ring.ts';

function datagram(n: number, length = 300, address = `10.0.${(n >> 8) & 255}.${n & 255}`): Datagram {
  const bytes = new Uint8Array(length);
  new DataView(bytes.buffer).setUint32(0, n);
  bytes[length - 1] = n & 255;
  return {
    bytes,
    remote: { address, port: 1000 + (n % 60_000), family: n % 7 === 0 ? 'IPv6' : 'IPv4' },
    interfaceId: `eth${n % 3}/IPv4`,
    via: n % 2 === 0 ? 'unicast' : 'multicast',
  };
}

const idOf = (d: Datagram): number => new DataView(d.bytes.buffer, d.bytes.byteOffset, 4).getUint32(0);

describe('the datagram ring', () => {
  it('gives the datagrams back in order, bytes and all, across growth', () => {
    const ring = createDatagramRing(20_000, 64 * 1024 * 1024);
    const count = 10_000; // the index grows from 4,096 to 20,000
    // Checked per datagram, asserted once (70,000 expect() calls took seconds on a loaded machine).
    const refused: number[] = [];
    for (let n = 0; n < count; n += 1) if (!ring.push(datagram(n, 1400), n * 10)) refused.push(n);
    expect(refused).toEqual([]);
    expect(ring.size).toBe(count);
    expect(ring.bytes).toBe(count * 1400);
    const wrong: string[] = [];
    for (let n = 0; n < count; n += 1) {
      const out = ring.take()!;
      const expected = datagram(n, 1400);
      const got = [idOf(out), out.bytes.length, out.bytes[1399], JSON.stringify(out.remote), out.interfaceId, out.via];
      const want = [n, 1400, n & 255, JSON.stringify(expected.remote), expected.interfaceId, expected.via];
      if (JSON.stringify(got) !== JSON.stringify(want) || ring.lastTakenAt !== n * 10) wrong.push(`#${n}: ${got}`);
    }
    expect(wrong).toEqual([]);
    expect(ring.take()).toBeUndefined();
    expect(ring.bytes).toBe(0);
  });

  it('keeps order when taking and pushing interleave (the index wraps around)', () => {
    const ring = createDatagramRing(8192, 64 * 1024 * 1024); // net +100 a round: grows past 4,096 once wrapped
    let next = 0;
    const taken: number[] = [];
    for (let round = 0; round < 50; round += 1) {
      for (let i = 0; i < 700; i += 1) ring.push(datagram(next++), 0);
      for (let i = 0; i < 600; i += 1) taken.push(idOf(ring.take()!));
    }
    while (ring.size > 0) taken.push(idOf(ring.take()!));
    expect(taken).toEqual([...Array(next).keys()]);
  });

  it('refuses beyond its count or its bytes, and takes again once emptied', () => {
    const byCount = createDatagramRing(3, 1024 * 1024);
    expect([1, 2, 3, 4].map((n) => byCount.push(datagram(n), 0))).toEqual([true, true, true, false]);
    const byBytes = createDatagramRing(100, 1000);
    expect([1, 2, 3, 4].map((n) => byBytes.push(datagram(n, 300), 0))).toEqual([true, true, true, false]);
    byBytes.take();
    expect(byBytes.push(datagram(5, 300), 0)).toBe(true);
    expect(byBytes.push(datagram(6, 2000), 0)).toBe(false); // more bytes than are left
  });

  it('shares one string per sender address', () => {
    const ring = createDatagramRing(100, 1024 * 1024);
    ring.push(datagram(1, 100, ['10.0.0', '9'].join('.')), 0);
    ring.push(datagram(2, 100, ['10.0', '0.9'].join('.')), 0);
    const a = ring.take()!.remote.address;
    const b = ring.take()!.remote.address;
    expect(a).toBe('10.0.0.9');
    expect(b).toBe(a);
  });

  it('is empty after clear', () => {
    const ring = createDatagramRing(100, 1024 * 1024);
    for (let n = 0; n < 10; n += 1) ring.push(datagram(n), 0);
    ring.clear();
    expect([ring.size, ring.bytes, ring.take()]).toEqual([0, 0, undefined]);
    ring.push(datagram(42), 0);
    expect(idOf(ring.take()!)).toBe(42);
  });
});
