// The public API of @ssdp/device as a library user sees it: createDevice's defaults, option validation, typed
// events, AbortSignal and stop(), on the in-memory network from @ssdp/device/testing (fake timers drive it).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseMessage } from '@ssdp/protocol';
import type { TransportOptions } from '@ssdp/transport';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  checkDeviceOptions,
  createDevice,
  InvalidOptionError,
  NotStartedError,
  TransportError,
  type DeviceComponents,
  type DeviceEvent,
  type DeviceOptions,
} from '../src/index.ts';
import {
  createMemoryDescriptionServer,
  createMemoryStateStore,
  createMemoryTransport,
  MemoryNetwork,
  seededRandom,
} from '../src/testing/index.ts';
import { version } from '../src/version.ts';

const UUID = '2fac1234-31f8-11b4-a222-08002b34c003';
const OTHER_UUID = '9d2e7a10-1111-4222-8333-444455556666';
const HOST = { hostname: 'testhost', type: 'Linux', release: '6.1.0', homedir: '/home/tester', env: {} };
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
const SWITCH = {
  serviceType: 'urn:schemas-upnp-org:service:SwitchPower:1',
  serviceId: 'urn:upnp-org:serviceId:SwitchPower',
};

/** Awaits `promise` while the fake clock runs (stop() waits for its byebyes to be sent). */
async function driven<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let step = 0; !settled && step < 100; step += 1) await advance(100);
  return promise;
}
const decoder = new TextDecoder();

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A device on a memory network: host `dev` with eth0 (10.0.0.2) and lo; records what createDevice passed on. */
function memoryDevice(options: DeviceOptions = {}, components: Partial<DeviceComponents> = {}) {
  const network = new MemoryNetwork({ seed: 1 });
  network.addHost('dev', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
  const transportOptions: TransportOptions[] = [];
  const stateDirs: string[] = [];
  const httpInits: { port: number; serverHeader: string }[] = [];
  const stateStore = createMemoryStateStore();
  const http = createMemoryDescriptionServer();
  const device = createDevice(options, {
    createTransport: (transportInit) => {
      transportOptions.push(transportInit);
      return createMemoryTransport(transportInit, { network, host: 'dev' });
    },
    random: seededRandom(3),
    newUuid: () => UUID,
    createStateStore: (directory) => {
      stateDirs.push(directory);
      return stateStore;
    },
    createDescriptionServer: (init) => {
      httpInits.push(init);
      return http;
    },
    host: HOST,
    ...components,
  });
  const events: DeviceEvent[] = [];
  device.on('event', (event) => events.push(event));
  const sent = (prefix: string) =>
    network.log.filter((r) => r.host === 'dev' && decoder.decode(r.bytes).startsWith(prefix));
  /** stop(), counting the byebyes sent by the time its promise resolves. */
  async function stopCounting(): Promise<number> {
    let byebyesAtResolve = -1;
    const stopping = device.stop().then(() => {
      byebyesAtResolve = network.log.filter(
        (r) => r.host === 'dev' && decoder.decode(r.bytes).includes('ssdp:byebye'),
      ).length;
    });
    await advance(2000);
    await stopping;
    return byebyesAtResolve;
  }
  return { network, device, events, transportOptions, stateDirs, httpInits, stateStore, http, sent, stopCounting };
}

/** Starts a memory device and lets its first announcements go out. */
async function started(options: DeviceOptions = {}, components: Partial<DeviceComponents> = {}) {
  const lab = memoryDevice(options, components);
  await lab.device.start();
  await advance(1000);
  return lab;
}

/** A control point host on the same link as `dev`; sends one M-SEARCH and keeps what it receives. */
async function searcher(network: MemoryNetwork, st = 'ssdp:all', port = 1900) {
  network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.9/24' }]);
  const transport = createMemoryTransport({ interfaces: ['eth0'], port, unicastPort: 0 }, { network, host: 'cp' });
  await transport.start();
  const received: string[] = [];
  transport.onDatagram((datagram) => received.push(decoder.decode(datagram.bytes)));
  const search = `M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:${port}\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ${st}\r\nUSER-AGENT: Test/1 UPnP/2.0 probe/1\r\n\r\n`;
  await transport.send(new TextEncoder().encode(search), {
    kind: 'multicast',
    interfaceId: transport.interfaces[0]!.id,
  });
  return { transport, received };
}

function invalidOption(run: () => unknown): InvalidOptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).not.toHaveProperty('constructor', Error);
    expect((error as InvalidOptionError).code).toBe('SSDP_ERR_INVALID_OPTION');
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError, nothing was thrown');
}

