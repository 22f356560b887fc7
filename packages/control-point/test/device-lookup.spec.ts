// device(), fetchDescription() and fetchFromDevice(): on-demand reads of a known device through the safe fetcher,
// on a memory network with a scripted HTTP server (real clock).
import { afterEach, describe, expect, it } from 'vitest';
import { createControlPoint, type ControlPoint, type HttpGet } from '../src/index.ts';
import { MemoryNetwork, createFakeDevice, createMemoryTransport, type FakeDevice } from '../src/testing/index.ts';

const UUID = '5fac1234-31f8-11b4-a222-08002b34c0aa';
const EMBEDDED = '6fac1234-31f8-11b4-a222-08002b34c0bb';
const encoder = new TextEncoder();

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
});

/** Serves `routes` (by absolute URL) and records what was asked with which Accept header. */
function scriptedHttp(routes: Map<string, Uint8Array>, asked: { url: string; accept: string | undefined }[]): HttpGet {
  return async ({ url, headers }) => {
    asked.push({ url: url.href, accept: headers['Accept'] });
    const body = routes.get(url.href);
    return {
      status: body === undefined ? 404 : 200,
      header: () => undefined,
      body: (async function* () {
        if (body !== undefined) yield body;
      })(),
    };
  };
}

async function setup(): Promise<{
  cp: ControlPoint;
  device: FakeDevice;
  routes: Map<string, Uint8Array>;
  asked: { url: string; accept: string | undefined }[];
}> {
  const network = new MemoryNetwork();
  network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
  network.addHost('dev1', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
  const device = createFakeDevice({
    network,
    host: 'dev1',
    uuid: UUID,
    friendlyName: 'Lamp',
    services: ['urn:schemas-upnp-org:service:SwitchPower:1', 'urn:schemas-upnp-org:service:Dimming:1'],
    embedded: [{ uuid: EMBEDDED, deviceType: 'urn:schemas-upnp-org:device:Sensor:1' }],
  });
  await device.start();
  stops.push(() => device.stop());
  const routes = new Map<string, Uint8Array>([[device.location, encoder.encode(device.descriptionXml())]]);
  const asked: { url: string; accept: string | undefined }[] = [];
  const cp = createControlPoint(
    { interfaces: ['eth0'], mx: 1 },
    {
      createTransport: (options) => createMemoryTransport({ ...options, families: ['IPv4'] }, { network, host: 'cp' }),
      httpGet: scriptedHttp(routes, asked),
    },
  );
  await cp.start();
  stops.push(() => cp.stop());
  await cp.collect();
  return { cp, device, routes, asked };
}

describe('on-demand device lookups', () => {
  it('device() finds an announced device by UDN in any case, and nothing else', async () => {
    const { cp } = await setup();
    expect(cp.device(`uuid:${UUID}`)?.friendlyName).toBe('Lamp');
    expect(cp.device(`UUID:${UUID.toUpperCase()}`)?.udn).toBe(`uuid:${UUID}`);
    expect(cp.device('uuid:00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('fetchDescription() returns the parsed document: services, embedded devices, the URL it was read from', async () => {
    const { cp, device } = await setup();
    const lookup = await cp.fetchDescription(`uuid:${UUID}`);
    if (!lookup.ok) throw new Error(`lookup failed: ${lookup.reason} ${lookup.detail}`);
    expect(lookup.url).toBe(device.location);
    expect(lookup.device.services.map((s) => s.serviceType)).toEqual([
      'urn:schemas-upnp-org:service:SwitchPower:1',
      'urn:schemas-upnp-org:service:Dimming:1',
    ]);
    expect(lookup.device.services[0]?.scpdURL).toBe('/scpd.xml');
    expect(lookup.device.devices.map((d) => d.udn)).toEqual([`uuid:${EMBEDDED}`]);
  });

  it('fetchDescription() reports failures as values', async () => {
    const { cp, device, routes } = await setup();
    expect(await cp.fetchDescription('uuid:00000000-0000-4000-8000-000000000000')).toMatchObject({
      ok: false,
      reason: 'unknown-device',
    });
    routes.set(device.location, encoder.encode('<root>not a description'));
    expect(await cp.fetchDescription(`uuid:${UUID}`)).toMatchObject({ ok: false, reason: 'invalid-description' });
    routes.delete(device.location);
    expect(await cp.fetchDescription(`uuid:${UUID}`)).toMatchObject({ ok: false, reason: 'http-status' });
  });

  it('fetchFromDevice() reads a resource of the device with its own Accept, under a size cap, on its host only', async () => {
    const { cp, routes, asked } = await setup();
    const icon = new Uint8Array(3000).fill(7);
    routes.set('http://10.0.0.2:8080/icon.png', icon);
    const ok = await cp.fetchFromDevice(`uuid:${UUID}`, 'http://10.0.0.2:8080/icon.png', { accept: 'image/png' });
    expect(ok).toMatchObject({ ok: true, url: 'http://10.0.0.2:8080/icon.png' });
    expect(ok.ok && ok.body.byteLength).toBe(3000);
    expect(asked.at(-1)).toEqual({ url: 'http://10.0.0.2:8080/icon.png', accept: 'image/png' });

    expect(await cp.fetchFromDevice(`uuid:${UUID}`, 'http://10.0.0.2:8080/icon.png', { maxBytes: 2999 })).toMatchObject(
      { ok: false, reason: 'too-large' },
    );
    const before = asked.length;
    expect(await cp.fetchFromDevice(`uuid:${UUID}`, 'http://10.0.0.9/icon.png')).toMatchObject({
      ok: false,
      reason: 'foreign-host',
    });
    expect(await cp.fetchFromDevice(`uuid:${UUID}`, 'file:///etc/passwd')).toMatchObject({
      ok: false,
      reason: 'bad-location',
    });
    expect(asked.length).toBe(before); // refused before any request
    expect(
      await cp.fetchFromDevice('uuid:00000000-0000-4000-8000-000000000000', 'http://10.0.0.2:8080/icon.png'),
    ).toMatchObject({
      ok: false,
      reason: 'unknown-device',
    });
  });

  it('an aborted signal rejects with AbortError', async () => {
    const { cp } = await setup();
    const controller = new AbortController();
    controller.abort();
    await expect(cp.fetchDescription(`uuid:${UUID}`, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
