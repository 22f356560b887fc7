import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessage, type MSearchMessage } from '@ssdp/protocol';
import { type SsdpTransport } from '@ssdp/transport';
import { MemoryNetwork, createMemoryTransport, type MemoryInterfaceInit } from '@ssdp/transport/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createControlPointEngine as createController,
  type ControlPointEngine as Controller,
  type ControlPointEngineInit as ControllerInit,
} from '../src/control-point-engine.ts';
import { controlPointTransportOptions } from '../src/control-point-options.ts';
import type { DescriptionFetcher, DescriptionRequest } from '../src/description-fetcher.ts';
import type { ControllerEvent } from '../src/events.ts';
import { createFakeDevice, type FakeDeviceInit } from '../src/testing/fake-device.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const UUID_A = '2fac1234-31f8-11b4-a222-08002b34c003';
const UUID_B = '3fac1234-31f8-11b4-a222-08002b34c004';
const UUID_E = '4fac1234-31f8-11b4-a222-08002b34c005';
const seedNotify = readFileSync(
  fileURLToPath(new URL('../../protocol/test/vectors/seed-device-notify.bin', import.meta.url)),
);
const minidlnaAlive = readFileSync(
  fileURLToPath(new URL('../../protocol/test/vectors/minidlnad-notify-alive.bin', import.meta.url)),
);

interface Setup {
  network: MemoryNetwork;
  controller: Controller;
  events: ControllerEvent[];
  logs: string[];
  of<N extends ControllerEvent['event']>(name: N): Extract<ControllerEvent, { event: N }>[];
  device(init: Omit<FakeDeviceInit, 'network'>): ReturnType<typeof createFakeDevice>;
}

let running: Controller[] = [];

afterEach(async () => {
  for (const controller of running) await controller.stop();
  running = [];
  vi.useRealTimers();
});