describe('createDevice defaults', () => {
  it('binds loopback only unless told otherwise (the transport gets no interfaces), on port 1900', async () => {
    const { device, events, transportOptions, sent } = await started({ uuid: UUID });
    expect(transportOptions).toHaveLength(1);
    expect(transportOptions[0]!.interfaces).toBeUndefined();
    expect(transportOptions[0]!.port).toBe(1900);
    const startedEvent = events.find((e) => e.event === 'started')!;
    expect(startedEvent).toMatchObject({
      profile: 'upnp',
      port: 1900,
      interfaces: [{ id: 'lo/IPv4', address: '127.0.0.1' }],
    });
    // Nothing went out on eth0: every NOTIFY left through lo.
    expect(sent('NOTIFY').length).toBeGreaterThan(0);
    expect(sent('NOTIFY').every((r) => r.interfaceName === 'lo')).toBe(true);
    await driven(device.stop());
  });

  it("uses the interfaces given ('all' passes through)", () => {
    const named = memoryDevice({ interfaces: ['eth0'] });
    expect(named.transportOptions[0]!.interfaces).toEqual(['eth0']);
    const all = memoryDevice({ interfaces: 'all' });
    expect(all.transportOptions[0]!.interfaces).toEqual(['all']);
  });

  it('legacy profile: port 1337, directed broadcast, no group, IPv4', () => {
    const { transportOptions } = memoryDevice({ profile: 'legacy' });
    expect(transportOptions[0]).toMatchObject({ port: 1337, broadcast: true, joinGroup: false, families: ['IPv4'] });
  });

  it('fills in friendlyName, deviceType, max-age 1800, SERVER and description port 0', async () => {
    const { device, events, sent, httpInits, http } = await started();
    const startedEvent = events.find((e): e is Extract<DeviceEvent, { event: 'started' }> => e.event === 'started')!;
    expect(startedEvent.devices[0]!.friendlyName).toBe('ssdp-device on testhost');
    expect(httpInits).toEqual([
      expect.objectContaining({ port: 0, serverHeader: `Linux/6.1.0 UPnP/2.0 ssdp-device/${version}` }),
    ]);
    const alive = sent('NOTIFY').map((r) => decoder.decode(r.bytes));
    expect(alive.length).toBeGreaterThan(0);
    expect(alive.some((text) => text.includes('NT: urn:schemas-upnp-org:device:Basic:1\r\n'))).toBe(true);
    expect(alive.every((text) => parseMessage(new TextEncoder().encode(text)).ok)).toBe(true);
    expect(alive.every((text) => text.includes('CACHE-CONTROL: max-age=1800\r\n'))).toBe(true);
    expect(alive.every((text) => text.includes(`SERVER: Linux/6.1.0 UPnP/2.0 ssdp-device/${version}\r\n`))).toBe(true);
    const description = http.fetch(startedEvent.devices[0]!.locations[0]!)!;
    expect(description.status).toBe(200);
    expect(description.body).toContain('<friendlyName>ssdp-device on testhost</friendlyName>');
    expect(description.body).toContain(`<modelNumber>${version}</modelNumber>`);
    await driven(device.stop());
  });

  it('maxAge, port and friendlyName options reach the wire', async () => {
    const { device, sent, events } = await started({
      maxAge: 60,
      port: 41999,
      friendlyName: 'Kitchen Light',
      deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
    });
    const alive = sent('NOTIFY');
    expect(alive.length).toBeGreaterThan(0);
    expect(
      alive.every((r) => r.to.port === 41999 && decoder.decode(r.bytes).includes('CACHE-CONTROL: max-age=60\r\n')),
    ).toBe(true);
    expect(
      alive.some((r) => decoder.decode(r.bytes).includes('NT: urn:schemas-upnp-org:device:BinaryLight:1\r\n')),
    ).toBe(true);
    expect(events.find((e) => e.event === 'started')).toMatchObject({
      port: 41999,
      devices: [{ friendlyName: 'Kitchen Light' }],
    });
    await driven(device.stop());
  });

  it('stateDir: $XDG_STATE_HOME/ssdp-device, else ~/.local/state/ssdp-device, else the option', () => {
    expect(memoryDevice().stateDirs).toEqual([path.join('/home/tester', '.local', 'state', 'ssdp-device')]);
    const xdg = memoryDevice({}, { host: { ...HOST, env: { XDG_STATE_HOME: '/var/state' } } });
    expect(xdg.stateDirs).toEqual([path.join('/var/state', 'ssdp-device')]);
    expect(memoryDevice({ stateDir: '/srv/ssdp' }).stateDirs).toEqual(['/srv/ssdp']);
  });

  it('udn: from the uuid option before start; without it NotStartedError until started, then the new UUID', async () => {
    expect(memoryDevice({ uuid: `uuid:${UUID.toUpperCase()}` }).device.udn).toBe(`uuid:${UUID}`);
    const { device } = memoryDevice();
    expect(() => device.udn).toThrow(NotStartedError);
    expect(() => device.udn).toThrow(expect.objectContaining({ code: 'SSDP_ERR_NOT_STARTED' }));
    await device.start();
    expect(device.udn).toBe(`uuid:${UUID}`);
    expect(device.udns).toEqual([`uuid:${UUID}`]);
    await driven(device.stop());
  });
});

