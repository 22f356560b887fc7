import { describe, expect, it } from 'vitest';
import { DROP_REASONS, type DeviceEvent, type DeviceStats, type DropReason } from '@ssdp/device';
import { createOutput, outputInterest } from '../src/output.ts';

function emptyStats(): DeviceStats {
  const dropped = Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number>;
  return { searches: 0, responses: 0, alive: 0, byebye: 0, updates: 0, dropped };
}

const AT = Date.UTC(2025, 10, 25, 12, 0, 0);
const TIME = new Date(AT).toISOString();
const RAW =
  'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 3\r\nST: ssdp:all\r\n\r\n';

const search: DeviceEvent = {
  event: 'search-received',
  time: TIME,
  searchId: 7,
  from: { address: '10.0.0.3', port: 50000 },
  interfaceId: 'eth0/IPv4',
  via: 'multicast',
  st: 'ssdp:all',
  mx: '3',
  userAgent: undefined,
  windowMs: 3000,
  responses: 3,
  raw: RAW,
};
const response = (index: number, total: number, delayMs: number, searchId = 7): DeviceEvent => ({
  event: 'response-sent',
  time: new Date(AT + delayMs).toISOString(),
  searchId,
  to: { address: '10.0.0.3', port: 50000 },
  interfaceId: 'eth0/IPv4',
  st: 'upnp:rootdevice',
  usn: 'uuid:x::upnp:rootdevice',
  delayMs,
  mx: '3',
  windowMs: 3000,
  index,
  total,
});
const dropped: DeviceEvent = {
  event: 'dropped',
  time: TIME,
  reason: 'off-link',
  count: 1,
  source: { address: '10.9.9.9', port: 1900 },
  interfaceId: 'eth0/IPv4',
};

