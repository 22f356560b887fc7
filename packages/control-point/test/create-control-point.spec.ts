// The public API of @ssdp/control-point as a library user sees it: createControlPoint's defaults, validation,
// typed events with plain-data devices, search()/stop() and start errors, on the memory network from
// @ssdp/control-point/testing (fake timers drive it).
import type { TransportOptions } from '@ssdp/transport';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createControlPoint,
  InvalidOptionError,
  TransportError,
  type ControlPoint,
  type ControlPointComponents,
  type ControlPointEvent,
  type ControlPointOptions,
  type DiscoveredDevice,
} from '../src/index.ts';
import {
  createFakeDevice,
  createMemoryHttpGet,
  createMemoryTransport,
  MemoryNetwork,
  seededRandom,
  type FakeDeviceInit,
} from '../src/testing/index.ts';
import { version } from '../src/version.ts';

const UUID_A = '2fac1234-31f8-11b4-a222-08002b34c003';
const UUID_B = '3fac1234-31f8-11b4-a222-08002b34c004';
const decoder = new TextDecoder();
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

let running: ControlPoint[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(async () => {
  for (const cp of running) await cp.stop();
  running = [];
  vi.useRealTimers();
});

/** A LAN with the control point's host `cp` (10.0.0.1) and device hosts dev1, dev2. */
function lan() {
  const network = new MemoryNetwork({ seed: 5 });
  network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
  network.addHost('dev1', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
  network.addHost('dev2', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.3/24' }]);
  return network;
}

function memoryControlPoint(
  options: ControlPointOptions = {},
  components: Partial<ControlPointComponents> = {},
  network = lan(),
) {
  const transportOptions: TransportOptions[] = [];
  const cp = createControlPoint(options, {
    createTransport: (init) => {
      transportOptions.push(init);
      return createMemoryTransport(init, { network, host: 'cp' });
    },
    random: seededRandom(7),
    os: { type: 'Linux', release: '6.1.0' },
    ...components,
  });
  running.push(cp);
  const events: ControlPointEvent[] = [];
  cp.on('event', (event) => events.push(event));
  const searches = () =>
    network.log
      .filter((r) => r.host === 'cp' && decoder.decode(r.bytes).startsWith('M-SEARCH'))
      .map((r) => ({ ...r, text: decoder.decode(r.bytes) }));
  const fake = (init: Omit<FakeDeviceInit, 'network'>) => createFakeDevice({ network, ...init });
  return { network, cp, events, transportOptions, searches, fake };
}

function invalidOption(run: () => unknown): InvalidOptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).code).toBe('SSDP_ERR_INVALID_OPTION');
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError, nothing was thrown');
}

describe('createControlPoint defaults', () => {
  it('loopback only (the transport gets no interfaces), port 1900 from an ephemeral port, on the group', async () => {
    const { cp, transportOptions, events } = memoryControlPoint();
    expect(transportOptions).toEqual([{ port: 1900, unicastPort: 0, joinGroup: true, readInWorker: true }]);
    await cp.start();
    expect(
      events.filter((e) => e.event === 'search-sent').map((e) => (e as { interfaceId: string }).interfaceId),
    ).toEqual(['lo/IPv4']);
  });

  it('legacy profile: port 1337, where the prototype devices answer; IPv4 only, no group', () => {
    const { transportOptions } = memoryControlPoint({ profile: 'legacy' });
    expect(transportOptions).toEqual([
      { families: ['IPv4'], port: 1337, unicastPort: 1337, joinGroup: false, broadcast: false, readInWorker: true },
    ]);
  });

  it('readInWorker: false reads the search socket on the event loop', () => {
    const { transportOptions } = memoryControlPoint({ readInWorker: false });
    expect(transportOptions).toEqual([{ port: 1900, unicastPort: 0, joinGroup: true, readInWorker: false }]);
  });

  it('searches ssdp:all with MX 3, twice 100 ms apart, every 10 s, with our USER-AGENT and CPFN', async () => {
    const { cp, searches } = memoryControlPoint({ interfaces: ['eth0'] });
    await cp.start();
    await advance(20_500);
    expect(searches().map((s) => s.at)).toEqual([0, 100, 10_000, 10_100, 20_000, 20_100]);
    const first = searches()[0]!;
    expect(first.to).toEqual({ address: '239.255.255.250', port: 1900 });
    expect(first.text).toContain('ST: ssdp:all\r\n');
    expect(first.text).toContain('MX: 3\r\n');
    expect(first.text).toContain(`USER-AGENT: Linux/6.1.0 UPnP/2.0 ssdp-controller/${version}\r\n`);
    expect(first.text).toContain('CPFN.UPNP.ORG: ssdp-controller\r\n');
  });

  it('target, mx, intervalMs, cycles, port and friendlyName reach the wire', async () => {
    const { cp, searches } = memoryControlPoint({
      interfaces: ['eth0'],
      target: 'urn:schemas-upnp-org:device:BinaryLight:1',
      mx: 1,
      intervalMs: 2000,
      cycles: 2,
      port: 41999,
      friendlyName: 'kitchen-panel',
    });
    await cp.start();
    await advance(10_000);
    expect(searches().map((s) => s.at)).toEqual([0, 100, 2000, 2100]);
    expect(searches().every((s) => s.to.port === 41999)).toBe(true);
    expect(searches()[0]!.text).toMatch(/ST: urn:schemas-upnp-org:device:BinaryLight:1\r\n[\s\S]*/);
    expect(searches()[0]!.text).toContain('MX: 1\r\n');
    expect(searches()[0]!.text).toContain('CPFN.UPNP.ORG: kitchen-panel\r\n');
  });
});

