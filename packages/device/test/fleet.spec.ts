import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, createLab, deviceDelays, header, TRANSIT_MS } from './support/harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('fleet mode', () => {
  it('answers one ssdp:all completely for --count 1000 (3,000 responses spread over MX)', async () => {
    const lab = createLab({ device: { count: 1000 } });
    const cp = await lab.controlPoint('cp', { name: 'eth0', link: 'lan', ipv4: '10.0.0.3/24' }, { joinGroup: false });
    await lab.start(4000); // past the paced initial announcements (9,000 NOTIFYs)
    const sentAt = await cp.search({ st: 'ssdp:all', mx: 3 });
    await advance(3001);
    const responses = cp.responses(sentAt);
    expect(responses).toHaveLength(3000);
    expect(new Set(responses.map((r) => header(r, 'USN'))).size).toBe(3000);
    expect(new Set(responses.map((r) => header(r, 'LOCATION'))).size).toBe(1000);
    const delays = responses.map((r) => r.at - sentAt);
    expect(Math.max(...delays)).toBeLessThanOrEqual(3000 + TRANSIT_MS);
    expect(deviceDelays(lab)).toHaveLength(3000);
    // Spread: no 10 ms slot of the window holds more than a small share of them.
    const slots = new Map<number, number>();
    for (const d of delays) slots.set(Math.floor(d / 10), (slots.get(Math.floor(d / 10)) ?? 0) + 1);
    expect(Math.max(...slots.values())).toBeLessThan(40);
    const { dropped } = lab.device.stats;
    expect(dropped['pending-cap'] + dropped['response-rate-limit'] + dropped['source-rate-limit']).toBe(0);

    // A uuid: search for one member gets exactly that member.
    const member = lab.device.fleet!.members[737]!;
    const at = await cp.search({ st: member.udn, mx: 1 });
    await advance(1000 + TRANSIT_MS);
    expect(cp.responses(at).map((r) => header(r, 'USN'))).toEqual([member.udn]);
  });
});