describe('identity under stateDir (a real state file)', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'ssdp-create-device-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  async function runOnce(options: DeviceOptions, newUuid: string) {
    // The default file state store: only the transport and description server are in memory.
    const { device } = memoryDevice({ stateDir, ...options }, { createStateStore: undefined, newUuid: () => newUuid });
    vi.useRealTimers();
    await device.start();
    const result = { udn: device.udn, bootId: device.bootId };
    await device.stop();
    vi.useFakeTimers({ now: 0 });
    return result;
  }

  it('keeps the UUID made on the first start and counts BOOTID up; the uuid option wins without replacing it', async () => {
    const first = await runOnce({}, UUID);
    const second = await runOnce({}, OTHER_UUID);
    expect(first).toEqual({ udn: `uuid:${UUID}`, bootId: 1 });
    expect(second).toEqual({ udn: `uuid:${UUID}`, bootId: 2 });
    const explicit = await runOnce({ uuid: OTHER_UUID }, OTHER_UUID);
    expect(explicit.udn).toBe(`uuid:${OTHER_UUID}`);
    const after = await runOnce({}, OTHER_UUID);
    expect(after.udn).toBe(`uuid:${UUID}`);
  });
});

describe('option validation', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['an unknown key', { frendlyName: 'x' }, 'frendlyName', /unknown option/],
    ['deviceType of the wrong type', { deviceType: 42 }, 'deviceType', /expected a string/],
    ['a port out of range', { port: 70_000 }, 'port', /1\.\.65535/],
    ['port 0', { port: 0 }, 'port', /1\.\.65535/],
    ['a port as text', { port: '1900' }, 'port', /integer/],
    ['a fractional httpPort', { httpPort: 80.5 }, 'httpPort', /integer/],
    ['maxAge below 10', { maxAge: 5 }, 'maxAge', /10\.\.604800/],
    ['interfaces as a string', { interfaces: 'eth0' }, 'interfaces', /'all' or an array/],
    ['interfaces with a number', { interfaces: [42] }, 'interfaces', /'all' or an array/],
    ['interfaces with an empty name', { interfaces: [' '] }, 'interfaces', /'all' or an array/],
    ['broadcastAddress without legacy', { broadcastAddress: '10.0.0.255' }, 'broadcastAddress', /legacy/],
    ['an unknown profile', { profile: 'dlna' }, 'profile', /'upnp' or 'legacy'/],
    ['a bad uuid', { uuid: 'not-a-uuid' }, 'uuid', /UUID/],
    ['an empty friendlyName', { friendlyName: '' }, 'friendlyName', /empty/],
    ['services as a string', { services: 'SwitchPower' }, 'services', /array/],
    ['a service without serviceType', { services: [{}] }, 'services[0].serviceType', /required/],
    ['count 0', { count: 0 }, 'count', /integer/],
    ['multicastTtl 0', { multicastTtl: 0 }, 'multicastTtl', /1\.\.255/],
    ['stateDir as a number', { stateDir: 5 }, 'stateDir', /string/],
    ['rawMessages as text', { rawMessages: 'yes' }, 'rawMessages', /boolean/],
    ['a negative limit', { limits: { sourceRatePerSecond: -1 } }, 'limits.sourceRatePerSecond', /≥ 0/],
    [
      'an unknown limit',
      { limits: { perSourceSearchesPerSecond: 5 } },
      'limits.perSourceSearchesPerSecond',
      /unknown limit/,
    ],
  ];
  it.each(cases)('%s throws InvalidOptionError naming the option', (_what, options, option, detail) => {
    const error = invalidOption(() => createDevice(options as DeviceOptions));
    expect(error.option).toBe(option);
    expect(error.detail).toMatch(detail);
    expect(error.message).toBe(`${option}: ${error.detail}`);
    // checkDeviceOptions says the same without creating anything.
    expect(invalidOption(() => checkDeviceOptions(options as DeviceOptions)).option).toBe(option);
  });

  it('refuses options that are not an object', () => {
    for (const options of [null, 42, 'upnp', []]) {
      expect(invalidOption(() => createDevice(options as unknown as DeviceOptions)).option).toBe('options');
    }
  });

  it('refuses a start() signal that is not an AbortSignal, before opening anything', async () => {
    const { device, network } = memoryDevice();
    await expect(device.start({ signal: 'stop' as unknown as AbortSignal })).rejects.toMatchObject({
      code: 'SSDP_ERR_INVALID_OPTION',
      option: 'signal',
    });
    await expect(device.start(null as unknown as undefined)).rejects.toBeInstanceOf(InvalidOptionError);
    expect(network.log).toHaveLength(0);
    expect(device.running).toBe(false);
  });

  it('accepts every documented option', async () => {
    const { device } = await started({
      interfaces: ['eth0'],
      deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
      friendlyName: 'Kitchen Light',
      uuid: UUID,
      manufacturer: 'ACME',
      manufacturerURL: 'http://acme.example/',
      modelName: 'Light',
      modelNumber: '7',
      modelDescription: 'A light',
      modelURL: 'http://acme.example/light',
      serialNumber: 'S1',
      upc: '012345678905',
      services: [SWITCH],
      profile: 'upnp',
      port: 41999,
      httpPort: 0,
      maxAge: 120,
      stateDir: '/unused',
      multicastTtl: 1,
      count: 2,
      limits: { sourceRatePerSecond: 5, allowOffLink: true },
      server: 'Test/1 UPnP/2.0 thing/1',
      rawMessages: true,
    });
    expect(device.udns).toHaveLength(2);
    await driven(device.stop());
  });
});