function run(json: boolean, verbose: boolean, events: DeviceEvent[]) {
  const out: string[] = [];
  const err: string[] = [];
  const print = createOutput({ json, verbose, stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  for (const event of events) print(event);
  return { out, err };
}

describe('human output', () => {
  it("prints the seed's lines: who searched, and when the answer went out", () => {
    const { out } = run(false, false, [
      search,
      response(1, 3, 400),
      response(2, 3, 1200),
      response(3, 3, 2871),
      dropped,
    ]);
    expect(out).toEqual(['search from 10.0.0.3:50000 -', 'sent to 10.0.0.3 after 2.87 s (MX 3), 3 responses']);
    const single = run(false, false, [{ ...search, userAgent: 'WIN10.', responses: 1 }, response(1, 1, 1234)]);
    expect(single.out).toEqual(['search from 10.0.0.3:50000 WIN10.', 'sent to 10.0.0.3 after 1.23 s (MX 3)']);
  });

  it('adds the whole message, each response and every drop with --verbose', () => {
    const { out } = run(false, true, [search, response(1, 3, 400), dropped]);
    expect(out).toEqual([
      'search from 10.0.0.3:50000 -',
      '  M-SEARCH * HTTP/1.1',
      '  HOST: 239.255.255.250:1900',
      '  MAN: "ssdp:discover"',
      '  MX: 3',
      '  ST: ssdp:all',
      'sent to 10.0.0.3 after 0.40 s (MX 3) uuid:x::upnp:rootdevice [1/3]',
      'dropped off-link from 10.9.9.9:1900',
    ]);
  });

  it('sends warnings and interface changes to stderr and ends with a summary', () => {
    const stats = emptyStats();
    stats.searches = 2;
    stats.responses = 6;
    stats.dropped['off-link'] = 4;
    stats.dropped['not-a-search'] = 9;
    const { out, err } = run(false, false, [
      { event: 'warning', time: TIME, message: 'SSDP_ERR_SOCKET: boom' },
      {
        event: 'interfaces-changed',
        time: TIME,
        added: ['eth1/IPv4'],
        removed: [],
        changed: [{ id: 'eth0/IPv4', from: '10.0.0.2', to: '10.0.0.9' }],
      },
      { event: 'stopped', time: TIME, reason: 'SIGINT', uptimeMs: 61_500, stats },
    ]);
    expect(err).toEqual([
      'ssdp-device: warning: SSDP_ERR_SOCKET: boom',
      'ssdp-device: interfaces changed: added eth1/IPv4, eth0/IPv4 10.0.0.2 -> 10.0.0.9',
    ]);
    expect(out).toEqual([
      'stopped (SIGINT) after 61.50 s: 2 searches, 6 responses, 0 alive, 0 byebye, 0 updates, 9 other messages ignored; dropped: off-link 4',
    ]);
  });
});

describe('--json output', () => {
  it('writes one JSON object per event with its name and an ISO time', () => {
    const { out } = run(true, false, [search, response(1, 3, 400), dropped]);
    expect(out).toHaveLength(3);
    const events = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toEqual({
      event: 'search-received',
      time: '2025-11-25T12:00:00.000Z',
      searchId: 7,
      from: { address: '10.0.0.3', port: 50000 },
      interfaceId: 'eth0/IPv4',
      via: 'multicast',
      st: 'ssdp:all',
      mx: '3',
      windowMs: 3000,
      responses: 3,
    });
    expect(events[1]).toMatchObject({
      event: 'response-sent',
      time: '2025-11-25T12:00:00.400Z',
      delayMs: 400,
      index: 1,
      total: 3,
    });
    expect(events[2]).toEqual({
      event: 'dropped',
      time: '2025-11-25T12:00:00.000Z',
      reason: 'off-link',
      count: 1,
      source: { address: '10.9.9.9', port: 1900 },
      interfaceId: 'eth0/IPv4',
    });
    expect(Object.keys(events[0]!)[0]).toBe('event');
  });

  it('includes the raw message with --verbose and mirrors warnings on stderr', () => {
    const { out, err } = run(true, true, [search, { event: 'warning', time: TIME, message: 'x' }]);
    expect((JSON.parse(out[0]!) as { raw: string }).raw).toBe(RAW);
    expect(JSON.parse(out[1]!)).toEqual({ event: 'warning', time: '2025-11-25T12:00:00.000Z', message: 'x' });
    expect(err).toEqual(['ssdp-device: warning: x']);
  });
});

describe('outputInterest', () => {
  const stats = emptyStats();
  const all: DeviceEvent[] = [
    {
      event: 'started',
      time: TIME,
      profile: 'upnp',
      port: 1900,
      bootId: 1,
      count: 1,
      advertisementCount: 3,
      interfaces: [{ id: 'eth0/IPv4', address: '10.0.0.2', httpPort: 8080 }],
      devices: [{ udn: 'uuid:x', friendlyName: 'X', configId: 1, locations: ['http://10.0.0.2:8080/d.xml'] }],
    },
    {
      event: 'alive-sent',
      time: TIME,
      interfaceId: 'eth0/IPv4',
      nt: 'upnp:rootdevice',
      usn: 'uuid:x::upnp:rootdevice',
      bootId: 1,
    },
    search,
    response(1, 3, 400),
    response(2, 3, 1200),
    response(3, 3, 2871),
    { ...search, searchId: 8, responses: 1 },
    response(1, 1, 10, 8),
    { ...search, searchId: 9, responses: 2 },
    response(1, 2, 10, 9), // the second one failed: no line without --verbose
    dropped,
    {
      event: 'byebye-sent',
      time: TIME,
      interfaceId: 'eth0/IPv4',
      nt: 'upnp:rootdevice',
      usn: 'uuid:x::upnp:rootdevice',
      bootId: 1,
    },
    {
      event: 'update-sent',
      time: TIME,
      interfaceId: 'eth0/IPv4',
      nt: 'upnp:rootdevice',
      usn: 'uuid:x::upnp:rootdevice',
      bootId: 1,
      nextBootId: 2,
    },
    { event: 'interfaces-changed', time: TIME, added: ['eth1/IPv4'], removed: [], changed: [] },
    { event: 'warning', time: TIME, message: 'w' },
    { event: 'stopped', time: TIME, reason: 'SIGTERM', uptimeMs: 1000, stats },
  ];

  /** What the device builds for this interest: unwanted events never exist, raw only when asked for. */
  function built(interest: ReturnType<typeof outputInterest>): DeviceEvent[] {
    return all.flatMap((event): DeviceEvent[] => {
      if (interest.events !== 'all' && !interest.events.has(event.event)) return [];
      if (event.event === 'response-sent' && interest.responses === 'last' && event.index !== event.total) return [];
      if (event.event === 'search-received' && !interest.raw) {
        const { raw: _raw, ...rest } = event;
        return [rest];
      }
      return [event];
    });
  }

  for (const json of [false, true]) {
    for (const verbose of [false, true]) {
      it(`prints the same bytes from only the events it asks for (json ${json}, verbose ${verbose})`, () => {
        const interest = outputInterest({ json, verbose });
        const full = run(json, verbose, all);
        const lean = run(json, verbose, built(interest));
        expect(lean.out).toEqual(full.out);
        expect(lean.err).toEqual(full.err);
        expect(full.out.length).toBeGreaterThan(3);
      });
    }
  }

  it('asks for less than everything without --verbose', () => {
    expect(outputInterest({ json: false, verbose: false })).toMatchObject({ raw: false, responses: 'last' });
    expect(built(outputInterest({ json: false, verbose: false })).length).toBeLessThan(all.length - 4);
    expect(outputInterest({ json: true, verbose: false })).toMatchObject({
      events: 'all',
      raw: false,
      responses: 'each',
    });
    expect(outputInterest({ json: true, verbose: true }).raw).toBe(true);
  });
});
