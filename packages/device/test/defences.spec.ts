import type { Datagram, TransportInterface } from '@ssdp/transport';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultLimits } from '../src/limits.ts';
import { isOnLink } from '../src/responder.ts';
import { createSourceLimiter, TokenBucket } from '../src/token-bucket.ts';
import { advance, createLab, type Lab } from './support/harness.ts';

const CP = { name: 'eth0', link: 'lan', ipv4: '10.0.0.3/24' };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function bytesFromDevice(lab: Lab, toAddress: string): number {
  return lab.network.log
    .filter((r) => r.host === 'device' && r.to.address === toAddress)
    .reduce((sum, r) => sum + r.bytes.length, 0);
}

describe('off-link sources', () => {
  it('drops a search from a source outside the arrival interface subnet, and answers it with allowOffLink', async () => {
    for (const allowOffLink of [false, true]) {
      const lab = createLab({ device: { limits: { allowOffLink } } });
      const stranger = await lab.controlPoint('stranger', { name: 'eth0', link: 'lan', ipv4: '10.9.9.9/24' });
      const routed = await lab.controlPoint('routed', { name: 'eth0', link: 'wan', ipv4: '172.16.0.5/24' });
      await lab.start();
      await stranger.search({ st: 'upnp:rootdevice', mx: 1 });
      await routed.search({
        st: 'upnp:rootdevice',
        host: '10.0.0.2:1900',
        target: { kind: 'unicast', interfaceId: routed.interfaceId, address: '10.0.0.2', port: 1900 },
      });
      await advance(1100);
      expect(stranger.responses()).toHaveLength(allowOffLink ? 1 : 0);
      expect(routed.responses()).toHaveLength(allowOffLink ? 1 : 0);
      expect(lab.device.stats.dropped['off-link']).toBe(allowOffLink ? 0 : 2);
      if (!allowOffLink) {
        expect(lab.eventsOf('dropped').find((e) => e.reason === 'off-link')).toMatchObject({
          source: { address: '10.9.9.9' },
          interfaceId: 'eth0/IPv4',
        });
      }
    }
  });

  it('counts loopback sources as on-link on a loopback interface, and link-scoped IPv6 multicast as on-link', () => {
    const lo: TransportInterface = {
      id: 'lo/IPv4',
      name: 'lo',
      family: 'IPv4',
      address: '127.0.0.1',
      netmask: '255.0.0.0',
      prefixLength: 8,
      internal: true,
      unicastPort: 1900,
    };
    const eth6: TransportInterface = {
      id: 'eth0/IPv6',
      name: 'eth0',
      family: 'IPv6',
      address: 'fe80::2',
      netmask: 'ffff:ffff:ffff:ffff::',
      prefixLength: 64,
      internal: false,
      unicastPort: 1900,
      scopeId: 2,
    };
    const datagram = (address: string, via: Datagram['via'] = 'multicast'): Datagram => ({
      bytes: new Uint8Array(),
      remote: { address, port: 5000, family: address.includes(':') ? 'IPv6' : 'IPv4' },
      interfaceId: 'x',
      via,
    });
    expect(isOnLink(lo, datagram('127.0.0.1'))).toBe(true);
    expect(isOnLink(lo, datagram('127.3.4.5'))).toBe(true);
    expect(isOnLink(lo, datagram('10.0.0.1'))).toBe(false);
    expect(isOnLink(eth6, datagram('2001:db8::5'))).toBe(true); // ff02::c never crosses a router
    expect(isOnLink(eth6, datagram('2001:db8::5', 'unicast'))).toBe(false);
    expect(isOnLink(eth6, datagram('fe80::9%eth0', 'unicast'))).toBe(true);
  });
});