describe('events', () => {
  it('started, search-received, response-sent and stopped carry their objects; event sees each of them', async () => {
    const lab = memoryDevice({ uuid: UUID, friendlyName: 'Kitchen Light', interfaces: ['eth0'] });
    const named: DeviceEvent[] = [];
    lab.device.on('started', (event) => named.push(event));
    lab.device.on('search-received', (event) => named.push(event));
    lab.device.on('response-sent', (event) => named.push(event));
    lab.device.on('stopped', (event) => named.push(event));
    await lab.device.start();
    await advance(1000);
    const { received } = await searcher(lab.network, 'upnp:rootdevice');
    await advance(1500);
    await lab.stopCounting();

    expect(named.map((e) => e.event)).toEqual(['started', 'search-received', 'response-sent', 'stopped']);
    const [startedEvent, search, response, stopped] = named as [
      Extract<DeviceEvent, { event: 'started' }>,
      Extract<DeviceEvent, { event: 'search-received' }>,
      Extract<DeviceEvent, { event: 'response-sent' }>,
      Extract<DeviceEvent, { event: 'stopped' }>,
    ];
    expect(startedEvent).toMatchObject({
      profile: 'upnp',
      port: 1900,
      bootId: 1,
      count: 1,
      interfaces: [{ id: 'eth0/IPv4', address: '10.0.0.2' }],
      devices: [{ udn: `uuid:${UUID}`, friendlyName: 'Kitchen Light' }],
    });
    expect(search).toMatchObject({
      st: 'upnp:rootdevice',
      mx: '1',
      from: { address: '10.0.0.9' },
      interfaceId: 'eth0/IPv4',
      via: 'multicast',
      responses: 1,
    });
    expect(response).toMatchObject({
      searchId: search.searchId,
      st: 'upnp:rootdevice',
      usn: `uuid:${UUID}::upnp:rootdevice`,
      to: search.from,
      index: 1,
      total: 1,
    });
    expect(response.delayMs).toBeLessThanOrEqual(response.windowMs);
    expect(stopped).toMatchObject({ reason: 'stopped', stats: { searches: 1, responses: 1 } });
    expect(received.filter((text) => text.startsWith('HTTP/1.1 200 OK'))).toHaveLength(1);
    // The catch-all gets the very same objects, in order, among the others (alive-sent, byebye-sent ...).
    expect(lab.events.filter((e) => named.includes(e))).toEqual(named);
    expect(lab.events.map((e) => e.event)).toEqual(expect.arrayContaining(['alive-sent', 'byebye-sent']));
  });

  it('a listener that throws costs no answer and no other listener its event: it becomes a warning', async () => {
    const lab = memoryDevice({ uuid: UUID, interfaces: ['eth0'] });
    lab.device.on('search-received', () => {
      throw new Error('listener bug');
    });
    const warnings: string[] = [];
    lab.device.on('warning', (event) => warnings.push(event.message));
    await lab.device.start();
    await advance(1000);
    const { received } = await searcher(lab.network, 'upnp:rootdevice');
    await advance(1500);
    expect(received.filter((text) => text.startsWith('HTTP/1.1 200 OK'))).toHaveLength(1);
    expect(warnings).toEqual(["a 'search-received' listener threw: Error: listener bug"]);
    expect(lab.events.filter((e) => e.event === 'search-received')).toHaveLength(1);
    await lab.stopCounting();
  });

  it('JSON.stringify(device) is its identity and state, not the emitter', async () => {
    const { device } = memoryDevice({ uuid: UUID });
    expect(JSON.parse(JSON.stringify(device))).toEqual({ udn: `uuid:${UUID}`, udns: [], bootId: 0, running: false });
    await device.start();
    expect(JSON.parse(JSON.stringify(device))).toEqual({
      udn: `uuid:${UUID}`,
      udns: [`uuid:${UUID}`],
      bootId: 1,
      running: true,
    });
    expect(JSON.parse(JSON.stringify(memoryDevice().device))).toMatchObject({ udn: null });
    await driven(device.stop());
  });
});

