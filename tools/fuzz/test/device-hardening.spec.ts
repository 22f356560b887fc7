// A seeded sample of the fuzz generators (the same streams as the real-UDP run) against the device library on
// the memory network: every datagram is counted once under the reason the oracle gives, nothing throws, pending
// responses stay under their cap, and a real search is still answered afterwards.
import { createDevice, defaultLimits, type DeviceEvent } from '@ssdp/device';
import {
  MemoryNetwork,
  createMemoryDescriptionServer,
  createMemoryStateStore,
  createMemoryTransport,
  seededRandom,
  type MemoryInterfaceInit,
} from '@ssdp/device/testing';
import { createMSearch, parseMessage, serializeMessage } from '@ssdp/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CATEGORIES, createGenerator, type FuzzCategory } from '../src/generators.ts';
import { DEVICE_PARSE_LIMITS, judgeForDevice } from '../src/oracle.ts';
import { loadVectors } from '../src/vectors.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
/** The memory network delivers a datagram one clock tick after it is sent: a search and its answer take 2 ms. */
const TRANSIT_MS = 2;
const vectors = loadVectors();
const ATTACKER = { name: 'eth0', link: 'lan', ipv4: '10.0.0.3/24' };

function tally(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

/** A device on 10.0.0.2 (eth0, link lan) and its events. */
async function startDevice(network: MemoryNetwork) {
  network.addHost('device', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
  const device = createDevice(
    { interfaces: ['eth0'] },
    {
      createTransport: (o) => createMemoryTransport(o, { network, host: 'device' }),
      createStateStore: () => createMemoryStateStore(),
      createDescriptionServer: () => createMemoryDescriptionServer(),
      random: seededRandom(42),
    },
  );
  const events: DeviceEvent[] = [];
  device.on('event', (event) => events.push(event));
  await device.start();
  await advance(2000);
  return { device, events };
}

/** A sender on its own host; it hears answers to its searches on an ephemeral port. */
async function peer(network: MemoryNetwork, name: string, iface: MemoryInterfaceInit, joinGroup = true) {
  network.addHost(name, [iface]);
  const transport = createMemoryTransport(
    { interfaces: [iface.name], port: 1900, unicastPort: 0, joinGroup },
    { network, host: name },
  );
  const answers: { at: number; kind: string | undefined }[] = [];
  transport.onDatagram((datagram) => {
    const parsed = parseMessage(datagram.bytes);
    if (datagram.via === 'unicast') answers.push({ at: Date.now(), kind: parsed.ok ? parsed.message.kind : undefined });
  });
  await transport.start();
  const interfaceId = transport.interfaces[0]!.id;
  return {
    sendRaw: (bytes: Uint8Array, to?: string) =>
      transport.send(
        bytes,
        to === undefined
          ? { kind: 'multicast', interfaceId }
          : { kind: 'unicast', interfaceId, address: to, port: 1900 },
      ),
    /** Search responses that arrived by unicast after `since`. */
    responses: (since: number) => answers.filter((a) => a.at > since && a.kind === 'search-response'),
  };
}

/** Responses scheduled and not sent yet, from the device's own events. */
function pending(events: readonly DeviceEvent[]): number {
  let scheduled = 0;
  for (const e of events) {
    if (e.event === 'search-received') scheduled += e.responses;
    else if (e.event === 'response-sent') scheduled -= 1;
  }
  return scheduled;
}

async function fuzzDevice(seed: number, count: number, weights?: Partial<Record<FuzzCategory, number>>) {
  const network = new MemoryNetwork({ seed: 1 });
  const { device, events } = await startDevice(network);
  const attacker = await peer(network, 'attacker', ATTACKER, false);
  const outsider = await peer(network, 'outsider', { name: 'eth0', link: 'wan', ipv4: '172.16.0.5/24' }, false);
  const ownAnnouncements = device.stats.alive;
  const generator = createGenerator(
    seed,
    {
      vectors,
      attackerAddress: '10.0.0.3',
      deviceAddress: '10.0.0.2',
      knownUuids: [device.udn.slice(5)],
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
    await attacker.sendRaw(datagram.bytes, unicast ? '10.0.0.2' : undefined);
    if (i % 50 === 0) {
      // Whatever it is, a datagram from off the subnet is dropped before it is parsed.
      await outsider.sendRaw(datagram.bytes, '10.0.0.2');
      tally(expected, 'off-link');
      await advance(1);
      maxPending = Math.max(maxPending, pending(events));
    }
  }
  await advance(6000);
  const warnings = events.filter((e) => e.event === 'warning');
  return { network, device, warnings, expected, ownAnnouncements, maxPending, generator };
}

describe('fuzz sample against the device (memory network)', () => {
  it('uses the same parse limits as the oracle of the fuzz runs, whatever the fleet size', () => {
    for (const count of [1, 10, 10_000]) expect(defaultLimits(count).parseLimits).toEqual(DEVICE_PARSE_LIMITS);
  });

  it("counts 2,500 generated datagrams once each, under the oracle's reason, and keeps answering", async () => {
    const { network, device, warnings, expected, ownAnnouncements, maxPending, generator } = await fuzzDevice(
      20_251_125,
      2500,
    );
    for (const category of CATEGORIES) expect(generator.counts[category], category).toBeGreaterThan(0);
    const { stats } = device;
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
    expect(maxPending).toBeGreaterThan(0);
    expect(maxPending).toBeLessThanOrEqual(defaultLimits(1).maxPendingResponses);
    expect(warnings).toEqual([]);

    const probe = await peer(network, 'probe', { name: 'eth0', link: 'lan', ipv4: '10.0.0.9/24' });
    const at = Date.now();
    await probe.sendRaw(serializeMessage(createMSearch({ st: 'ssdp:all', mx: 1 })));
    await advance(1000 + TRANSIT_MS);
    expect(probe.responses(at).map((r) => r.kind)).toEqual(['search-response', 'search-response', 'search-response']);
  });

  it('structured attacks alone (header floods, 64 KiB lines, NUL/invalid UTF-8, MX values) are all refused, none answered', async () => {
    const { device, expected } = await fuzzDevice(7, 1000, {
      'header-flood': 1,
      'long-line': 1,
      'nul-utf8': 1,
      'mx-attack': 1,
    });
    const { stats } = device;
    expect(stats.dropped.malformed).toBe(expected['malformed']);
    expect(stats.dropped['mx-invalid']).toBe(expected['mx-invalid']);
    expect(stats.dropped['mx-missing']).toBe(expected['mx-missing']);
    expect(expected['malformed']).toBeGreaterThan(400); // header floods and long lines, most NUL/UTF-8 splices
    expect(expected['mx-invalid']).toBeGreaterThan(100); // MX -1, 1e309, NaN, 0 ... by multicast
    // MX 99999 (clamped to 5 s) and unicast searches are real searches: answered within the per-source limit.
    expect(stats.searches + stats.dropped['source-rate-limit']).toBe(expected['search']);
  });
});