describe('rate limits', () => {
  it('answers a burst of 20 searches per source, then 2 per second, and reports the drops coalesced', async () => {
    const lab = createLab();
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    for (let i = 0; i < 30; i += 1) await cp.search({ st: 'upnp:rootdevice', mx: 1 });
    await advance(1100);
    expect(cp.responses()).toHaveLength(20);
    expect(lab.device.stats.dropped['source-rate-limit']).toBe(10);
    const drops = lab.eventsOf('dropped').filter((e) => e.reason === 'source-rate-limit');
    // The first drop at once with its source, the other nine summed one second later.
    expect(drops.map((d) => d.count)).toEqual([1, 9]);
    expect(drops[0]!.source?.address).toBe('10.0.0.3');
    expect(Date.parse(drops[1]!.time) - Date.parse(drops[0]!.time)).toBe(1000);

    await advance(5000); // +10 tokens (2/s): 10.0 s after the burst there are ~12
    const before = cp.responses().length;
    for (let i = 0; i < 15; i += 1) await cp.search({ st: 'upnp:rootdevice', mx: 1 });
    await advance(1100);
    const answered = cp.responses().length - before;
    expect(answered).toBeGreaterThanOrEqual(12);
    expect(answered).toBeLessThanOrEqual(13);
  });

  it('keeps the per-source table bounded (LRU) and gives a returning source its own bucket', () => {
    const limiter = createSourceLimiter({ burst: 2, ratePerSecond: 1, tableSize: 3 });
    expect(limiter.allow('a', 0)).toBe(true);
    expect(limiter.allow('a', 0)).toBe(true);
    expect(limiter.allow('a', 0)).toBe(false);
    for (const source of ['b', 'c', 'd', 'e']) limiter.allow(source, 0);
    expect(limiter.size).toBe(3);
    expect(limiter.allow('a', 0)).toBe(true); // evicted, so it starts with a full bucket again
    const bucket = new TokenBucket(10, 5, 0);
    expect(bucket.takeUpTo(0, 25)).toBe(10);
    expect(bucket.take(100)).toBe(false); // 0.5 token
    expect(bucket.take(200)).toBe(true);
  });

  it('caps responses per second across all sources', async () => {
    const lab = createLab({ device: { limits: { responseBurst: 10, responseRatePerSecond: 5 } } });
    const cps = [];
    for (let i = 0; i < 20; i += 1)
      cps.push(
        await lab.controlPoint(
          `cp${i}`,
          { name: 'eth0', link: 'lan', ipv4: `10.0.0.${10 + i}/24` },
          { joinGroup: false },
        ),
      );
    await lab.start(); // the bucket refilled while waiting
    await Promise.all(cps.map((cp) => cp.search({ st: 'upnp:rootdevice', mx: 1 })));
    await advance(1100);
    const answered = cps.filter((cp) => cp.responses().length === 1).length;
    expect(answered).toBe(10);
    expect(lab.device.stats.dropped['response-rate-limit']).toBe(10);
  });

  it('caps pending responses, so memory stays bounded under a flood of long waits', async () => {
    const lab = createLab({ device: { profile: 'legacy', limits: { maxPendingResponses: 50 } } });
    const cps = [];
    for (let i = 0; i < 30; i += 1) {
      cps.push(
        await lab.controlPoint(
          `cp${i}`,
          { name: 'eth0', link: 'lan', ipv4: `10.0.0.${10 + i}/24` },
          { port: 1337, joinGroup: false },
        ),
      );
    }
    await lab.start();
    let maxPending = 0;
    for (let round = 0; round < 5; round += 1) {
      for (const cp of cps) {
        await cp.search({
          st: 'ssdp:all',
          mx: 120,
          profile: 'legacy',
          userAgent: 'Test/1 UPnP/2.0 cp/1',
          host: '10.0.0.255:1337',
          target: { kind: 'broadcast', interfaceId: cp.interfaceId },
        });
      }
      await advance(10);
      maxPending = Math.max(maxPending, lab.device.pendingResponses);
    }
    expect(maxPending).toBe(50);
    // 150 searches x 3 answers wanted, 50 fit: the rest is counted (per response, or per search once full).
    expect(lab.device.stats.dropped['pending-cap']).toBeGreaterThan(90);
    await advance(121_000);
    expect(lab.device.pendingResponses).toBe(0);
    expect(lab.device.stats.responses).toBe(50);
  });

  it('scales the caps with the fleet so one ssdp:all is answered completely', () => {
    const single = defaultLimits(3);
    const fleet = defaultLimits(3000);
    expect(single.responseBurst).toBe(1000);
    expect(fleet.responseBurst).toBeGreaterThanOrEqual(3000);
    expect(fleet.maxPendingResponses).toBeGreaterThanOrEqual(3000);
    expect(fleet.responseRatePerSecond).toBeGreaterThan(single.responseRatePerSecond);
  });
});

