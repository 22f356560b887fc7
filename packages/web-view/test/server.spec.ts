// The web view's HTTP surface against a stand-in control point, over real sockets on 127.0.0.1: headers, the
// Host and same-origin checks, the live stream (snapshot, deltas, sweep), details, icons and search.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { buildDeviceDescription } from '@ssdp/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { attachWebView, type WebView } from '../src/index.ts';
import { snapshotDevices, type DeltaMessage, type DeviceDetails, type SnapshotMessage } from '../src/wire.ts';
import { FakeSource, fakeDevice } from './fake-source.ts';
import { openStream, request, type EventStream } from './http.ts';

const UUID_A = '2fac1234-31f8-11b4-a222-08002b34c0a1';
const UUID_B = '2fac1234-31f8-11b4-a222-08002b34c0b2';
const EMBEDDED = '2fac1234-31f8-11b4-a222-08002b34c0e3';
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');

let views: WebView[] = [];
let streams: EventStream[] = [];
afterEach(async () => {
  for (const stream of streams) stream.close();
  for (const view of views) await view.close();
  views = [];
  streams = [];
});

async function serve(source: FakeSource, options: Parameters<typeof attachWebView>[1] = {}): Promise<WebView> {
  const view = await attachWebView(source, { flushIntervalMs: 20, refreshIntervalMs: 250, ...options });
  views.push(view);
  return view;
}

/** The next delta that carries a device change (the sweep also sends counter-only deltas). */
async function nextChange(events: EventStream): Promise<DeltaMessage> {
  for (;;) {
    const delta = (await events.next('delta')) as DeltaMessage;
    if (delta.upserts.length > 0 || delta.removals.length > 0) return delta;
  }
}

async function stream(view: WebView): Promise<EventStream> {
  const opened = await openStream(`${view.url}api/events`);
  streams.push(opened);
  return opened;
}

function describedXml(uuid: string, iconUrl: string | undefined): string {
  return buildDeviceDescription({
    specVersion: { major: 2, minor: 0 },
    device: {
      udn: `uuid:${uuid}`,
      deviceType: 'urn:schemas-upnp-org:device:MediaServer:1',
      friendlyName: '<img src=x onerror=alert(1)>',
      manufacturer: 'Test Corp',
      modelName: 'T1',
      icons: iconUrl === undefined ? [] : [{ mimetype: 'image/png', width: 48, height: 48, depth: 24, url: iconUrl }],
      services: [
        {
          serviceType: 'urn:schemas-upnp-org:service:ContentDirectory:1',
          serviceId: 'urn:upnp-org:serviceId:ContentDirectory',
          scpdURL: '/cd.xml',
          controlURL: 'ctl/cd',
          eventSubURL: '/evt/cd',
        },
      ],
      devices: [
        {
          udn: `uuid:${EMBEDDED}`,
          deviceType: 'urn:schemas-upnp-org:device:Basic:1',
          friendlyName: 'front panel',
          manufacturer: 'Test Corp',
          modelName: 'T1e',
          icons: [],
          services: [],
          devices: [],
        },
      ],
    },
  });
}

describe('pages and headers', () => {
  it('serves the page, its script and style with a strict CSP, nosniff and no framing', async () => {
    const view = await serve(new FakeSource());
    expect(view.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await request(view.url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = page.headers['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    const html = page.body.toString();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/\sstyle=|<style/); // no inline style
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // nothing from elsewhere
    const script = await request(`${view.url}app.js`);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await request(`${view.url}app.css`)).headers['content-type']).toBe('text/css; charset=utf-8');
    const again = await request(view.url, { headers: { 'If-None-Match': String(page.headers.etag) } });
    expect(again.status).toBe(304);
  });

  it('the bundled script never parses HTML', () => {
    const script = readFileSync(fileURLToPath(new URL('../dist/assets/app.js', import.meta.url)), 'utf8');
    for (const sink of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'DOMParser',
      'createContextualFragment',
      'eval(',
    ]) {
      expect(script, sink).not.toContain(sink);
    }
    expect(script).toContain('textContent');
  });

  it('answers unknown paths with 404 and other methods with 405', async () => {
    const view = await serve(new FakeSource());
    expect((await request(`${view.url}etc/passwd`)).status).toBe(404);
    expect((await request(`${view.url}../package.json`)).status).toBe(404);
    expect((await request(`${view.url}api/nothing`)).status).toBe(404);
    const post = await request(view.url, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await request(`${view.url}api/search`)).status).toBe(405);
  });
});