describe('option validation', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['an unknown key', { intervall: 1000 }, 'intervall', /unknown option/],
    [
      'a signal (only start(), collect() and discover() take one)',
      { signal: new AbortController().signal },
      'signal',
      /unknown option/,
    ],
    ['mx 0', { mx: 0 }, 'mx', /1\.\.120/],
    ['mx 121', { mx: 121 }, 'mx', /1\.\.120/],
    ['mx as text', { mx: '3' }, 'mx', /integer/],
    ['a bad target', { target: 'everything' }, 'target', /ssdp:all/],
    ['a port out of range', { port: 70_000 }, 'port', /1\.\.65535/],
    ['a tiny intervalMs', { intervalMs: 10 }, 'intervalMs', /1000\.\./],
    ['cycles 0', { cycles: 0 }, 'cycles', /integer/],
    ['interfaces as a string', { interfaces: 'eth0' }, 'interfaces', /'all' or an array/],
    ['interfaces with a number', { interfaces: [0] }, 'interfaces', /'all' or an array/],
    ['broadcastAddress without legacy', { broadcastAddress: '10.0.0.255' }, 'broadcastAddress', /legacy/],
    ['describe as text', { describe: 'yes' }, 'describe', /boolean/],
    ['readInWorker as text', { readInWorker: 'yes' }, 'readInWorker', /boolean/],
    ['describeTimeoutMs too small', { describeTimeoutMs: 5 }, 'describeTimeoutMs', /100\.\./],
    ['describePerSender 9', { describePerSender: 9 }, 'describePerSender', /1\.\.8/],
    ['maxDevices 0', { maxDevices: 0 }, 'maxDevices', /integer/],
    ['a userAgent with a line break', { userAgent: 'a\r\nX-Evil: 1' }, 'userAgent', /one-line/],
    ['an unknown profile', { profile: 'dlna' }, 'profile', /'upnp' or 'legacy'/],
  ];
  it.each(cases)('%s throws InvalidOptionError naming the option', (_what, options, option, detail) => {
    const error = invalidOption(() => createControlPoint(options as ControlPointOptions));
    expect(error.option).toBe(option);
    expect(error.detail).toMatch(detail);
  });

  it('refuses options that are not an object, and a signal that is not an AbortSignal (start, collect, fetch*)', async () => {
    for (const options of [null, 3, 'ssdp:all', []]) {
      expect(invalidOption(() => createControlPoint(options as unknown as ControlPointOptions)).option).toBe('options');
    }
    const { cp, network } = memoryControlPoint();
    await expect(cp.start({ signal: {} as AbortSignal })).rejects.toMatchObject({
      code: 'SSDP_ERR_INVALID_OPTION',
      option: 'signal',
    });
    expect(network.log).toHaveLength(0);
    const udn = `uuid:${UUID_A}`;
    await expect(cp.collect({ signal: 'x' as unknown as AbortSignal })).rejects.toMatchObject({ option: 'signal' });
    await expect(cp.fetchDescription(udn, { signal: 1 as unknown as AbortSignal })).rejects.toMatchObject({
      option: 'signal',
    });
    await expect(
      cp.fetchFromDevice(udn, 'http://10.0.0.2/icon.png', { signal: {} as AbortSignal }),
    ).rejects.toMatchObject({ option: 'signal' });
  });

  it('search() checks its target', async () => {
    const { cp } = memoryControlPoint({ interfaces: ['eth0'] });
    await cp.start();
    await expect(cp.search('urn:bogus')).rejects.toMatchObject({ name: 'InvalidOptionError', option: 'target' });
  });
});