describe('malformed and foreign traffic', () => {
  it('drops datagrams that do not parse, with the parse error code, and counts NOTIFYs silently', async () => {
    const lab = createLab();
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    const before = lab.device.stats.dropped['not-a-search'];
    await cp.sendRaw('hello world\r\n\r\n');
    await cp.sendRaw(`M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nX-Pad: ${'a'.repeat(9000)}\r\n\r\n`);
    await cp.sendRaw(
      'NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nUSN: uuid:x::upnp:rootdevice\r\n\r\n',
    );
    await cp.sendRaw('HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:x::upnp:rootdevice\r\n\r\n');
    await advance(1500);
    expect(lab.device.stats.dropped.malformed).toBe(2);
    const malformed = lab.eventsOf('dropped').filter((e) => e.reason === 'malformed');
    expect(malformed[0]).toMatchObject({ detail: 'SSDP_ERR_BAD_START_LINE', source: { address: '10.0.0.3' } });
    expect(malformed[1]).toMatchObject({ count: 1 });
    expect(lab.device.stats.dropped['not-a-search'] - before).toBe(2);
    expect(lab.eventsOf('dropped').some((e) => e.reason === 'not-a-search')).toBe(false);
    expect(cp.responses()).toHaveLength(0);
  });
});

describe('amplification under a flood', () => {
  it('keeps bytes out / bytes in far below 1 once the per-source cap engages', async () => {
    const lab = createLab();
    const cp = await lab.controlPoint('flooder', CP, { joinGroup: false });
    await lab.start();
    const search = new TextEncoder().encode(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n',
    );
    let bytesIn = 0;
    for (let tick = 0; tick < 500; tick += 1) {
      for (let i = 0; i < 10; i += 1) {
        await cp.sendRaw(search);
        bytesIn += search.length;
      }
      await advance(10);
    }
    await advance(1100);
    const bytesOut = bytesFromDevice(lab, '10.0.0.3');
    // 5,000 searches in 5 s; answered: the 20-search burst plus 2/s.
    expect(lab.device.stats.searches).toBeLessThanOrEqual(31);
    expect(bytesOut / bytesIn).toBeLessThan(0.1);
  });

  it('bounds the output under a flood from many on-link (spoofed) sources by the global cap', async () => {
    const lab = createLab({ device: { limits: { sourceTableSize: 16 } } });
    const cps = [];
    for (let i = 0; i < 40; i += 1)
      cps.push(
        await lab.controlPoint(
          `cp${i}`,
          { name: 'eth0', link: 'lan', ipv4: `10.0.0.${10 + i}/24` },
          { joinGroup: false },
        ),
      );
    await lab.start();
    const search = new TextEncoder().encode(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n',
    );
    const floodStart = Date.now();
    let bytesIn = 0;
    let bytesInLate = 0;
    for (let tick = 0; tick < 100; tick += 1) {
      for (const cp of cps) {
        await cp.sendRaw(search);
        await cp.sendRaw(search);
        bytesIn += 2 * search.length;
        if (tick >= 50) bytesInLate += 2 * search.length;
      }
      await advance(100);
    }
    await advance(1100);
    const limits = lab.device.limits!;
    // 8,000 searches in 10 s (24,000 responses wanted): the burst plus the rate for 11 s at most.
    expect(lab.device.stats.responses).toBeLessThanOrEqual(limits.responseBurst + limits.responseRatePerSecond * 11);
    const answers = lab.network.log.filter((r) => r.host === 'device' && r.via === 'unicast');
    const bytesOut = answers.reduce((s, r) => s + r.bytes.length, 0);
    expect(bytesOut / bytesIn).toBeLessThan(1);
    // Once the burst is spent the cap holds the ratio low.
    const bytesOutLate = answers
      .filter((r) => r.at >= floodStart + 5000 + 1000)
      .reduce((s, r) => s + r.bytes.length, 0);
    expect(bytesOutLate / bytesInLate).toBeLessThan(0.2);
    expect(lab.device.stats.dropped['response-rate-limit']).toBeGreaterThan(0);
  });

  // Right at the global cap's threshold (10 sources x 2 ssdp:all/s ask for 60 answers/s, the cap is 20/s) the
  // caps alone still answer a third of the searches in full, ~4x each search's size per answer.
  async function thresholdFlood(
    amplificationRatio: number | undefined,
  ): Promise<{ engagedRatio: number; responses: number }> {
    const lab = createLab({ device: { limits: amplificationRatio === undefined ? {} : { amplificationRatio } } });
    const cps = [];
    for (let i = 0; i < 10; i += 1)
      cps.push(
        await lab.controlPoint(
          `cp${i}`,
          { name: 'eth0', link: 'lan', ipv4: `10.0.0.${10 + i}/24` },
          { joinGroup: false },
        ),
      );
    await lab.start();
    const search = new TextEncoder().encode(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n',
    );
    const start = Date.now();
    const searchesAt: number[] = [];
    for (let tick = 0; tick < 120; tick += 1) {
      for (const cp of cps) {
        await cp.sendRaw(search);
        searchesAt.push(Date.now());
      }
      await advance(500);
    }
    await advance(1100);
    expect(lab.device.stats.dropped['response-rate-limit']).toBeGreaterThan(0);
    // The 1,000-answer burst is spent within the first 20 s; count from 30 s on.
    const from = start + 30_000;
    const answers = lab.network.log.filter((r) => r.host === 'device' && r.via === 'unicast' && r.at >= from);
    const bytesOut = answers.reduce((sum, r) => sum + r.bytes.length, 0);
    const bytesIn = searchesAt.filter((t) => t >= from).length * search.length;
    return { engagedRatio: bytesOut / bytesIn, responses: answers.length };
  }

  it('holds out/in to 2.5 once a cap engages, even right at its threshold (the amplification guard)', async () => {
    const guarded = await thresholdFlood(undefined);
    expect(guarded.engagedRatio).toBeLessThanOrEqual(2.5 + 0.05);
    expect(guarded.responses).toBeGreaterThan(0);
  });

  it("does not let one source over its own cap spend the guard's credit: another control point gets its whole set", async () => {
    // Credit for one full answer only, and a per-source burst of 1: the flooder's second search is refused by its
    // own bucket. Were that an engagement, its third search (answered) would spend the whole credit, and the
    // control point searching right after would get nothing.
    const lab = createLab({ device: { limits: { sourceBurst: 1, amplificationCreditBytes: 3 * 450 } } });
    const flooder = await lab.controlPoint('flooder', CP, { joinGroup: false });
    const other = await lab.controlPoint(
      'other',
      { name: 'eth0', link: 'lan', ipv4: '10.0.0.4/24' },
      { joinGroup: false },
    );
    await lab.start();
    const search = new TextEncoder().encode(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n',
    );
    await flooder.sendRaw(search); // answered
    await flooder.sendRaw(search); // refused by its own bucket
    await advance(500);
    await flooder.sendRaw(search); // answered again (one token back at 2/s)
    await other.sendRaw(search);
    await advance(1100);
    expect(lab.device.stats.dropped['source-rate-limit']).toBe(1);
    expect(lab.network.log.filter((r) => r.host === 'device' && r.to.address === '10.0.0.3')).toHaveLength(6);
    expect(lab.network.log.filter((r) => r.host === 'device' && r.to.address === '10.0.0.4')).toHaveLength(3);
    expect(lab.device.stats.dropped['response-rate-limit'] ?? 0).toBe(0);
  });

  it('counts what the guard refuses or cuts as amplification-guard, apart from the global rate', async () => {
    // One pending slot set: the second search is refused by the pending cap, which engages the guard. With one
    // answer of credit, the third search gets one answer (two cut) and the fourth none.
    const lab = createLab({ device: { limits: { maxPendingResponses: 3, amplificationCreditBytes: 450 } } });
    const cp = await lab.controlPoint('cp', CP, { joinGroup: false });
    await lab.start();
    const search = new TextEncoder().encode(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n',
    );
    await cp.sendRaw(search);
    await cp.sendRaw(search);
    await advance(1100);
    expect(lab.device.stats.dropped['pending-cap']).toBe(1);
    await cp.sendRaw(search);
    await cp.sendRaw(search);
    await advance(1100);
    expect(lab.device.stats.responses).toBe(4);
    expect(lab.device.stats.dropped['amplification-guard']).toBe(3);
    expect(lab.device.stats.dropped['response-rate-limit']).toBe(0);
    expect(lab.eventsOf('dropped').map((d) => d.reason)).toContain('amplification-guard');
  });

  it('without the guard (--max-amplification 0) the same flood gets the protocol ratio, over 3', async () => {
    const unguarded = await thresholdFlood(0);
    expect(unguarded.engagedRatio).toBeGreaterThan(3);
  });
});