describe('start, stop and AbortSignal', () => {
  it('start({signal}) with an aborted signal rejects AbortError and opens nothing', async () => {
    const lab = memoryDevice({ uuid: UUID });
    const controller = new AbortController();
    controller.abort(new Error('not now'));
    const failure = await lab.device.start({ signal: controller.signal }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AbortError);
    expect(failure).toMatchObject({ code: 'ABORT_ERR', cause: controller.signal.reason });
    expect(lab.network.log).toHaveLength(0);
    expect(lab.http.listening.size).toBe(0);
    expect(lab.stateStore.saves).toBe(0);
    expect(lab.events).toHaveLength(0);
    expect(lab.device.running).toBe(false);
  });

  it('aborting during start() closes what it opened and rejects AbortError', async () => {
    const lab = memoryDevice({ uuid: UUID });
    const controller = new AbortController();
    const starting = lab.device.start({ signal: controller.signal });
    controller.abort();
    await expect(driven(starting)).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect(lab.device.running).toBe(false);
    expect(lab.http.closed).toBe(true);
    expect(lab.events.at(-1)).toMatchObject({ event: 'stopped', reason: 'aborted' });
  });

  it('stop() sends ssdp:byebye for every USN before it resolves, and is idempotent', async () => {
    const lab = await started({ uuid: UUID, services: [SWITCH] });
    const startedEvent = lab.events.find(
      (e): e is Extract<DeviceEvent, { event: 'started' }> => e.event === 'started',
    )!;
    expect(lab.device.running).toBe(true);
    const byebyesAtResolve = await lab.stopCounting();
    const byebyes = lab.sent('NOTIFY').filter((r) => decoder.decode(r.bytes).includes('NTS: ssdp:byebye'));
    const usns = new Set(byebyes.map((r) => /USN: (.+)\r\n/.exec(decoder.decode(r.bytes))![1]));
    expect(startedEvent.advertisementCount).toBe(4);
    expect(usns).toEqual(
      new Set([
        `uuid:${UUID}::upnp:rootdevice`,
        `uuid:${UUID}`,
        `uuid:${UUID}::urn:schemas-upnp-org:device:Basic:1`,
        `uuid:${UUID}::urn:schemas-upnp-org:service:SwitchPower:1`,
      ]),
    );
    expect(byebyesAtResolve).toBe(byebyes.length);
    expect(lab.device.running).toBe(false);

    const logged = lab.network.log.length;
    await driven(lab.device.stop());
    await advance(1000);
    expect(lab.network.log).toHaveLength(logged);
    expect(lab.events.filter((e) => e.event === 'stopped')).toHaveLength(1);
  });

  it('a stopped device does not start again (a typed error says so)', async () => {
    const lab = await started({ uuid: UUID });
    await lab.stopCounting();
    await expect(lab.device.start()).rejects.toMatchObject({
      name: 'TransportError',
      code: 'SSDP_ERR_TRANSPORT_STOPPED',
    });
    expect(lab.device.running).toBe(false);
  });

  it('stop() during start() leaves the device stopped, not running', async () => {
    const lab = memoryDevice({ uuid: UUID });
    const starting = lab.device.start();
    const stopping = lab.device.stop();
    await starting;
    await advance(2000);
    await stopping;
    expect(lab.device.running).toBe(false);
  });
});

describe('start errors are typed, with a code and one line', () => {
  it('a busy port rejects TransportError SSDP_ERR_PORT_IN_USE', async () => {
    const lab = memoryDevice({ uuid: UUID });
    lab.network.host('dev').occupyPort('127.0.0.1', 1900);
    const failure = await lab.device.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportError);
    expect(failure).toMatchObject({ code: 'SSDP_ERR_PORT_IN_USE' });
    expect((failure as TransportError).toOneLine()).toMatch(/^SSDP_ERR_PORT_IN_USE: [^\n]*127\.0\.0\.1:1900[^\n]*$/);
    expect(lab.device.running).toBe(false);
    expect(lab.http.listening.size).toBe(0);
  });

  it('an unknown interface rejects TransportError SSDP_ERR_UNKNOWN_INTERFACE', async () => {
    const lab = memoryDevice({ uuid: UUID, interfaces: ['wlan9'] });
    await expect(lab.device.start()).rejects.toMatchObject({
      name: 'TransportError',
      code: 'SSDP_ERR_UNKNOWN_INTERFACE',
      message: expect.stringContaining('wlan9'),
    });
    expect(lab.network.log).toHaveLength(0);
  });
});
