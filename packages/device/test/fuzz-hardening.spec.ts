// A seeded sample of the fuzz generators (tools/fuzz, the same streams as the real-UDP run) against the
// device on the memory network: every datagram is counted once under the reason the oracle gives, nothing
// throws, pending responses stay under their cap, and a real search is still answered afterwards.
// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only: the generators are shared with the tools/fuzz runs
import {
  CATEGORIES,
  DEVICE_PARSE_LIMITS,
  createGenerator,
  judgeForDevice,
  loadVectors,
  type FuzzCategory,
} from '@ssdp/fuzz';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PARSE_LIMITS_DEVICE } from '../src/limits.ts';
import { advance, createLab, TRANSIT_MS } from './support/harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const vectors = loadVectors();
const ATTACKER = { name: 'eth0', link: 'lan', ipv4: '10.0.0.3/24' };

function tally(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

async function fuzzDevice(seed: number, count: number, weights?: Partial<Record<FuzzCategory, number>>) {
  const lab = createLab();
  const attacker = await lab.controlPoint('attacker', ATTACKER, { joinGroup: false });
  const outsider = await lab.controlPoint(
    'outsider',
    { name: 'eth0', link: 'wan', ipv4: '172.16.0.5/24' },
    { joinGroup: false },
  );
  await lab.start();
  const ownAnnouncements = lab.device.stats.alive;
  const generator = createGenerator(
    seed,
    {
      vectors,
      attackerAddress: '10.0.0.3',
      deviceAddress: '10.0.0.2',
      knownUuids: [lab.device.fleet!.members[0]!.udn.slice(5)],
    },
    weights,
  );
  const expected: Record<string, number> = {};
  let maxPending = 0;
  for (let i = 0; i < count; i += 1) {
    const datagram = generator.next();
    if (datagram.to === 'controller') continue; // a unicast to a controller's search port never reaches the device
    const unicast = datagram.to === 'device';
    tally(expected, judgeForDevice(datagram.bytes, { multicast: !unicast }).verdict);
    await attacker.sendRaw(
      datagram.bytes,
      unicast ? { kind: 'unicast', interfaceId: attacker.interfaceId, address: '10.0.0.2', port: 1900 } : undefined,
    );
    if (i % 50 === 0) {
      // Whatever it is, a datagram from off the subnet is dropped before it is parsed.
      await outsider.sendRaw(datagram.bytes, {
        kind: 'unicast',
        interfaceId: outsider.interfaceId,
        address: '10.0.0.2',
        port: 1900,
      });
      tally(expected, 'off-link');
      await advance(1);
      maxPending = Math.max(maxPending, lab.device.pendingResponses);
    }
  }
  await advance(6000);
  return { lab, expected, ownAnnouncements, maxPending, generator };
}

describe('fuzz sample against the device (memory network)', () => {
  it('uses the same parse limits as the oracle of the fuzz runs', () => {
    expect(DEVICE_PARSE_LIMITS).toEqual(DEFAULT_PARSE_LIMITS_DEVICE);
  });

  it("counts 2,500 generated datagrams once each, under the oracle's reason, and keeps answering", async () => {
    const { lab, expected, ownAnnouncements, maxPending, generator } = await fuzzDevice(20_251_125, 2500);
    for (const category of CATEGORIES) expect(generator.counts[category], category).toBeGreaterThan(0);
    const { stats } = lab.device;
    const dropped = stats.dropped;
    expect(dropped.malformed).toBe(expected['malformed'] ?? 0);
    expect(dropped['search-bad-man']).toBe(expected['search-bad-man'] ?? 0);
    expect(dropped['search-no-host']).toBe(expected['search-no-host'] ?? 0);
    expect(dropped['mx-missing']).toBe(expected['mx-missing'] ?? 0);
    expect(dropped['mx-invalid']).toBe(expected['mx-invalid'] ?? 0);
    expect(dropped['off-link']).toBe(expected['off-link'] ?? 0);
    // NOTIFYs and responses of the attacker, plus the device's own announcements heard back on the group.
    expect(dropped['not-a-search']).toBe((expected['not-a-search'] ?? 0) + ownAnnouncements);
    // One source: a burst of 20 searches is answered, the rest wait for the per-source rate; nothing else caps.
    expect(stats.searches + dropped['source-rate-limit']).toBe(expected['search'] ?? 0);
    expect(stats.searches).toBeLessThanOrEqual(20 + 1);
    expect(
      dropped['pending-cap'] +
        dropped['response-rate-limit'] +
        dropped['amplification-guard'] +
        dropped['send-failed'] +
        dropped['interface-gone'],
    ).toBe(0);
    expect(maxPending).toBeLessThanOrEqual(lab.device.limits!.maxPendingResponses);
    expect(lab.eventsOf('warning')).toEqual([]);

    const probe = await lab.controlPoint('probe', { name: 'eth0', link: 'lan', ipv4: '10.0.0.9/24' });
    const at = await probe.search({ st: 'ssdp:all', mx: 1 });
    await advance(1000 + TRANSIT_MS);
    expect(probe.responses(at).map((r) => r.message?.kind)).toEqual([
      'search-response',
      'search-response',
      'search-response',
    ]);
  });

  it('structured attacks alone (header floods, 64 KiB lines, NUL/invalid UTF-8, MX values) are all refused, none answered', async () => {
    const { lab, expected } = await fuzzDevice(7, 1000, {
      'header-flood': 1,
      'long-line': 1,
      'nul-utf8': 1,
      'mx-attack': 1,
    });
    const { stats } = lab.device;
    expect(stats.dropped.malformed).toBe(expected['malformed']);
    expect(stats.dropped['mx-invalid']).toBe(expected['mx-invalid']);
    expect(stats.dropped['mx-missing']).toBe(expected['mx-missing']);
    expect(expected['malformed']).toBeGreaterThan(400); // header floods and long lines, most NUL/UTF-8 splices
    expect(expected['mx-invalid']).toBeGreaterThan(100); // MX -1, 1e309, NaN, 0 ... by multicast
    // MX 99999 (clamped to 5 s) and unicast searches are real searches: answered within the per-source limit.
    expect(stats.searches + stats.dropped['source-rate-limit']).toBe(expected['search']);
  });
});