describe('events', () => {
  it("device-added gets the device itself: plain data whose JSON is the flat event's fields", async () => {
    const { cp, events, fake } = memoryControlPoint({ interfaces: ['eth0'], describe: false });
    const added: unknown[][] = [];
    cp.on('device-added', (...args) => added.push(args));
    const dev = fake({ host: 'dev1', uuid: UUID_A, bootId: 4 });
    await dev.start();
    await cp.start();
    await advance(500);

    expect(added).toHaveLength(1);
    expect(added[0]).toHaveLength(1);
    const device = added[0]![0] as DiscoveredDevice;
    expect(Object.getPrototypeOf(device)).toBe(Object.prototype);
    expect(device).toMatchObject({
      udn: `uuid:${UUID_A}`,
      address: '10.0.0.2',
      interfaceId: 'eth0/IPv4',
      location: dev.location,
      server: 'Linux/6.1 UPnP/2.0 fake-device/1.0',
      deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
      friendlyName: null,
      bootId: 4,
      describe: 'skipped',
    });
    expect(device.usns).toEqual(expect.arrayContaining([`uuid:${UUID_A}`, `uuid:${UUID_A}::upnp:rootdevice`]));
    expect(Date.parse(device.expiresAt)).toBeGreaterThan(Date.parse(device.lastSeen));

    const flat = events.find((e) => e.event === 'device-added')!;
    const { event: _event, time: _time, ...fields } = flat;
    expect(JSON.parse(JSON.stringify(device))).toEqual(JSON.parse(JSON.stringify(fields)));
    expect(Object.keys(device).sort()).toEqual(Object.keys(fields).sort());
    expect(cp.devices().map((d) => d.udn)).toEqual([device.udn]);
  });

  it("device-updated gets (device, changes); device-removed gets (device, 'byebye')", async () => {
    const { cp, events, fake } = memoryControlPoint({ interfaces: ['eth0'], describe: false });
    const updated: [DiscoveredDevice, readonly string[]][] = [];
    const removed: [DiscoveredDevice, string][] = [];
    cp.on('device-updated', (device, changes) => updated.push([device, changes]));
    cp.on('device-removed', (device, reason) => removed.push([device, reason]));
    const dev = fake({ host: 'dev1', uuid: UUID_A, configId: 1 });
    await dev.start();
    await cp.start();
    await advance(500);

    dev.configId = 2;
    await dev.alive();
    await advance(100);
    expect(updated).toHaveLength(1);
    expect(updated[0]![0]).toMatchObject({ udn: `uuid:${UUID_A}`, configId: 2 });
    expect(updated[0]![1]).toEqual(['configId']);
    expect(events.find((e) => e.event === 'device-updated')).toMatchObject({
      udn: `uuid:${UUID_A}`,
      changes: ['configId'],
    });

    await dev.byebye();
    await advance(100);
    expect(removed).toHaveLength(1);
    expect(removed[0]![0].udn).toBe(`uuid:${UUID_A}`);
    expect(removed[0]![1]).toBe('byebye');
    expect(events.find((e) => e.event === 'device-removed')).toMatchObject({ udn: `uuid:${UUID_A}`, reason: 'byebye' });
    expect(cp.devices()).toEqual([]);
  });

  it('with descriptions on (the default), device-added waits briefly for the description: it has the friendlyName', async () => {
    const network = lan();
    const dev = createFakeDevice({ network, host: 'dev1', uuid: UUID_A, friendlyName: 'Kitchen Light' });
    const httpGet = createMemoryHttpGet((url) =>
      url === dev.location
        ? { status: 200, headers: { 'content-type': 'text/xml' }, body: dev.descriptionXml() }
        : undefined,
    );
    const { cp } = memoryControlPoint({ interfaces: ['eth0'] }, { httpGet }, network);
    const added: DiscoveredDevice[] = [];
    cp.on('device-added', (device) => added.push(device));
    await dev.start();
    await cp.start();
    await advance(1000);
    expect(added.map((device) => [device.udn, device.friendlyName, device.describe])).toEqual([
      [`uuid:${UUID_A}`, 'Kitchen Light', 'described'],
    ]);
  });

  it('a listener that throws becomes a warning; the device is still known and the catch-all still hears it', async () => {
    const { cp, events, fake } = memoryControlPoint({ interfaces: ['eth0'], describe: false });
    const warnings: string[] = [];
    cp.on('device-added', () => {
      throw new Error('listener bug');
    });
    cp.on('warning', (message) => warnings.push(message));
    const dev = fake({ host: 'dev1', uuid: UUID_A });
    await dev.start();
    await cp.start();
    await advance(500);
    expect(warnings).toEqual(["a 'device-added' listener threw: Error: listener bug"]);
    expect(events.filter((e) => e.event === 'device-added')).toHaveLength(1);
    expect(cp.devices().map((d) => d.udn)).toEqual([`uuid:${UUID_A}`]);
  });
});

