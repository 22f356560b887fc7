// A seeded sample of the fuzz generators (the same streams as the real-UDP run) against the control point library
// on the memory network: every parse and USN drop is counted under the oracle's reason, the registry stays at its
// bound under random-UDN floods, the string pool and the registry give their memory back after the clean-up
// byebyes, nothing reaches the log as an internal error, and a real device is still discovered.
import { createControlPoint, type ControlPoint, type ControlPointEvent, type HttpGet } from '@ssdp/control-point';
import { MemoryNetwork, createFakeDevice, createMemoryTransport } from '@ssdp/control-point/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGenerator, type FuzzCategory } from '../src/generators.ts';
import { judgeForController } from '../src/oracle.ts';
import { loadVectors } from '../src/vectors.ts';

const vectors = loadVectors();
const running: ControlPoint[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(async () => {
  for (const controller of running.splice(0)) await controller.stop();
  vi.useRealTimers();
});

/** LOCATIONs of the attacker are fetched and refused at once (like a closed port). */
const refusingHttpGet: HttpGet = () => Promise.reject(new Error('connect ECONNREFUSED'));

async function setup(maxDevices: number) {
  const network = new MemoryNetwork({ seed: 3 });
  network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
  network.addHost('attacker', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.4/24' }]);
  const events: ControlPointEvent[] = [];
  const logs: string[] = [];
  let transport: ReturnType<typeof createMemoryTransport> | undefined;
  const controller = createControlPoint(
    { interfaces: ['eth0'], maxDevices, userAgent: 'Linux/6.1 UPnP/2.0 ssdp-controller/0.1.0' },
    {
      createTransport: (o) =>
        (transport = createMemoryTransport({ ...o, families: ['IPv4'] }, { network, host: 'cp' })),
      clock: network.clock,
      httpGet: refusingHttpGet,
    },
  );
  controller.on('event', (e) => events.push(e));
  controller.on('warning', (l) => logs.push(l));
  running.push(controller);
  await controller.start();
  const attacker = createMemoryTransport(
    { interfaces: ['eth0'], families: ['IPv4'], port: 1900, unicastPort: 0, joinGroup: false },
    { network, host: 'attacker' },
  );
  await attacker.start();
  /** The controller's search port, where answers to its searches come. */
  const searchPort = transport!.interfaces[0]!.unicastPort;
  return { network, controller, searchPort, attacker, events, logs };
}

/** Sends `count` generated datagrams, advancing the clock by `stepMs` every 100 (0: all at once). */
async function blast(
  seed: number,
  count: number,
  maxDevices: number,
  weights?: Partial<Record<FuzzCategory, number>>,
  stepMs = 5,
) {
  const setupResult = await setup(maxDevices);
  const { controller, searchPort, attacker } = setupResult;
  const generator = createGenerator(seed, { vectors, attackerAddress: '10.0.0.4' }, weights);
  const expected: Record<string, number> = {};
  const interfaceId = attacker.interfaces[0]!.id;
  let maxLive = 0;
  for (let i = 0; i < count; i += 1) {
    const datagram = generator.next();
    if (datagram.to === 'device') continue; // a unicast to a device never reaches the controller
    const verdict = judgeForController(datagram.bytes);
    expected[verdict] = (expected[verdict] ?? 0) + 1;
    await attacker.send(
      datagram.bytes,
      datagram.to === 'controller'
        ? { kind: 'unicast', interfaceId, address: '10.0.0.1', port: searchPort }
        : { kind: 'multicast', interfaceId },
    );
    if (i % 100 === 0) {
      await vi.advanceTimersByTimeAsync(stepMs);
      maxLive = Math.max(maxLive, controller.devices().length);
    }
  }
  await vi.advanceTimersByTimeAsync(2000);
  maxLive = Math.max(maxLive, controller.devices().length);
  return { ...setupResult, expected, generator, maxLive };
}

const drops = (expected: Record<string, number>): Record<string, number> =>
  Object.fromEntries(
    Object.entries(expected)
      .filter(([verdict]) => verdict.startsWith('drop:'))
      .map(([verdict, n]) => [verdict.slice(5), n])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );

const sorted = (record: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

describe('fuzz sample against the controller (memory network)', () => {
  it("counts every parse and USN drop of 2,000 generated datagrams under the oracle's reason", async () => {
    const { controller, expected, logs, events } = await blast(20_251_125, 2000, 10_000);
    const stateless = Object.fromEntries(
      Object.entries(controller.stats.dropped).filter(
        ([reason]) =>
          !['stale-bootid', 'usn-limit', 'evicted-unannounced'].includes(reason) && !reason.startsWith('describe-'),
      ),
    );
    expect(sorted(stateless)).toEqual(drops(expected));
    // The --json `dropped` lines add up to the counters, but are summed per reason per second, not one per datagram.
    const dropEvents = events.filter(
      (e): e is Extract<ControlPointEvent, { event: 'dropped' }> => e.event === 'dropped',
    );
    const datagramDrops = Object.entries(controller.stats.dropped)
      .filter(([reason]) => !reason.startsWith('describe-') && reason !== 'evicted-unannounced')
      .reduce((a, [, n]) => a + n, 0);
    expect(dropEvents.reduce((sum, e) => sum + e.count, 0)).toBe(datagramDrops);
    expect(dropEvents.length).toBeLessThan(datagramDrops / 5);
    // Somebody's M-SEARCH is ignored (ours too, looped back); a byebye for an unknown device is only counted.
    expect(controller.stats.ignored - controller.stats.searchesSent).toBeLessThanOrEqual(expected['ignored'] ?? 0);
    expect(controller.stats.ignored).toBeGreaterThanOrEqual(expected['ignored'] ?? 0);
    expect(controller.stats.unknown).toBeLessThanOrEqual(expected['byebye'] ?? 0);
    expect(controller.stats.unknown).toBeGreaterThan(0);
    expect(logs.filter((l) => l.includes('internal error'))).toEqual([]);
    // Hostile LOCATIONs (file:///, 127.0.0.1:22, credentials ...) end on their device, never elsewhere.
    expect(events.some((e) => e.event === 'describe-failed')).toBe(true);
  }, 30_000);

  it('stays at --max-devices under a random-UDN NOTIFY flood, evicting the least recently seen', async () => {
    const { controller, maxLive, events, logs } = await blast(5, 1000, 200, { 'registry-flood': 1 }, 400);
    expect(maxLive).toBeLessThanOrEqual(200);
    expect(controller.devices()).toHaveLength(200);
    const added = events.filter((e) => e.event === 'device-added').length;
    const evicted = events.filter((e) => e.event === 'device-removed' && e.reason === 'evicted').length;
    expect(added).toBeGreaterThan(300); // the flood went on over seconds: many were announced before eviction
    expect(added - evicted).toBe(200);
    expect(controller.stats.evicted).toBe(evicted);
    expect(logs.filter((l) => l.includes('registry full')).length).toBeGreaterThan(0);
  }, 30_000);

  it('forgets the flood after the byebyes, and still discovers a real device', async () => {
    const { controller, network, attacker, generator } = await blast(9, 1500, 10_000);
    expect(controller.devices().length).toBeGreaterThan(50);
    const interfaceId = attacker.interfaces[0]!.id;
    for (const uuid of generator.advertisedUuids()) {
      const bytes = new TextEncoder().encode(
        `NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:byebye\r\nUSN: uuid:${uuid}::upnp:rootdevice\r\n\r\n`,
      );
      await attacker.send(bytes, { kind: 'multicast', interfaceId });
    }
    await vi.advanceTimersByTimeAsync(2000);
    // Every device the generator advertised is gone, in whatever letter case it was advertised ("UUID:E07F..."
    // collisions too: UUIDs compare case-insensitively). Mutated captures bring UUIDs of their own, which stay.
    const advertised = new Set(generator.advertisedUuids().map((u) => `uuid:${u.toLowerCase()}`));
    expect(
      controller
        .devices()
        .filter((d) => advertised.has(d.udn.toLowerCase()))
        .map((d) => [d.udn, d.usns, d.address]),
    ).toEqual([]);

    network.addHost('good', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.20/24' }]);
    const good = createFakeDevice({ network, host: 'good', uuid: '6fac1234-31f8-11b4-a222-08002b34c006' });
    await good.start();
    await good.alive();
    await vi.advanceTimersByTimeAsync(1500);
    expect(controller.devices().some((d) => d.udn === 'uuid:6fac1234-31f8-11b4-a222-08002b34c006')).toBe(true);
    await good.stop();
  }, 30_000);
});
