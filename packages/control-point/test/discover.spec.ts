// discover(): one search cycle as a promise, against a real @ssdp/device on the memory network (its description
// served by the memory description server, read through createMemoryHttpGet), driven by fake timers.
// Tests only (a devDependency): the control point against the real device; @ssdp/device never imports us.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createDevice, type Device } from '@ssdp/device';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createMemoryDescriptionServer, createMemoryStateStore } from '@ssdp/device/testing';
import type { SsdpTransport } from '@ssdp/transport';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  discover,
  InvalidOptionError,
  type ControlPointComponents,
  type DiscoveredDevice,
  type DiscoverOptions,
} from '../src/index.ts';
import {
  createFakeDevice,
  createMemoryHttpGet,
  createMemoryTransport,
  MemoryNetwork,
  seededRandom,
} from '../src/testing/index.ts';

const UUID_A = '2fac1234-31f8-11b4-a222-08002b34c003';
const UUID_B = '3fac1234-31f8-11b4-a222-08002b34c004';
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

let devices: Device[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(async () => {
  const stopping = Promise.all(devices.map((device) => device.stop()));
  await advance(5000);
  await stopping;
  devices = [];
  vi.useRealTimers();
});

/** A LAN with host `cp` and two @ssdp/device devices (dev1, dev2) on eth0; descriptions in memory. */
async function lab() {
  const network = new MemoryNetwork({ seed: 9 });
  network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
  const http = createMemoryDescriptionServer();
  const gets: string[] = [];
  const httpGet = createMemoryHttpGet((url) => {
    gets.push(url);
    return http.fetch(url);
  });
  const start = async (host: string, address: string, uuid: string, friendlyName: string) => {
    network.addHost(host, [{ name: 'eth0', link: 'lan', ipv4: `${address}/24` }]);
    const device = createDevice(
      {
        interfaces: ['eth0'],
        uuid,
        friendlyName,
        deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
        manufacturer: 'ACME',
      },
      {
        createTransport: (init) => createMemoryTransport(init, { network, host }),
        random: seededRandom(uuid.length + address.length),
        createStateStore: () => createMemoryStateStore(),
        createDescriptionServer: () => http,
      },
    );
    devices.push(device);
    await device.start();
  };
  await start('dev1', '10.0.0.2', UUID_A, 'Kitchen Light');
  await start('dev2', '10.0.0.3', UUID_B, 'Hall Light');
  await advance(1000);
  const transports: SsdpTransport[] = [];
  const components: ControlPointComponents = {
    createTransport: (init) => {
      const transport = createMemoryTransport(init, { network, host: 'cp' });
      transports.push(transport);
      return transport;
    },
    random: seededRandom(1),
    httpGet,
  };
  const searchesFromCp = () =>
    network.log.filter((r) => r.host === 'cp' && new TextDecoder().decode(r.bytes).startsWith('M-SEARCH'));
  return { network, components, gets, transports, searchesFromCp };
}

/** Runs discover() to its end on the fake clock; returns the devices and when it resolved. */
async function run(options: DiscoverOptions, components: ControlPointComponents) {
  let resolvedAt = -1;
  const found = discover(options, components).then((result) => {
    resolvedAt = Date.now();
    return result;
  });
  const startedAt = Date.now();
  await advance(15_000);
  return { devices: await found, elapsedMs: resolvedAt - startedAt };
}

describe('discover()', () => {
  it('resolves with the devices that answered, described (friendlyName), after MX + 250 ms', async () => {
    const { components, gets, transports } = await lab();
    const { devices: found, elapsedMs } = await run({ interfaces: ['eth0'], mx: 2 }, components);
    const byUdn = new Map(found.map((d) => [d.udn, d]));
    expect([...byUdn.keys()].sort()).toEqual([`uuid:${UUID_A}`, `uuid:${UUID_B}`]);
    expect(byUdn.get(`uuid:${UUID_A}`)).toMatchObject({
      friendlyName: 'Kitchen Light',
      manufacturer: 'ACME',
      deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
      address: '10.0.0.2',
      describe: 'described',
      describeError: null,
    });
    expect(byUdn.get(`uuid:${UUID_B}`)).toMatchObject({ friendlyName: 'Hall Light', address: '10.0.0.3' });
    expect(gets).toHaveLength(2);
    // MX + 250 ms of listening (and a description read in memory takes no clock time).
    expect(elapsedMs).toBeGreaterThanOrEqual(2250);
    expect(elapsedMs).toBeLessThan(2350);
    // Plain data: JSON round-trips to the same object.
    expect(JSON.parse(JSON.stringify(found))).toEqual(found);
    // Its sockets are closed.
    expect(transports).toHaveLength(1);
    expect(transports[0]!.interfaces).toEqual([]);
  });

  it('describe: false resolves without fetching anything (friendlyName null, describe skipped)', async () => {
    const { components, gets } = await lab();
    const { devices: found } = await run({ interfaces: ['eth0'], mx: 1, describe: false }, components);
    expect(found).toHaveLength(2);
    expect(found.every((d: DiscoveredDevice) => d.friendlyName === null && d.describe === 'skipped')).toBe(true);
    expect(found.every((d) => d.location?.startsWith('http://10.0.0.') === true)).toBe(true);
    expect(gets).toEqual([]);
  });

  it('searches once for the target given (two sends, 100 ms apart)', async () => {
    const { components, searchesFromCp } = await lab();
    const { devices: found } = await run({ interfaces: ['eth0'], mx: 1, target: `uuid:${UUID_B}` }, components);
    expect(found.map((d) => d.udn)).toEqual([`uuid:${UUID_B}`]);
    const sent = searchesFromCp();
    expect(sent.map((r) => r.at)).toEqual([1000, 1100]);
    expect(sent.every((r) => new TextDecoder().decode(r.bytes).includes(`ST: uuid:${UUID_B}\r\n`))).toBe(true);
  });

  it('finds a fake device from @ssdp/control-point/testing the same way', async () => {
    const network = new MemoryNetwork({ seed: 2 });
    network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
    network.addHost('dev', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.7/24' }]);
    const fake = createFakeDevice({ network, host: 'dev', uuid: UUID_A, friendlyName: 'Fake Light' });
    await fake.start();
    const httpGet = createMemoryHttpGet((url) =>
      url === fake.location ? { status: 200, body: fake.descriptionXml() } : undefined,
    );
    const { devices: found } = await run(
      { interfaces: ['eth0'], mx: 1 },
      { createTransport: (init) => createMemoryTransport(init, { network, host: 'cp' }), httpGet },
    );
    expect(found.map((d) => [d.udn, d.friendlyName, d.address])).toEqual([
      [`uuid:${UUID_A}`, 'Fake Light', '10.0.0.7'],
    ]);
  });
});

describe('discover() and its AbortSignal', () => {
  it('an already-aborted signal rejects AbortError and opens nothing', async () => {
    const { components, transports, network } = await lab();
    const logged = network.log.length;
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    const failure = await discover({ interfaces: ['eth0'], signal: controller.signal }, components).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AbortError);
    expect(failure).toMatchObject({ code: 'ABORT_ERR', cause: controller.signal.reason });
    expect(transports).toEqual([]);
    expect(network.log).toHaveLength(logged);
  });

  it('aborting mid-way rejects AbortError at once and closes the transport', async () => {
    const { components, transports, searchesFromCp } = await lab();
    const controller = new AbortController();
    let outcome: unknown;
    const pending = discover({ interfaces: ['eth0'], mx: 3, signal: controller.signal }, components).then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = error),
    );
    await advance(500);
    expect(transports[0]!.interfaces).toHaveLength(1);
    controller.abort();
    await advance(0);
    await pending;
    expect(outcome).toBeInstanceOf(AbortError);
    expect(outcome).toMatchObject({ code: 'ABORT_ERR' });
    expect(transports[0]!.interfaces).toEqual([]);
    const sent = searchesFromCp().length;
    await advance(20_000);
    expect(searchesFromCp()).toHaveLength(sent);
  });

  it('rejects wrong options with InvalidOptionError: bad values, a non-signal, options of createControlPoint only', async () => {
    const { components, transports } = await lab();
    const cases: [DiscoverOptions, string][] = [
      [{ mx: 0 }, 'mx'],
      [{ signal: 'soon' as unknown as AbortSignal }, 'signal'],
      [{ cycles: 3 } as DiscoverOptions, 'cycles'],
      [{ intervalMs: 1000 } as DiscoverOptions, 'intervalMs'],
      [{ target: 'nothing' }, 'target'],
      [{ color: 'red' } as DiscoverOptions, 'color'],
    ];
    for (const [options, option] of cases) {
      const failure = await discover(options, components).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(InvalidOptionError);
      expect(failure).toMatchObject({ code: 'SSDP_ERR_INVALID_OPTION', option });
    }
    await expect(discover(null as unknown as DiscoverOptions, components)).rejects.toMatchObject({ option: 'options' });
    expect(transports).toEqual([]);
  });

  it('an unknown interface rejects a TransportError with its code', async () => {
    const { components } = await lab();
    await expect(discover({ interfaces: ['wlan9'] }, components)).rejects.toMatchObject({
      name: 'TransportError',
      code: 'SSDP_ERR_UNKNOWN_INTERFACE',
    });
  });
});