describe('search(), stop() and start errors', () => {
  it("search('upnp:rootdevice') sends one extra search with that ST now", async () => {
    const { cp, searches, events, fake } = memoryControlPoint({ interfaces: ['eth0'], describe: false });
    const dev = fake({ host: 'dev2', uuid: UUID_B });
    await dev.start();
    await cp.start();
    await advance(1000);
    const before = searches().length;
    const seenBefore = dev.searchesSeen.length;
    const searching = cp.search('upnp:rootdevice');
    await advance(100);
    await searching;
    const extra = searches().slice(before);
    expect(extra.map((s) => s.at)).toEqual([1000, 1100]);
    expect(extra.every((s) => s.text.includes('ST: upnp:rootdevice\r\n'))).toBe(true);
    expect(
      events.filter((e) => e.event === 'search-sent' && e.cycle === 0).map((e) => (e as { target: string }).target),
    ).toEqual(['upnp:rootdevice', 'upnp:rootdevice']);
    await advance(10);
    expect(dev.searchesSeen.length).toBe(seenBefore + 2);
    // Without a target: the configured one.
    const again = cp.search();
    await advance(100);
    await again;
    expect(searches().at(-1)!.text).toContain('ST: ssdp:all\r\n');
  });

  it('search() before start() or after stop() rejects SSDP_ERR_NOT_STARTED; a stopped one does not start again', async () => {
    const { cp, network } = memoryControlPoint({ interfaces: ['eth0'] });
    await expect(cp.search()).rejects.toMatchObject({ name: 'TransportError', code: 'SSDP_ERR_NOT_STARTED' });
    expect(network.log).toHaveLength(0);
    await cp.start();
    await cp.stop();
    await cp.stop();
    await expect(cp.search()).rejects.toMatchObject({ code: 'SSDP_ERR_NOT_STARTED' });
    await expect(cp.start()).rejects.toMatchObject({ name: 'TransportError', code: 'SSDP_ERR_TRANSPORT_STOPPED' });
  });

  it('stop() is idempotent, forgets the devices and sends nothing more', async () => {
    const { cp, fake, network } = memoryControlPoint({ interfaces: ['eth0'], describe: false });
    const dev = fake({ host: 'dev1', uuid: UUID_A });
    await dev.start();
    await cp.start();
    await advance(500);
    expect(cp.devices()).toHaveLength(1);
    await Promise.all([cp.stop(), cp.stop()]);
    const logged = network.log.filter((r) => r.host === 'cp').length;
    await advance(30_000);
    expect(network.log.filter((r) => r.host === 'cp')).toHaveLength(logged);
    expect(cp.devices()).toEqual([]);
  });

  it('start() with an aborted signal rejects AbortError and sends nothing', async () => {
    const { cp, network, events } = memoryControlPoint({ interfaces: ['eth0'] });
    const controller = new AbortController();
    controller.abort();
    await expect(cp.start({ signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
      code: 'ABORT_ERR',
    });
    await advance(1000);
    expect(network.log).toHaveLength(0);
    expect(events).toEqual([]);
  });

  it('an unknown interface rejects a TransportError with a code and one line', async () => {
    const { cp } = memoryControlPoint({ interfaces: ['wlan9'] });
    const failure = await cp.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportError);
    expect(failure).toMatchObject({ code: 'SSDP_ERR_UNKNOWN_INTERFACE' });
    expect((failure as TransportError).toOneLine()).toMatch(/^SSDP_ERR_UNKNOWN_INTERFACE: [^\n]*wlan9[^\n]*$/);
    // It does not pretend to start on a retry.
    await expect(cp.start()).rejects.toMatchObject({ code: 'SSDP_ERR_TRANSPORT_STOPPED' });
  });

  it('a busy port (legacy listens on 1337) rejects TransportError SSDP_ERR_PORT_IN_USE', async () => {
    const { cp, network } = memoryControlPoint({ interfaces: ['eth0'], profile: 'legacy' });
    network.host('cp').occupyPort('10.0.0.1', 1337);
    await expect(cp.start()).rejects.toMatchObject({ name: 'TransportError', code: 'SSDP_ERR_PORT_IN_USE' });
  });
});
