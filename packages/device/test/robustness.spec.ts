import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, createLab, TRANSIT_MS } from './support/harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

// Datagrams that look more or less like SSDP: real lines, mangled values, binary junk, huge and empty ones.
const line = fc.oneof(
  fc.constantFrom('M-SEARCH * HTTP/1.1', 'NOTIFY * HTTP/1.1', 'HTTP/1.1 200 OK', 'GET / HTTP/1.1', ''),
  fc
    .tuple(
      fc.constantFrom(
        'HOST',
        'MAN',
        'MX',
        'ST',
        'NT',
        'NTS',
        'USN',
        'USER-AGENT',
        'LOCATION',
        'CACHE-CONTROL',
        'X',
        'Mx',
        'st',
      ),
      fc.oneof(
        fc.constantFrom(
          '239.255.255.250:1900',
          '"ssdp:discover"',
          '1',
          '0',
          '-1',
          '1e309',
          'abc',
          '99999999999999',
          'ssdp:all',
          'null',
          'uuid:',
          'urn:a:device:b:0',
          'ssdp:alive',
        ),
        fc.string({ maxLength: 40 }),
      ),
    )
    .map(([name, value]) => `${name}: ${value}`),
  fc.string({ maxLength: 60 }),
);
const datagram = fc.oneof(
  fc
    .array(line, { maxLength: 12 })
    .chain((lines) =>
      fc.constantFrom('\r\n', '\n', '\r').map((eol) => new TextEncoder().encode(lines.join(eol) + eol + eol)),
    ),
  fc.uint8Array({ maxLength: 600 }),
  fc.constant(new Uint8Array(0)),
  fc.constant(new Uint8Array(70_000).fill(0x41)),
);

describe('robustness', () => {
  it('survives 1,500 generated datagrams, counts them all, and keeps answering', async () => {
    const lab = createLab();
    const noise = await lab.controlPoint(
      'noise',
      { name: 'eth0', link: 'lan', ipv4: '10.0.0.3/24' },
      { joinGroup: false },
    );
    const cp = await lab.controlPoint('cp', { name: 'eth0', link: 'lan', ipv4: '10.0.0.4/24' }, { joinGroup: false });
    await lab.start();
    const inputs = fc.sample(datagram, { numRuns: 1500, seed: 4242 });
    for (const [i, bytes] of inputs.entries()) {
      await noise.sendRaw(
        bytes,
        i % 3 === 0 ? { kind: 'unicast', interfaceId: noise.interfaceId, address: '10.0.0.2', port: 1900 } : undefined,
      );
      if (i % 100 === 0) await advance(1);
    }
    await advance(6000);
    const { stats } = lab.device;
    const handled = stats.searches + Object.values(stats.dropped).reduce((a, b) => a + b, 0);
    // Every datagram was either a search or a counted drop (plus our own 9 announcements, looped back).
    expect(handled).toBe(1500 + 9);
    expect(lab.eventsOf('warning')).toEqual([]);
    const at = await cp.search({ st: 'upnp:rootdevice', mx: 1 });
    await advance(1000 + TRANSIT_MS);
    expect(cp.responses(at)).toHaveLength(1);
  });
});