function lan(extra: Record<string, readonly MemoryInterfaceInit[]> = {}): MemoryNetwork {
  const network = new MemoryNetwork();
  network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
  network.addHost('dev1', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
  network.addHost('dev2', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.3/24' }]);
  for (const [name, interfaces] of Object.entries(extra)) network.addHost(name, interfaces);
  return network;
}

async function setup(
  init: Partial<ControllerInit> = {},
  options: { network?: MemoryNetwork; interfaces?: string[]; fetcher?: DescriptionFetcher } = {},
): Promise<Setup> {
  vi.useFakeTimers({ now: 0 });
  const network = options.network ?? lan();
  const profile = init.profile ?? 'upnp';
  const port = init.port ?? (profile === 'legacy' ? 1337 : 1900);
  const transport = createMemoryTransport(
    { ...controlPointTransportOptions(profile, port, options.interfaces ?? ['eth0']), families: ['IPv4'] },
    { network, host: 'cp' },
  );
  const events: ControllerEvent[] = [];
  const logs: string[] = [];
  const controller = createController(
    {
      profile,
      target: 'ssdp:all',
      mx: 3,
      intervalMs: 10_000,
      port,
      describe: options.fetcher !== undefined,
      userAgent: 'Linux/6.1 UPnP/2.0 ssdp-controller/0.1.0',
      ...init,
    },
    {
      transport,
      clock: network.clock,
      ...(options.fetcher === undefined ? {} : { fetcher: options.fetcher }),
      onEvent: (event) => events.push(event),
      onLog: (line) => logs.push(line),
    },
  );
  running.push(controller);
  return {
    network,
    controller,
    events,
    logs,
    of: <N extends ControllerEvent['event']>(name: N) =>
      events.filter((e): e is Extract<ControllerEvent, { event: N }> => e.event === name),
    device: (deviceInit) => createFakeDevice({ network, ...deviceInit }),
  };
}

/** Sends raw bytes from `host` to the group (or to an address) on the memory network. */
async function rawSend(
  network: MemoryNetwork,
  host: string,
  bytes: Uint8Array,
  to?: { address: string; port: number },
  port = 1900,
) {
  const transport = createMemoryTransport(
    { interfaces: ['eth0'], families: ['IPv4'], port, unicastPort: port, joinGroup: false },
    { network, host },
  );
  await transport.start();
  const interfaceId = transport.interfaces[0]!.id;
  await transport.send(
    bytes,
    to === undefined ? { kind: 'multicast', interfaceId } : { kind: 'unicast', interfaceId, ...to },
  );
  await transport.stop();
}

describe('searching', () => {
  it('sends the M-SEARCH twice, 100 ms apart, on every interface, every interval', async () => {
    const network = lan();
    network.host('cp').addInterface({ name: 'eth1', link: 'lan2', ipv4: '10.0.1.1/24' });
    const { controller, of } = await setup({}, { network, interfaces: ['eth0', 'eth1'] });
    await controller.start();
    await vi.advanceTimersByTimeAsync(25_000);

    const searches = network.log.filter((r) => r.host === 'cp' && decoder.decode(r.bytes).startsWith('M-SEARCH'));
    expect(searches.map((r) => [r.at, r.interfaceName])).toEqual([
      [0, 'eth0'],
      [0, 'eth1'],
      [100, 'eth0'],
      [100, 'eth1'],
      [10_000, 'eth0'],
      [10_000, 'eth1'],
      [10_100, 'eth0'],
      [10_100, 'eth1'],
      [20_000, 'eth0'],
      [20_000, 'eth1'],
      [20_100, 'eth0'],
      [20_100, 'eth1'],
    ]);
    expect(
      searches.every((r) => r.via === 'multicast' && r.to.address === '239.255.255.250' && r.to.port === 1900),
    ).toBe(true);
    const parsed = parseMessage(searches[0]!.bytes);
    expect(parsed.ok).toBe(true);
    const search = (parsed as { message: MSearchMessage }).message;
    expect(search).toMatchObject({
      kind: 'm-search',
      host: '239.255.255.250:1900',
      man: 'ssdp:discover',
      mx: 3,
      cpfn: 'ssdp-controller',
    });
    expect(search.st).toEqual({ type: 'all' });
    expect(of('search-sent').map((e) => [e.cycle, e.attempt, e.interfaceId])).toEqual([
      [1, 1, 'eth0/IPv4'],
      [1, 1, 'eth1/IPv4'],
      [1, 2, 'eth0/IPv4'],
      [1, 2, 'eth1/IPv4'],
      [2, 1, 'eth0/IPv4'],
      [2, 1, 'eth1/IPv4'],
      [2, 2, 'eth0/IPv4'],
      [2, 2, 'eth1/IPv4'],
      [3, 1, 'eth0/IPv4'],
      [3, 1, 'eth1/IPv4'],
      [3, 2, 'eth0/IPv4'],
      [3, 2, 'eth1/IPv4'],
    ]);
  });

  it('searches from an ephemeral port and keeps receiving between sends (one cycle with cycles: 1)', async () => {
    const { controller, network, of, device } = await setup({ cycles: 1, target: 'upnp:rootdevice', mx: 2 });
    const dev = device({ host: 'dev1', uuid: UUID_A, responseDelayMs: () => 1500 });
    await dev.start();
    await controller.start();
    await vi.advanceTimersByTimeAsync(60_000);
    const searches = network.log.filter((r) => r.host === 'cp' && decoder.decode(r.bytes).startsWith('M-SEARCH'));
    expect(searches).toHaveLength(2);
    expect(searches[0]!.from.port).not.toBe(1900);
    expect(decoder.decode(searches[0]!.bytes)).toContain('ST: upnp:rootdevice\r\nUSER-AGENT:');
    expect(decoder.decode(searches[0]!.bytes)).toContain('MX: 2\r\n');
    // Both searches were answered (2 x upnp:rootdevice), 1.5 s later; one device.
    expect(dev.searchesSeen).toHaveLength(2);
    expect(of('device-added')).toHaveLength(1);
    await expect(controller.whenSearched()).resolves.toBeUndefined();
  });
});

describe('the registry from datagrams', () => {
  it('creates a device from 200 OK search responses, grouping every USN under its UDN', async () => {
    const { controller, of, device } = await setup();
    const dev = device({
      host: 'dev1',
      uuid: UUID_A,
      services: ['urn:schemas-upnp-org:service:SwitchPower:1', 'urn:schemas-upnp-org:service:Dimming:1'],
    });
    await dev.start();
    await controller.start();
    await vi.advanceTimersByTimeAsync(1000);

    const added = of('device-added');
    expect(added).toHaveLength(1);
    const snapshot = controller.devices()[0]!;
    expect(snapshot).toMatchObject({
      udn: `uuid:${UUID_A}`,
      address: '10.0.0.2',
      location: `http://10.0.0.2:8080/${UUID_A}.xml`,
      server: 'Linux/6.1 UPnP/2.0 fake-device/1.0',
      deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
      bootId: 1,
      configId: 1,
      interfaceId: 'eth0/IPv4',
    });
    // Refreshed by the answers to the second search (sent at 100 ms).
    expect(snapshot.lastSeen).toBeGreaterThanOrEqual(100);
    expect(snapshot.expiresAt).toBe(snapshot.lastSeen + 1_800_000);
    expect([...snapshot.usns].sort()).toEqual(
      [
        `uuid:${UUID_A}`,
        `uuid:${UUID_A}::upnp:rootdevice`,
        `uuid:${UUID_A}::urn:schemas-upnp-org:device:BinaryLight:1`,
        `uuid:${UUID_A}::urn:schemas-upnp-org:service:SwitchPower:1`,
        `uuid:${UUID_A}::urn:schemas-upnp-org:service:Dimming:1`,
      ].sort(),
    );
    expect(controller.devices()).toHaveLength(1);
  });

  it('creates a device from NOTIFY ssdp:alive between searches', async () => {
    const { controller, of, device } = await setup();
    const dev = device({ host: 'dev1', uuid: UUID_A, answerSearches: false });
    await dev.start();
    await controller.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(of('device-added')).toHaveLength(0);
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    expect(of('device-added').map((e) => e.device.udn)).toEqual([`uuid:${UUID_A}`]);
    expect(of('device-added')[0]!.device.expiresAt).toBe(5000 + 1_800_000);
  });

  it('accepts a real capture (minidlna NOTIFY, UDA 1.0, no BOOTID) and a device at two LOCATIONs is one device', async () => {
    const { controller, of, network } = await setup();
    await controller.start();
    await rawSend(network, 'dev1', minidlnaAlive);
    // A bare uuid:X NT does not say root or embedded: announced after the settle time.
    await vi.advanceTimersByTimeAsync(1200);
    expect(of('device-added')).toHaveLength(1);
    const second = decoder
      .decode(minidlnaAlive)
      .replace('http://10.77.0.11:8200/rootDesc.xml', 'http://10.77.0.11:8201/rootDesc.xml');
    await rawSend(network, 'dev1', encoder.encode(second));
    await vi.advanceTimersByTimeAsync(200);
    expect(controller.devices()).toHaveLength(1);
    const device = controller.devices()[0]!;
    expect(device.udn).toBe('uuid:4d696e69-444c-164e-9d41-00000a4d000b');
    expect(device.locations).toEqual(['http://10.77.0.11:8200/rootDesc.xml', 'http://10.77.0.11:8201/rootDesc.xml']);
    // `location` is the one of the latest datagram (it goes with `address` and `interfaceId`).
    expect(device.location).toBe('http://10.77.0.11:8201/rootDesc.xml');
    expect(device.bootId).toBeUndefined();
    expect(device.expiresAt).toBe(1200 + 70_000);
    expect(of('device-updated').at(-1)?.changes).toContain('location');
    await rawSend(network, 'dev1', minidlnaAlive);
    await vi.advanceTimersByTimeAsync(200);
    expect(controller.devices()[0]!.location).toBe('http://10.77.0.11:8200/rootDesc.xml');
    expect(controller.devices()[0]!.locations).toHaveLength(2);
  });

  it('groups an embedded device under its root even when the embedded responses arrive first', async () => {
    const { controller, of, device } = await setup();
    // Responses to ssdp:all come root (3), embedded (2), services; the root ones are delayed past the others.
    const dev = device({
      host: 'dev1',
      uuid: UUID_A,
      embedded: [{ uuid: UUID_E, deviceType: 'urn:schemas-upnp-org:device:Dimmer:1' }],
      responseDelayMs: (index) => (index < 3 ? 600 : 10),
    });
    await dev.start();
    await controller.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(of('device-added').map((e) => e.device.udn)).toEqual([`uuid:${UUID_A}`]);
    const usns = controller.devices()[0]!.usns;
    expect(usns).toContain(`uuid:${UUID_E}`);
    expect(usns).toContain(`uuid:${UUID_E}::urn:schemas-upnp-org:device:Dimmer:1`);
    expect(usns).toContain(`uuid:${UUID_A}::upnp:rootdevice`);
    expect(controller.devices()).toHaveLength(1);
  });

  it('removes a device when its max-age runs out, and a refresh moves the deadline', async () => {
    const { controller, of, device } = await setup({ intervalMs: 3_600_000 });
    const dev = device({ host: 'dev1', uuid: UUID_A, maxAge: 5, answerSearches: false });
    await dev.start();
    await controller.start();
    await dev.alive();
    await vi.advanceTimersByTimeAsync(3000);
    await dev.alive(); // at 3 s: now expires at 8 s
    await vi.advanceTimersByTimeAsync(4000);
    expect(of('device-removed')).toHaveLength(0);
    expect(controller.devices()[0]!.expiresAt).toBe(8000);
    await vi.advanceTimersByTimeAsync(1001);
    expect(of('device-removed').map((e) => [e.reason, e.device.udn, e.time])).toEqual([
      ['expired', `uuid:${UUID_A}`, 8000],
    ]);
    expect(controller.devices()).toHaveLength(0);
  });

  it('removes a device on ssdp:byebye (once, whatever number of byebyes follow)', async () => {
    const { controller, of, device } = await setup();
    const dev = device({ host: 'dev1', uuid: UUID_A });
    await dev.start();
    await controller.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(controller.devices()).toHaveLength(1);
    await dev.byebye();
    await dev.byebye();
    await vi.advanceTimersByTimeAsync(200);
    expect(of('device-removed').map((e) => [e.reason, e.device.udn])).toEqual([['byebye', `uuid:${UUID_A}`]]);
    expect(controller.devices()).toHaveLength(0);
    expect(controller.stats.unknown).toBeGreaterThan(0);
  });

  it('reports a reboot when BOOTID goes up (same device), but not for the NEXTBOOTID an ssdp:update announced', async () => {
    const { controller, of, device } = await setup({ intervalMs: 3_600_000 });
    const dev = device({ host: 'dev1', uuid: UUID_A, bootId: 10, answerSearches: false });
    await dev.start();
    await controller.start();
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    dev.bootId = 11;
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    expect(of('device-rebooted').map((e) => [e.device.udn, e.previousBootId, e.device.bootId])).toEqual([
      [`uuid:${UUID_A}`, 10, 11],
    ]);
    expect(controller.devices()).toHaveLength(1);
    expect(of('device-added')).toHaveLength(1);

    await dev.update(12);
    await vi.advanceTimersByTimeAsync(200);
    dev.bootId = 12;
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    expect(of('device-rebooted')).toHaveLength(1);
    expect(of('device-updated').flatMap((e) => e.changes)).toEqual(expect.arrayContaining(['nextBootId', 'bootId']));
    expect(controller.devices()[0]!.bootId).toBe(12);

    // A datagram from before the reboot (older BOOTID) is dropped, not a second reboot.
    dev.bootId = 11;
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    expect(of('device-rebooted')).toHaveLength(1);
    expect(controller.stats.dropped['stale-bootid']).toBeGreaterThan(0);
    expect(controller.devices()[0]!.bootId).toBe(12);
  });

  it('is bounded: beyond max devices the least recently seen is evicted, counted and logged', async () => {
    const network = lan();
    for (let i = 0; i < 5; i += 1)
      network.addHost(`d${i}`, [{ name: 'eth0', link: 'lan', ipv4: `10.0.0.${20 + i}/24` }]);
    const { controller, of, device, logs } = await setup(
      { registry: { maxDevices: 3 }, intervalMs: 3_600_000 },
      { network },
    );
    await controller.start();
    const devices = [0, 1, 2, 3, 4].map((i) =>
      device({ host: `d${i}`, uuid: `0000000${i}-31f8-11b4-a222-08002b34c003`, answerSearches: false }),
    );
    for (const dev of devices) {
      await dev.start();
      await dev.alive();
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(of('device-added')).toHaveLength(5);
    expect(of('device-removed').map((e) => [e.reason, e.device.udn])).toEqual([
      ['evicted', 'uuid:00000000-31f8-11b4-a222-08002b34c003'],
      ['evicted', 'uuid:00000001-31f8-11b4-a222-08002b34c003'],
    ]);
    expect(controller.devices()).toHaveLength(3);
    expect(controller.stats.evicted).toBe(2);
    expect(logs.filter((l) => l.includes('registry full'))).toHaveLength(1);

    // Seen again, device 2 becomes the most recent: the next eviction takes device 3.
    await devices[2]!.alive();
    await vi.advanceTimersByTimeAsync(200);
    const sixth = device({ host: 'dev2', uuid: UUID_B, answerSearches: false });
    await sixth.start();
    await sixth.alive();
    await vi.advanceTimersByTimeAsync(200);
    expect(of('device-removed').at(-1)?.device.udn).toBe('uuid:00000003-31f8-11b4-a222-08002b34c003');
  });

  it('counts and logs evictions of devices that were never announced (evicted-unannounced)', async () => {
    const network = lan({ attacker: [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.66/24' }] });
    const { controller, of, logs } = await setup({ registry: { maxDevices: 3 }, intervalMs: 3_600_000 }, { network });
    await controller.start();
    // Fresh UDNs that are not roots wait 1 s before they are announced: a burst of 10 evicts 7 of them unheard.
    for (let i = 0; i < 10; i += 1) {
      const uuid = `6c${String(i).padStart(6, '0')}-1111-4222-8333-444455556666`;
      await rawSend(
        network,
        'attacker',
        encoder.encode(
          `NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://10.0.0.66/d.xml\r\nNT: uuid:${uuid}\r\nNTS: ssdp:alive\r\nUSN: uuid:${uuid}\r\n\r\n`,
        ),
      );
    }
    await vi.advanceTimersByTimeAsync(2000);
    expect(of('device-removed')).toHaveLength(0);
    expect(controller.devices()).toHaveLength(3);
    expect(controller.stats.dropped['evicted-unannounced']).toBe(7);
    expect(controller.stats.evicted).toBe(0);
    expect(logs.filter((l) => l.includes('registry full'))).toEqual([
      'registry full (3 devices): evicted the least recently seen (1 so far, 1 of them before they were announced)',
    ]);
  });

  it('counts and ignores malformed datagrams and other control points\u2019 searches, and keeps working', async () => {
    const { controller, of, network, device } = await setup({ intervalMs: 3_600_000 });
    await controller.start();
    await rawSend(network, 'dev2', encoder.encode('GARBAGE\r\n\r\n'));
    await rawSend(network, 'dev2', new Uint8Array([0xff, 0x00, 0x13, 0x37]));
    await rawSend(
      network,
      'dev2',
      encoder.encode('NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNTS: ssdp:alive\r\nUSN: nope\r\n\r\n'),
    );
    await rawSend(
      network,
      'dev2',
      encoder.encode(
        'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n',
      ),
    );
    await vi.advanceTimersByTimeAsync(200);
    // The first of each reason at once, with its sender; the second BAD_START_LINE is summed until the second ends.
    expect(of('dropped').map((e) => [e.reason, e.count, e.address, e.port !== undefined])).toEqual([
      ['SSDP_ERR_BAD_START_LINE', 1, '10.0.0.3', true],
      ['SSDP_ERR_INVALID_USN', 1, '10.0.0.3', true],
    ]);
    expect(controller.stats.dropped).toMatchObject({ SSDP_ERR_BAD_START_LINE: 2, SSDP_ERR_INVALID_USN: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(
      of('dropped')
        .slice(2)
        .map((e) => [e.reason, e.count, e.address, e.port]),
    ).toEqual([['SSDP_ERR_BAD_START_LINE', 1, '10.0.0.3', undefined]]);
    expect(controller.stats.ignored).toBeGreaterThanOrEqual(2); // the other search and our own, looped back
    const dev = device({ host: 'dev1', uuid: UUID_A, answerSearches: false });
    await dev.start();
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    expect(controller.devices()).toHaveLength(1);
  });
});

describe('first seen', () => {
  it('is the time the datagram was read, not the time after it was parsed and reported', async () => {
    // A clock that moves 7 ms at every reading while a datagram is being handled (as a slow parse would).
    const network = lan();
    let ticking = false;
    let offset = 0;
    const clock = {
      now: () => (ticking ? (offset += 7) : offset) + network.clock.now(),
      setTimeout: network.clock.setTimeout.bind(network.clock),
      clearTimeout: network.clock.clearTimeout.bind(network.clock),
    };
    vi.useFakeTimers({ now: 0 });
    const transport = createMemoryTransport(
      { ...controlPointTransportOptions('upnp', 1900, ['eth0']), families: ['IPv4'] },
      { network, host: 'cp' },
    );
    const readAt: number[] = [];
    const wrapped: SsdpTransport = {
      get interfaces() {
        return transport.interfaces;
      },
      start: () => transport.start(),
      stop: () => transport.stop(),
      send: transport.send.bind(transport),
      onError: transport.onError.bind(transport),
      onInterfacesChanged: transport.onInterfacesChanged.bind(transport),
      onDatagram: (handler) =>
        transport.onDatagram((datagram) => {
          readAt.push(clock.now());
          ticking = true;
          try {
            handler(datagram);
          } finally {
            ticking = false;
          }
        }),
    };
    const events: ControllerEvent[] = [];
    const controller = createController(
      {
        profile: 'upnp',
        target: 'ssdp:all',
        mx: 3,
        intervalMs: 3_600_000,
        port: 1900,
        describe: false,
        verbose: true,
        userAgent: 'Linux/6.1 UPnP/2.0 t/1',
      },
      { transport: wrapped, clock, onEvent: (e) => events.push(e) },
    );
    running.push(controller);
    await controller.start();
    const dev = createFakeDevice({ network, host: 'dev1', uuid: UUID_A, answerSearches: false });
    await dev.start();
    await vi.advanceTimersByTimeAsync(500);
    const before = readAt.length;
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    const first = readAt[before]!;
    // The first reading inside the handler (one tick after the wrapper's) is the stamp; the verbose report and
    // anything after it read later times.
    expect(controller.devices()[0]!.firstSeen).toBe(first + 7);
    const received = events.find((e) => e.event === 'message-received' && e.kind === 'notify-alive')!;
    expect(received.time).toBeGreaterThan(first + 7);
  });
});

describe('drop reporting', () => {
  it('reports a flood of bad datagrams as one dropped event per reason per second, with exact counts', async () => {
    const network = lan({ other: [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.9/24' }] });
    const { controller, of } = await setup({ intervalMs: 3_600_000 }, { network });
    await controller.start();
    const flooder = createMemoryTransport(
      { interfaces: ['eth0'], families: ['IPv4'], port: 1900, unicastPort: 0, joinGroup: false },
      { network, host: 'dev2' },
    );
    await flooder.start();
    const interfaceId = flooder.interfaces[0]!.id;
    // 3 s of 500 garbage datagrams per second, plus 200 USN-less NOTIFYs in the first second.
    for (let second = 0; second < 3; second += 1) {
      for (let i = 0; i < 500; i += 1) {
        await flooder.send(encoder.encode(`GARBAGE ${i}\r\n\r\n`), { kind: 'multicast', interfaceId });
        if (second === 0 && i < 200) {
          await flooder.send(
            encoder.encode('NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNTS: ssdp:alive\r\nUSN: nope\r\n\r\n'),
            { kind: 'multicast', interfaceId },
          );
        }
        if (second === 1 && i === 250) await rawSend(network, 'other', encoder.encode('GARBAGE\r\n\r\n')); // a second sender
        if (i % 50 === 49) await vi.advanceTimersByTimeAsync(100);
      }
    }
    await vi.advanceTimersByTimeAsync(10);
    await controller.stop(); // reports what is still being summed
    await flooder.stop();
    expect(controller.stats.dropped).toEqual({ SSDP_ERR_BAD_START_LINE: 1501, SSDP_ERR_INVALID_USN: 200 });
    const dropped = of('dropped');
    const bad = dropped.filter((e) => e.reason === 'SSDP_ERR_BAD_START_LINE');
    // 1,501 in 3 s: the first at once, a sum at the end of each second, and the rest when it stops.
    expect(bad.length).toBeLessThanOrEqual(5);
    expect(dropped.filter((e) => e.reason === 'SSDP_ERR_INVALID_USN').length).toBeLessThanOrEqual(2);
    // Counters stay exact: the events add up to them.
    expect(bad.reduce((sum, e) => sum + e.count, 0)).toBe(1501);
    expect(dropped.filter((e) => e.reason === 'SSDP_ERR_INVALID_USN').reduce((sum, e) => sum + e.count, 0)).toBe(200);
    // The first names its sender; a sum names the sender only while there is one.
    expect(bad[0]).toMatchObject({ count: 1, address: '10.0.0.3', interfaceId: 'eth0/IPv4' });
    expect(bad.slice(1).map((e) => [e.address, e.port])).toEqual([
      ['10.0.0.3', undefined],
      [undefined, undefined], // the second with the other sender's datagram in it
      ...bad.slice(3).map(() => ['10.0.0.3', undefined]),
    ]);
    // At most one event per reason per second.
    for (let i = 1; i < bad.length; i += 1)
      expect(bad[i]!.time - bad[i - 1]!.time).toBeGreaterThanOrEqual(i === bad.length - 1 ? 0 : 1000);
  });
});

describe('IPv6', () => {
  it('searches on FF02::C too and describes a link-local LOCATION with the sender\u2019s zone', async () => {
    vi.useFakeTimers({ now: 0 });
    const network = new MemoryNetwork();
    network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24', ipv6: ['fe80::1/64'] }]);
    network.addHost('dev6', [{ name: 'eth0', link: 'lan', ipv6: ['fe80::2/64'] }]);
    const requests: DescriptionRequest[] = [];
    const transport = createMemoryTransport(controlPointTransportOptions('upnp', 1900, ['eth0']), {
      network,
      host: 'cp',
    });
    const events: ControllerEvent[] = [];
    const controller = createController(
      {
        profile: 'upnp',
        target: 'ssdp:all',
        mx: 3,
        intervalMs: 10_000,
        port: 1900,
        describe: true,
        userAgent: 'Linux/6.1 UPnP/2.0 t/1',
      },
      {
        transport,
        clock: network.clock,
        fetcher: {
          fetch: (request) => (
            requests.push(request),
            Promise.resolve({ ok: false, reason: 'network', detail: 'test' })
          ),
        },
        onEvent: (event) => events.push(event),
      },
    );
    running.push(controller);
    await controller.start();
    await vi.advanceTimersByTimeAsync(10);
    const searches = network.log.filter((r) => r.host === 'cp' && decoder.decode(r.bytes).startsWith('M-SEARCH'));
    expect(searches.map((r) => r.to.address)).toEqual(['239.255.255.250', 'ff02::c']);
    expect(decoder.decode(searches[1]!.bytes)).toContain('HOST: [FF02::C]:1900\r\n');

    const device = createMemoryTransport(
      { interfaces: ['eth0'], families: ['IPv6'], joinGroup: false, unicastPort: 1900 },
      { network, host: 'dev6' },
    );
    await device.start();
    const notify =
      'NOTIFY * HTTP/1.1\r\nHOST: [FF02::C]:1900\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://[fe80::2]:8080/d.xml\r\n' +
      `NT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: Linux/6.1 UPnP/2.0 d/1\r\nUSN: uuid:${UUID_A}::upnp:rootdevice\r\n\r\n`;
    await device.send(encoder.encode(notify), { kind: 'multicast', interfaceId: device.interfaces[0]!.id });
    await vi.advanceTimersByTimeAsync(200);
    expect(requests).toEqual([{ location: 'http://[fe80::2]:8080/d.xml', source: 'fe80::2%eth0' }]);
    expect(events.find((e) => e.event === 'device-added')).toMatchObject({
      device: { address: 'fe80::2%eth0', interfaceId: 'eth0/IPv6' },
    });
    await device.stop();
  });
});

describe('legacy profile', () => {
  it('sends the prototype-order M-SEARCH as directed broadcast and takes the prototype\u2019s NOTIFY reply on 1337', async () => {
    const { controller, of, network } = await setup({ profile: 'legacy', target: 'ssdp:all', mx: 4 });
    await controller.start();
    await vi.advanceTimersByTimeAsync(200);
    const searches = network.log.filter((r) => r.host === 'cp');
    expect(searches.map((r) => [r.via, r.to.address, r.to.port, r.from.port])).toEqual([
      ['broadcast', '10.0.0.255', 1337, 1337],
      ['broadcast', '10.0.0.255', 1337, 1337],
    ]);
    const lines = decoder.decode(searches[0]!.bytes).split('\r\n');
    expect(lines[0]).toBe('M-SEARCH * HTTP/1.1');
    expect(lines[1]).toBe('HOST: 10.0.0.255:1337');
    expect(lines[3]).toBe('MX: 4'); // the prototype's device reads MX from line 4
    expect(lines[5]).toMatch(/^USER-AGENT: /); // and USER-AGENT from line 6

    // The prototype's exact bytes, unicast to <controller>:1337 (USN "1", LOCATION "null", no final CRLF).
    await rawSend(network, 'dev1', seedNotify, { address: '10.0.0.1', port: 1337 }, 1337);
    await vi.advanceTimersByTimeAsync(200);
    expect(of('device-added').map((e) => [e.device.udn, e.device.address, e.device.server])).toEqual([
      ['1@10.0.0.2', '10.0.0.2', 'Raspbian GNU/Linux 10'],
    ]);
    expect(of('device-added')[0]!.device.expiresAt).toBe(200 + 86_400_000); // max-age=99999 capped at a day
    expect(of('dropped')).toHaveLength(0);
  });
});

describe('describing', () => {
  function fakeFetcher(bodies: Map<string, () => string>): DescriptionFetcher & { calls: DescriptionRequest[] } {
    const calls: DescriptionRequest[] = [];
    return {
      calls,
      fetch(request) {
        calls.push(request);
        const body = bodies.get(request.location);
        if (body === undefined) return Promise.resolve({ ok: false, reason: 'http-status', detail: 'HTTP 404' });
        return Promise.resolve({ ok: true, body: encoder.encode(body()), url: request.location });
      },
    };
  }

  it('fetches LOCATION once per (UDN, CONFIGID) and reports friendlyName, manufacturer and modelName', async () => {
    const bodies = new Map<string, () => string>();
    const fetcher = fakeFetcher(bodies);
    const { controller, of, device } = await setup({ intervalMs: 3_600_000 }, { fetcher });
    const dev = device({ host: 'dev1', uuid: UUID_A, friendlyName: 'Kitchen Light', answerSearches: false });
    await dev.start();
    bodies.set(dev.location, () => dev.descriptionXml());
    await controller.start();
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    expect(fetcher.calls).toEqual([{ location: dev.location, source: '10.0.0.2' }]);
    // Described within the gather time: device-added already carries the description.
    expect(of('device-added')[0]?.device).toMatchObject({
      friendlyName: 'Kitchen Light',
      manufacturer: 'Test Corp',
      modelName: 'Fake 1',
      deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
      describe: 'described',
    });

    dev.configId = 2; // a new description: fetched again
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    expect(fetcher.calls).toHaveLength(2);
  });

  it('reports a failed description on the device and keeps the device', async () => {
    const fetcher = fakeFetcher(new Map());
    const { controller, of, device } = await setup({ intervalMs: 3_600_000 }, { fetcher });
    const dev = device({ host: 'dev1', uuid: UUID_A, answerSearches: false });
    await dev.start();
    await controller.start();
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    expect(of('describe-failed').map((e) => [e.reason, e.detail, e.device.udn])).toEqual([
      ['http-status', 'HTTP 404', `uuid:${UUID_A}`],
    ]);
    expect(controller.devices()[0]).toMatchObject({ describe: 'failed', describeError: 'http-status' });
    expect(of('device-removed')).toHaveLength(0);
  });

  it('describes a device at once while one sender floods fresh UDNs whose LOCATION never answers (per-sender limit)', async () => {
    const network = lan({ attacker: [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.66/24' }] });
    const bodies = new Map<string, () => string>();
    const honest = fakeFetcher(bodies);
    const slowloris: DescriptionRequest[] = [];
    // The attacker's LOCATION never answers (a slowloris cut at the 3 s deadline).
    const fetcher: DescriptionFetcher = {
      fetch: (request) => {
        if (request.source !== '10.0.0.66') return honest.fetch(request);
        slowloris.push(request);
        return new Promise((resolve) =>
          setTimeout(() => resolve({ ok: false, reason: 'timeout', detail: 'slowloris' }), 3000),
        );
      },
    };
    const { controller, of, device, logs } = await setup(
      { intervalMs: 3_600_000, describeQueue: 16 },
      { network, fetcher },
    );
    await controller.start();
    for (let i = 0; i < 40; i += 1) {
      const uuid = `6a${String(i).padStart(6, '0')}-1111-4222-8333-444455556666`;
      const text = `NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://10.0.0.66:9/${i}.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: X/1 UPnP/1.1 evil/1\r\nUSN: uuid:${uuid}::upnp:rootdevice\r\n\r\n`;
      await rawSend(network, 'attacker', encoder.encode(text));
    }
    await vi.advanceTimersByTimeAsync(10);
    expect(slowloris).toHaveLength(4); // its share of the 8 slots, not all of them
    const dev = device({ host: 'dev1', uuid: UUID_A, friendlyName: 'Kitchen Light', answerSearches: false });
    await dev.start();
    bodies.set(dev.location, () => dev.descriptionXml());
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    // Described at once (not after 40 x 3 s / 8 = 15 s of slowloris deadlines), so device-added has its name.
    expect(of('device-added').find((e) => e.device.udn === `uuid:${UUID_A}`)?.device).toMatchObject({
      friendlyName: 'Kitchen Light',
      describe: 'described',
    });
    // The flood's jobs beyond the queue were refused (queue-full: the flooder holds all of it) and counted.
    expect(controller.stats.dropped['describe-queue-full']).toBe(40 - 4 - 16);
    // A second honest sender while the queue is full of the flooder's jobs: one of those is shed for it.
    const other = device({ host: 'dev2', uuid: UUID_B, friendlyName: 'Porch', answerSearches: false });
    await other.start();
    bodies.set(other.location, () => other.descriptionXml());
    await other.alive();
    await vi.advanceTimersByTimeAsync(200);
    expect(of('device-added').find((e) => e.device.udn === `uuid:${UUID_B}`)?.device).toMatchObject({
      friendlyName: 'Porch',
    });
    expect(controller.stats.dropped['describe-sender-limit']).toBeUndefined(); // it could start at once: nothing shed
    expect(logs.filter((l) => l.includes('internal error'))).toEqual([]);
  });

  it('sheds the flooder\u2019s newest queued description for another sender when every slot and the queue are taken', async () => {
    const network = lan({ attacker: [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.66/24' }] });
    const bodies = new Map<string, () => string>();
    const honest = fakeFetcher(bodies);
    // The flood's LOCATION never answers (cut at 3 s); the first honest device answers slowly (2 s).
    const started: string[] = [];
    const fetcher: DescriptionFetcher = {
      fetch: (request) => {
        started.push(request.source);
        if (request.source === '10.0.0.3') return honest.fetch(request);
        const flood = request.source === '10.0.0.66';
        return new Promise((resolve) =>
          setTimeout(
            () => resolve(flood ? { ok: false, reason: 'timeout', detail: 'slowloris' } : honest.fetch(request)),
            flood ? 3000 : 2000,
          ),
        );
      },
    };
    // One slot per sender and two slots: the flooder holds one slot and the whole queue.
    const { controller, of, device } = await setup(
      { intervalMs: 3_600_000, describeConcurrency: 2, describeQueue: 4, describePerSender: 1 },
      { network, fetcher },
    );
    await controller.start();
    for (let i = 0; i < 5; i += 1) {
      const uuid = `6b${String(i).padStart(6, '0')}-1111-4222-8333-444455556666`;
      const text = `NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://10.0.0.66:9/${i}.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: X/1 UPnP/1.1 evil/1\r\nUSN: uuid:${uuid}::upnp:rootdevice\r\n\r\n`;
      await rawSend(network, 'attacker', encoder.encode(text));
    }
    await vi.advanceTimersByTimeAsync(1500); // the flood's devices are announced (describe still pending)
    const dev = device({ host: 'dev1', uuid: UUID_A, friendlyName: 'Kitchen Light', answerSearches: false });
    await dev.start();
    bodies.set(dev.location, () => dev.descriptionXml());
    await dev.alive();
    await vi.advanceTimersByTimeAsync(10);
    expect(started.filter((source) => source !== '10.0.0.66')).toEqual(['10.0.0.2']); // the free slot, at once
    // A third sender finds both slots and the queue busy: the flooder's newest job is shed and reported on its device.
    const other = device({ host: 'dev2', uuid: UUID_B, friendlyName: 'Porch', answerSearches: false });
    await other.start();
    bodies.set(other.location, () => other.descriptionXml());
    await other.alive();
    await vi.advanceTimersByTimeAsync(10);
    expect(of('describe-failed').map((e) => [e.device.udn, e.reason])).toEqual([
      ['uuid:6b000004-1111-4222-8333-444455556666', 'sender-limit'],
    ]);
    expect(controller.stats.dropped['describe-sender-limit']).toBe(1);
    expect(controller.devices().find((d) => d.udn === 'uuid:6b000004-1111-4222-8333-444455556666')).toMatchObject({
      describe: 'failed',
      describeError: 'sender-limit',
    });
    await vi.advanceTimersByTimeAsync(2100); // the slow honest fetch ends: the waiting sender goes before the flood's queue
    expect(controller.devices().find((d) => d.udn === `uuid:${UUID_A}`)).toMatchObject({
      friendlyName: 'Kitchen Light',
      describe: 'described',
    });
    expect(controller.devices().find((d) => d.udn === `uuid:${UUID_B}`)).toMatchObject({
      friendlyName: 'Porch',
      describe: 'described',
    });
  });

  it('loads the HTTP client before the first search goes out (and not with --no-describe)', async () => {
    const order: string[] = [];
    const fetcher: DescriptionFetcher & { preload(): void } = {
      fetch: () => Promise.resolve({ ok: false, reason: 'network', detail: 'x' }),
      preload: () => order.push('preload'),
    };
    const { controller, events } = await setup({ intervalMs: 3_600_000 }, { fetcher });
    await controller.start();
    order.push(...events.filter((e) => e.event === 'search-sent').map((e) => e.event));
    expect(order).toEqual(['preload', 'search-sent']);
    await controller.stop();

    const again: string[] = [];
    const quiet = await setup(
      { intervalMs: 3_600_000, describe: false },
      { fetcher: { ...fetcher, preload: () => again.push('preload') } },
    );
    await quiet.controller.start();
    expect(again).toEqual([]);
  });

  it('rejects a description that is not for the advertised UDN', async () => {
    const bodies = new Map<string, () => string>();
    const { controller, of, device } = await setup({ intervalMs: 3_600_000 }, { fetcher: fakeFetcher(bodies) });
    const dev = device({ host: 'dev1', uuid: UUID_A, answerSearches: false });
    const other = device({ host: 'dev2', uuid: UUID_B, answerSearches: false });
    await dev.start();
    bodies.set(dev.location, () => other.descriptionXml());
    await controller.start();
    await dev.alive();
    await vi.advanceTimersByTimeAsync(200);
    expect(of('describe-failed').map((e) => e.reason)).toEqual(['udn-mismatch']);
  });
});