describe('Host header (DNS rebinding)', () => {
  it('accepts the listen address, localhost and loopback addresses, and refuses other names with 421', async () => {
    const view = await serve(new FakeSource());
    for (const host of [
      `127.0.0.1:${view.port}`,
      `localhost:${view.port}`,
      'LOCALHOST',
      `127.1.2.3:${view.port}`,
      `[::1]:${view.port}`,
    ]) {
      expect((await request(view.url, { headers: { Host: host } })).status, host).toBe(200);
    }
    for (const host of [
      `evil.example:${view.port}`,
      'attacker.localhost.evil',
      `192.0.2.1:${view.port}`,
      'localhost.',
      'a b',
    ]) {
      const reply = await request(view.url, { headers: { Host: host } });
      if (host !== 'localhost.') expect(reply.status, host).toBe(421);
      expect(reply.headers['content-security-policy']).toBeDefined();
    }
    expect((await request(`${view.url}api/events`, { headers: { Host: 'evil.example' } })).status).toBe(421);
  });

  it('accepts allowedHosts', async () => {
    const view = await serve(new FakeSource(), { allowedHosts: ['mybox.lan'] });
    expect((await request(view.url, { headers: { Host: `mybox.lan:${view.port}` } })).status).toBe(200);
    expect((await request(view.url, { headers: { Host: `otherbox.lan:${view.port}` } })).status).toBe(421);
  });

  it('refuses a request without Host with 400', async () => {
    const view = await serve(new FakeSource());
    const reply = await new Promise<string>((resolve) => {
      const socket = net.connect(view.port, '127.0.0.1', () => socket.write('GET / HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
  });
});

describe('search (the one action)', () => {
  const json = { 'Content-Type': 'application/json' };

  it('runs a search for a same-origin POST', async () => {
    const source = new FakeSource();
    const view = await serve(source);
    const origin = `http://127.0.0.1:${view.port}`;
    const reply = await request(`${view.url}api/search`, {
      method: 'POST',
      headers: { ...json, Origin: origin },
      body: '{"st":"urn:schemas-upnp-org:device:MediaServer:1"}',
    });
    expect(reply.status).toBe(202);
    const site = await request(`${view.url}api/search`, {
      method: 'POST',
      headers: { ...json, 'Sec-Fetch-Site': 'same-origin' },
      body: '{}',
    });
    expect(site.status).toBe(202);
    expect(source.searches).toEqual(['urn:schemas-upnp-org:device:MediaServer:1', undefined]);
  });

  it('refuses cross-origin and origin-less POSTs, wrong types and bad targets, and searches nothing', async () => {
    const source = new FakeSource();
    const view = await serve(source);
    const url = `${view.url}api/search`;
    const body = '{"st":"ssdp:all"}';
    const cases: [Record<string, string>, number][] = [
      [json, 403],
      [{ ...json, Origin: 'http://evil.example' }, 403],
      [{ ...json, Origin: `http://127.0.0.1:${view.port + 1}` }, 403],
      [{ ...json, Origin: 'null' }, 403],
      [{ ...json, 'Sec-Fetch-Site': 'cross-site' }, 403],
      [{ ...json, 'Sec-Fetch-Site': 'same-site', Origin: `http://127.0.0.1:${view.port}` }, 403],
      [{ 'Content-Type': 'text/plain', Origin: `http://127.0.0.1:${view.port}` }, 415],
      [{ 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' }, 415],
    ];
    for (const [headers, status] of cases)
      expect((await request(url, { method: 'POST', headers, body })).status, JSON.stringify(headers)).toBe(status);
    const same = { ...json, Origin: `http://127.0.0.1:${view.port}` };
    expect((await request(url, { method: 'POST', headers: same, body: '{"st":"not a target"}' })).status).toBe(400);
    expect((await request(url, { method: 'POST', headers: same, body: '{"st":42}' })).status).toBe(400);
    expect((await request(url, { method: 'POST', headers: same, body: 'x'.repeat(5000) })).status).toBe(413);
    expect(source.searches.filter((st) => st !== 'not a target')).toEqual([]);
  });

  it('limits searches to a burst of 5, then about one per second', async () => {
    const source = new FakeSource();
    const view = await serve(source);
    const headers = { ...json, 'Sec-Fetch-Site': 'same-origin' };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1)
      statuses.push((await request(`${view.url}api/search`, { method: 'POST', headers, body: '{}' })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429]);
    expect(source.searches.length).toBe(5);
  });
});

describe('live stream', () => {
  it('sends a snapshot, then deltas for added, changed and removed devices, with traffic and counters', async () => {
    const source = new FakeSource();
    source.known.set(`uuid:${UUID_A}`, fakeDevice(UUID_A));
    const view = await serve(source);
    const events = await stream(view);
    expect(events.status).toBe(200);
    expect(events.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(events.headers['content-security-policy']).toBeDefined();
    const snapshot = (await events.next('snapshot')) as SnapshotMessage;
    const { usns, locations, ...rest } = source.known.get(`uuid:${UUID_A}`)!;
    expect(snapshotDevices(snapshot)).toEqual([{ ...rest, usnCount: usns.length, locationCount: locations.length }]);
    expect(Math.abs(snapshot.serverTime - Date.now())).toBeLessThan(1000);

    source.add(fakeDevice(UUID_B, { friendlyName: '<b>bold</b>' }));
    let delta = await nextChange(events);
    expect(delta.upserts.map((d) => [d.udn, d.friendlyName])).toEqual([[`uuid:${UUID_B}`, '<b>bold</b>']]);
    expect(Object.keys(delta.upserts[0]!)).not.toContain('event'); // the device, not the event
    expect(delta.upserts[0]).toMatchObject({ usnCount: 2, locationCount: 1 }); // the lists are in the details only
    expect(Object.keys(delta.upserts[0]!)).not.toContain('usns');
    expect(delta.traffic.map((t) => t.kind)).toEqual(['device-added']);
    expect(delta.counters.events['device-added']).toBe(1);

    source.remove(`uuid:${UUID_A}`, 'byebye');
    delta = await nextChange(events);
    expect(delta.removals).toEqual([{ udn: `uuid:${UUID_A}`, reason: 'byebye' }]);
    expect(view.stats.viewers).toBe(1);
  });

  it('the sweep sends a device seen again without an event (new lastSeen), and removes one gone without an event', async () => {
    const source = new FakeSource();
    const device = fakeDevice(UUID_A);
    source.known.set(device.udn, device);
    source.known.set(`uuid:${UUID_B}`, fakeDevice(UUID_B));
    const view = await serve(source);
    const events = await stream(view);
    await events.next('snapshot');
    const later = new Date(Date.parse(device.lastSeen) + 5000).toISOString();
    source.known.set(device.udn, { ...device, lastSeen: later });
    source.known.delete(`uuid:${UUID_B}`);
    const seen: DeltaMessage[] = [];
    while (!seen.some((d) => d.upserts.length > 0) || !seen.some((d) => d.removals.length > 0))
      seen.push((await events.next('delta', 2000)) as DeltaMessage);
    expect(seen.flatMap((d) => d.upserts).map((d) => [d.udn, d.lastSeen])).toEqual([[device.udn, later]]);
    expect(seen.flatMap((d) => d.removals)).toEqual([{ udn: `uuid:${UUID_B}`, reason: 'gone' }]);
  });

  it('keeps the latest traffic lines for new pages and sends a new page a fresh snapshot', async () => {
    const source = new FakeSource();
    const view = await serve(source);
    for (let i = 0; i < 250; i += 1) {
      source.emitEvent({
        event: 'search-sent',
        time: new Date().toISOString(),
        interfaceId: 'lo/IPv4',
        target: `uuid:${i}`,
        mx: 3,
        attempt: 1,
        cycle: i,
      });
    }
    source.add(fakeDevice(UUID_A));
    const events = await stream(view);
    const snapshot = (await events.next('snapshot')) as SnapshotMessage;
    expect(snapshot.devices.length).toBe(1);
    expect(snapshot.traffic.length).toBe(200);
    expect(snapshot.traffic.at(-1)?.kind).toBe('device-added');
    expect(snapshot.traffic[0]?.text).toContain('uuid:51 '); // 251 lines, the latest 200 kept
  });

  it('a stream outlives the guard’s header and idle deadlines: it is a response in progress, not an idle connection', async () => {
    const source = new FakeSource();
    const view = await serve(source, { http: { headersTimeoutMs: 200, idleTimeoutMs: 200 } });
    const events = await stream(view);
    await events.next('snapshot');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    source.add(fakeDevice(UUID_A));
    const delta = await nextChange(events);
    expect(delta.upserts.map((d) => d.udn)).toEqual([`uuid:${UUID_A}`]);
    expect(Object.values(view.stats.http.drops).every((count) => count === 0)).toBe(true);
    // ... while a connection that never sends its headers is cut by the guard.
    const silent = net.connect(view.port, '127.0.0.1');
    await new Promise<void>((resolve) => silent.once('close', () => resolve()));
    expect(view.stats.http.drops['http-header-deadline']).toBe(1);
  });

  it('refuses pages beyond maxViewers with 503', async () => {
    const view = await serve(new FakeSource(), { maxViewers: 1 });
    await stream(view);
    expect((await request(`${view.url}api/events`)).status).toBe(503);
  });
});

describe('details and icon', () => {
  it('reads the description on demand: services with resolved URLs, embedded devices, raw messages, the icon', async () => {
    const source = new FakeSource();
    const device = fakeDevice(UUID_A, {
      usns: [`uuid:${UUID_A}::upnp:rootdevice`, `uuid:${EMBEDDED}::urn:schemas-upnp-org:device:Basic:1`],
    });
    source.known.set(device.udn, device);
    source.descriptions.set(device.location!, describedXml(UUID_A, '/icons/48.png'));
    source.resources.set('http://127.0.0.1:9/icons/48.png', PNG);
    const view = await serve(source);
    const text = (usn: string) =>
      `NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nUSN: ${usn}\r\n\r\n`;
    for (const usn of [
      `uuid:${UUID_A}::upnp:rootdevice`,
      `uuid:${EMBEDDED}::urn:schemas-upnp-org:device:Basic:1`,
      `uuid:${UUID_B}::upnp:rootdevice`,
    ]) {
      source.emitEvent({
        event: 'message-received',
        time: new Date().toISOString(),
        address: '127.0.0.1',
        port: 1900,
        interfaceId: 'lo/IPv4',
        via: 'multicast',
        kind: 'notify-alive',
        server: null,
        text: text(usn),
      } as never);
    }
    const reply = await request(`${view.url}api/device?udn=${encodeURIComponent(device.udn)}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    const details = JSON.parse(reply.body.toString()) as DeviceDetails;
    expect(details.description?.device.friendlyName).toBe('<img src=x onerror=alert(1)>');
    expect(details.description?.device.services).toEqual([
      {
        serviceType: 'urn:schemas-upnp-org:service:ContentDirectory:1',
        serviceId: 'urn:upnp-org:serviceId:ContentDirectory',
        scpdURL: 'http://127.0.0.1:9/cd.xml',
        controlURL: 'http://127.0.0.1:9/ctl/cd',
        eventSubURL: 'http://127.0.0.1:9/evt/cd',
      },
    ]);
    expect(details.description?.device.devices.map((d) => d.udn)).toEqual([`uuid:${EMBEDDED}`]);
    expect(details.raw.map((m) => /USN: (\S+)/.exec(m.text)?.[1])).toEqual([
      `uuid:${UUID_A}::upnp:rootdevice`,
      `uuid:${EMBEDDED}::urn:schemas-upnp-org:device:Basic:1`,
    ]);
    expect(details.rawMessages).toBe(true);
    expect(details.icon).toBe(true);

    const icon = await request(`${view.url}api/icon?udn=${encodeURIComponent(device.udn)}`);
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/png');
    expect(icon.headers['content-security-policy']).toContain('sandbox');
    expect(new Uint8Array(icon.body)).toEqual(PNG);
    // Cached: the details and the icon cost one description and one icon fetch.
    expect(source.fetched).toEqual([device.location, 'http://127.0.0.1:9/icons/48.png']);
  });

  it('never serves what is not a raster image as an icon (an SVG with script)', async () => {
    const source = new FakeSource();
    const device = fakeDevice(UUID_A);
    source.known.set(device.udn, device);
    source.descriptions.set(device.location!, describedXml(UUID_A, 'http://127.0.0.1:9/icon.png'));
    source.resources.set('http://127.0.0.1:9/icon.png', SVG);
    const view = await serve(source);
    const details = JSON.parse(
      (await request(`${view.url}api/device?udn=${encodeURIComponent(device.udn)}`)).body.toString(),
    ) as DeviceDetails;
    expect(details.icon).toBe(false);
    expect((await request(`${view.url}api/icon?udn=${encodeURIComponent(device.udn)}`)).status).toBe(404);
  });

  it('reports description failures and unknown devices', async () => {
    const source = new FakeSource();
    const device = fakeDevice(UUID_A);
    source.known.set(device.udn, device);
    const view = await serve(source);
    const details = JSON.parse(
      (await request(`${view.url}api/device?udn=${encodeURIComponent(device.udn)}`)).body.toString(),
    ) as DeviceDetails;
    expect(details.description).toBeNull();
    expect(details.descriptionError?.reason).toBe('http-status');
    expect(details.rawMessages).toBe(false);
    expect((await request(`${view.url}api/device?udn=uuid%3Anobody`)).status).toBe(404);
    expect((await request(`${view.url}api/icon?udn=uuid%3Anobody`)).status).toBe(404);
  });
});
