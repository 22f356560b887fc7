import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceConfig } from '../src/device-config.ts';
import { REPLY_MARGIN_MS } from '../src/responder.ts';
import { advance, createLab, deviceDelays, header, TRANSIT_MS } from './support/harness.ts';

const CP = { name: 'eth0', link: 'lan', ipv4: '10.0.0.3/24' };

/** A root with 2 services, one embedded device (2 services, one shared type) and a nested one: 3 + 2d + k. */
const TREE: DeviceConfig = {
  deviceType: 'urn:schemas-upnp-org:device:MediaServer:2',
  friendlyName: 'Tree',
  services: [
    {
      serviceType: 'urn:schemas-upnp-org:service:ContentDirectory:2',
      serviceId: 'urn:upnp-org:serviceId:ContentDirectory',
    },
    {
      serviceType: 'urn:schemas-upnp-org:service:ConnectionManager:2',
      serviceId: 'urn:upnp-org:serviceId:ConnectionManager',
    },
  ],
  devices: [
    {
      deviceType: 'urn:schemas-upnp-org:device:MediaRenderer:1',
      services: [
        {
          serviceType: 'urn:schemas-upnp-org:service:RenderingControl:1',
          serviceId: 'urn:upnp-org:serviceId:RenderingControl',
        },
        {
          serviceType: 'urn:schemas-upnp-org:service:ConnectionManager:2',
          serviceId: 'urn:upnp-org:serviceId:ConnectionManager',
        },
        {
          serviceType: 'urn:schemas-upnp-org:service:ConnectionManager:2',
          serviceId: 'urn:upnp-org:serviceId:ConnectionManager2',
        },
      ],
      devices: [{ deviceType: 'urn:example-com:device:Lamp:3', services: [] }],
    },
  ],
};
// d = 2 embedded devices; k = 2 (root) + 2 (renderer: RenderingControl, ConnectionManager once) + 0 = 4.
const TREE_SET_SIZE = 3 + 2 * 2 + 4;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('search responder (upnp)', () => {
  it('answers ssdp:all with the whole 3 + 2d + k set, each response at its own delay within [0, MX]', async () => {
    const lab = createLab({ device: { config: TREE } });
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    const sentAt = await cp.search({ st: 'ssdp:all', mx: 3 });
    await advance(3000 + TRANSIT_MS);
    const responses = cp.responses(sentAt);
    expect(responses).toHaveLength(TREE_SET_SIZE);
    const usns = responses.map((r) => header(r, 'USN'));
    expect(new Set(usns).size).toBe(TREE_SET_SIZE);
    const ntOf = new Map(lab.device.fleet!.members[0]!.advertisements.map((a) => [a.usn, a.nt]));
    expect(new Set(usns)).toEqual(new Set(ntOf.keys()));
    for (const response of responses) {
      expect(response.at - sentAt).toBeGreaterThanOrEqual(0);
      expect(response.at - sentAt).toBeLessThanOrEqual(3000 + TRANSIT_MS);
      expect(header(response, 'ST')).toBe(ntOf.get(header(response, 'USN')!));
    }
    expect(deviceDelays(lab)).toHaveLength(TREE_SET_SIZE);
    // Spread, not bunched: many distinct instants, covering a good part of the window.
    const delays = responses.map((r) => r.at - sentAt).sort((a, b) => a - b);
    expect(new Set(delays).size).toBeGreaterThanOrEqual(TREE_SET_SIZE - 1);
    expect(delays.at(-1)! - delays[0]!).toBeGreaterThan(1000);
  });

  it('builds only the events its sink wants: no raw, one response-sent per search, no announcements', async () => {
    const lab = createLab({
      device: { config: TREE },
      interest: { events: new Set(['search-received', 'response-sent', 'stopped']), raw: false, responses: 'last' },
    });
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    const sentAt = await cp.search({ st: 'ssdp:all', mx: 2 });
    await cp.search({ st: 'upnp:rootdevice', mx: 1 });
    await advance(2000 + TRANSIT_MS);
    expect(cp.responses(sentAt)).toHaveLength(TREE_SET_SIZE + 1); // the wire is unchanged
    const searches = lab.eventsOf('search-received');
    expect(searches).toHaveLength(2);
    for (const search of searches) expect(search).not.toHaveProperty('raw');
    const responses = lab.eventsOf('response-sent');
    expect(responses.map((e) => [e.searchId, e.index, e.total]).sort()).toEqual([
      [searches[0]!.searchId, TREE_SET_SIZE, TREE_SET_SIZE],
      [searches[1]!.searchId, 1, 1],
    ]);
    expect(new Set(lab.events.map((e) => e.event))).toEqual(new Set(['search-received', 'response-sent']));
    expect(lab.device.stats).toMatchObject({ searches: 2, responses: TREE_SET_SIZE + 1 });
    expect(lab.device.stats.alive).toBeGreaterThan(0); // announced, just not reported
  });

  it('builds every event, with raw, by default', async () => {
    const lab = createLab({ device: { config: TREE } });
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    await cp.search({ st: 'ssdp:all', mx: 1 });
    await advance(1000 + TRANSIT_MS);
    expect(lab.eventsOf('search-received')[0]!.raw).toMatch(/^M-SEARCH \* HTTP\/1\.1\r\n[^]*ST: ssdp:all\r\n/);
    expect(lab.eventsOf('response-sent')).toHaveLength(TREE_SET_SIZE);
    expect(lab.eventsOf('alive-sent').length).toBeGreaterThan(0);
  });

  it('dates every answer when it goes out, and carries the BOOTID and LOCATION after an interface change', async () => {
    const lab = createLab();
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    const answers = async () => {
      const sentAt = await cp.search({ st: 'upnp:rootdevice', mx: 1 });
      await advance(1000 + TRANSIT_MS);
      return cp.responses(sentAt);
    };
    const dates = new Set<string>();
    for (let i = 0; i < 4; i += 1) {
      for (const response of await answers()) {
        // DATE has whole seconds: the second in which the answer left (one clock tick before it arrived).
        const date = Date.parse(header(response, 'DATE')!);
        expect(date).toBeLessThanOrEqual(response.at);
        expect(date).toBeGreaterThan(response.at - 1000 - TRANSIT_MS);
        dates.add(header(response, 'DATE')!);
      }
      await advance(700);
    }
    expect(dates.size).toBeGreaterThanOrEqual(3);
    const bootId = lab.device.bootId;
    lab.deviceHost.setAddress('eth0', '10.0.0.9/24');
    await advance(3000);
    expect(lab.device.bootId).toBe(bootId + 1);
    const after = await answers();
    expect(after).toHaveLength(1);
    expect(header(after[0]!, 'BOOTID.UPNP.ORG')).toBe(String(bootId + 1));
    expect(header(after[0]!, 'LOCATION')).toMatch(/^http:\/\/10\.0\.0\.9:\d+\//);
  });

  it('spreads delays uniformly over the window across many searches', async () => {
    const lab = createLab();
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    const delays: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      const sentAt = await cp.search({ st: 'ssdp:all', mx: 2 });
      await advance(2100);
      delays.push(...cp.responses(sentAt).map((r) => r.at - sentAt));
    }
    expect(delays).toHaveLength(45);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2000 + TRANSIT_MS);
    expect(deviceDelays(lab)).toHaveLength(45);
    // Each half of the window gets a fair share (a bunched or constant delay would fail this).
    const firstHalf = delays.filter((d) => d < 1000).length;
    expect(firstHalf).toBeGreaterThan(10);
    expect(firstHalf).toBeLessThan(35);
  });

  it('keeps a 100 ms margin before MX, so late-processed searches are still answered within their window', async () => {
    const lab = createLab({ device: { limits: { sourceBurst: 1000, sourceRatePerSecond: 1000 } } });
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    for (let i = 0; i < 100; i += 1) {
      await cp.search({ st: 'ssdp:all', mx: 1 });
      await advance(20);
    }
    await advance(1000);
    const delays = deviceDelays(lab);
    expect(delays).toHaveLength(300);
    // 300 uniform draws in [0, 1000] would put about 30 past 900 ms; in [0, 900] none.
    expect(Math.max(...delays)).toBeLessThanOrEqual(1000 - REPLY_MARGIN_MS);
    expect(Math.max(...delays)).toBeGreaterThan(800); // still spread over the window
  });

  it('answers 100 concurrent searches from 100 control points completely', async () => {
    const lab = createLab();
    const cps = [];
    // The control points do not join the group: 100 x 100 deliveries of each other's searches would only slow
    // the fake clock down.
    for (let i = 0; i < 100; i += 1) {
      cps.push(
        await lab.controlPoint(
          `cp${i}`,
          { name: 'eth0', link: 'lan', ipv4: `10.0.0.${10 + i}/24` },
          { joinGroup: false },
        ),
      );
    }
    await lab.start();
    const sentAt = Date.now();
    await Promise.all(cps.map((cp) => cp.search({ st: 'ssdp:all', mx: 3 })));
    await advance(3500);
    for (const cp of cps) {
      const responses = cp.responses(sentAt);
      expect(responses).toHaveLength(3);
      expect(responses.every((r) => r.datagram.via === 'unicast' && r.datagram.remote.address === '10.0.0.2')).toBe(
        true,
      );
    }
    expect(lab.eventsOf('search-received')).toHaveLength(100);
    expect(lab.device.stats.responses).toBe(300);
    expect(Object.values(lab.device.stats.dropped).reduce((a, b) => a + b, 0)).toBe(
      lab.device.stats.dropped['not-a-search'],
    );
  });

  it('never lets a pending answer block the next search', async () => {
    const lab = createLab();
    const slow = await lab.controlPoint('slow', CP);
    const fast = await lab.controlPoint('fast', { name: 'eth0', link: 'lan', ipv4: '10.0.0.4/24' });
    await lab.start();
    await slow.search({ st: 'ssdp:all', mx: 5 });
    await advance(10);
    const fastAt = await fast.search({ st: 'upnp:rootdevice', mx: 1 });
    await advance(1000 + TRANSIT_MS);
    expect(fast.responses(fastAt)).toHaveLength(1);
    expect(slow.responses().length).toBeLessThan(3 + 1); // still waiting for some of its own (seeded)
    await advance(5000);
    expect(slow.responses()).toHaveLength(3);
  });

  it('cancels the answers still pending when it stops: none goes out after the byebyes', async () => {
    const lab = createLab({ device: { config: TREE } });
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    const sentAt = await cp.search({ st: 'ssdp:all', mx: 5 });
    await advance(50);
    const pendingBefore = lab.device.pendingResponses;
    expect(pendingBefore).toBeGreaterThan(0);
    const stopping = lab.device.stop();
    await advance(0);
    expect(lab.device.pendingResponses).toBe(0); // cancelled before the byebyes go out
    await advance(1000);
    await stopping;
    const answeredByStop = cp.responses(sentAt).length;
    await advance(6000);
    expect(cp.responses(sentAt)).toHaveLength(answeredByStop);
    expect(answeredByStop + pendingBefore).toBe(TREE_SET_SIZE);
    // Had they stayed scheduled, they would have run against the stopped transport.
    expect([lab.device.stats.dropped['send-failed'], lab.device.stats.dropped['interface-gone']]).toEqual([0, 0]);
  });

  it('clamps MX to 5 s', async () => {
    const lab = createLab({ device: { config: TREE } });
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    const sentAt = await cp.search({ st: 'ssdp:all', mx: 120 });
    await advance(5000 + TRANSIT_MS);
    expect(cp.responses(sentAt)).toHaveLength(TREE_SET_SIZE);
    expect(Math.max(...cp.responses(sentAt).map((r) => r.at - sentAt))).toBeLessThanOrEqual(5000 + TRANSIT_MS);
    expect(Math.max(...deviceDelays(lab))).toBeLessThanOrEqual(5000);
    expect(lab.eventsOf('search-received')[0]).toMatchObject({ windowMs: 5000, mx: '120' });
  });

  it('drops a multicast search without MX, or with an invalid MX, and reports why', async () => {
    const lab = createLab();
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    await cp.sendRaw(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nST: ssdp:all\r\n\r\n',
    );
    await cp.sendRaw(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: abc\r\nST: ssdp:all\r\n\r\n',
    );
    await cp.sendRaw(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 0\r\nST: ssdp:all\r\n\r\n',
    );
    await advance(6000);
    expect(cp.responses()).toHaveLength(0);
    expect(lab.device.stats.dropped['mx-missing']).toBe(1);
    expect(lab.device.stats.dropped['mx-invalid']).toBe(2);
    const dropped = lab.eventsOf('dropped');
    expect(dropped.map((d) => d.reason)).toContain('mx-missing');
    expect(dropped.find((d) => d.reason === 'mx-invalid')).toMatchObject({
      source: { address: '10.0.0.3' },
      detail: 'MX abc',
    });
  });

  it('answers a unicast search without MX within 1 s, to the source port', async () => {
    const lab = createLab();
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    const sentAt = await cp.search({
      st: 'upnp:rootdevice',
      mx: undefined,
      host: '10.0.0.2:1900',
      target: { kind: 'unicast', interfaceId: cp.interfaceId, address: '10.0.0.2', port: 1900 },
    });
    const sent = lab.network.log.at(-1)!;
    expect(new TextDecoder().decode(sent.bytes)).not.toContain('MX');
    await advance(1000 + TRANSIT_MS);
    const responses = cp.responses(sentAt);
    expect(responses).toHaveLength(1);
    expect(responses[0]!.at - sentAt).toBeLessThan(1000 + TRANSIT_MS);
    expect(deviceDelays(lab)[0]).toBeLessThan(1000);
    const answer = lab.network.log.find((r) => r.host === 'device' && r.to.port === cp.port)!;
    expect(answer.to).toEqual({ address: '10.0.0.3', port: cp.port });
    expect(lab.eventsOf('search-received')[0]).toMatchObject({ via: 'unicast', windowMs: 1000 });
  });

  it('answers a unicast search with a large MX within 1 s too', async () => {
    const lab = createLab();
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    const sentAt = await cp.search({
      st: 'ssdp:all',
      mx: 5,
      host: '10.0.0.2:1900',
      target: { kind: 'unicast', interfaceId: cp.interfaceId, address: '10.0.0.2', port: 1900 },
    });
    await advance(1000 + TRANSIT_MS);
    expect(cp.responses(sentAt)).toHaveLength(3);
  });

  it('matches device and service types with version >= requested and echoes the requested version', async () => {
    const lab = createLab({ device: { config: TREE } });
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    const udn = lab.device.fleet!.members[0]!.udn;

    let at = await cp.search({ st: 'urn:schemas-upnp-org:device:MediaServer:1', mx: 1 });
    await advance(1000 + TRANSIT_MS);
    let responses = cp.responses(at);
    expect(responses.map((r) => [header(r, 'ST'), header(r, 'USN')])).toEqual([
      ['urn:schemas-upnp-org:device:MediaServer:1', `${udn}::urn:schemas-upnp-org:device:MediaServer:1`],
    ]);

    at = await cp.search({ st: 'urn:schemas-upnp-org:device:MediaServer:3', mx: 1 });
    await advance(1000 + TRANSIT_MS);
    expect(cp.responses(at)).toHaveLength(0);

    // ConnectionManager:2 is in the root and in the renderer: one response per device that has it.
    at = await cp.search({ st: 'urn:schemas-upnp-org:service:ConnectionManager:1', mx: 1 });
    await advance(1000 + TRANSIT_MS);
    responses = cp.responses(at);
    expect(responses).toHaveLength(2);
    expect(responses.every((r) => header(r, 'ST') === 'urn:schemas-upnp-org:service:ConnectionManager:1')).toBe(true);
    expect(new Set(responses.map((r) => header(r, 'USN')?.split('::')[0])).size).toBe(2);

    at = await cp.search({ st: 'urn:example-com:device:Lamp:2', mx: 1 });
    await advance(1000 + TRANSIT_MS);
    expect(cp.responses(at).map((r) => header(r, 'ST'))).toEqual(['urn:example-com:device:Lamp:2']);
  });

  it('answers uuid: and upnp:rootdevice searches once', async () => {
    const lab = createLab({ device: { config: TREE } });
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    const member = lab.device.fleet!.members[0]!;
    const embedded = member.description.device.devices[0]!.udn;
    let at = await cp.search({ st: embedded.toUpperCase().replace('UUID:', 'uuid:'), mx: 1 });
    await advance(1000 + TRANSIT_MS);
    expect(cp.responses(at).map((r) => header(r, 'USN'))).toEqual([embedded]);
    at = await cp.search({ st: 'upnp:rootdevice', mx: 1 });
    await advance(1000 + TRANSIT_MS);
    expect(cp.responses(at).map((r) => header(r, 'USN'))).toEqual([`${member.udn}::upnp:rootdevice`]);
    at = await cp.search({ st: 'uuid:00000000-0000-4000-8000-000000000000', mx: 1 });
    await advance(1000 + TRANSIT_MS);
    expect(cp.responses(at)).toHaveLength(0);
  });

  it('writes UDA response headers with LOCATION on the arrival interface of a multi-homed device', async () => {
    const lab = createLab({
      deviceInterfaces: [
        { name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' },
        { name: 'eth1', link: 'lab', ipv4: '192.168.7.2/24' },
      ],
    });
    const onLan = await lab.controlPoint('cp', CP);
    const onLab = await lab.controlPoint('cp2', { name: 'eth0', link: 'lab', ipv4: '192.168.7.9/24' });
    await lab.start();
    const at = await onLab.search({ st: 'upnp:rootdevice', mx: 1 });
    await onLan.search({ st: 'upnp:rootdevice', mx: 1 });
    await advance(1000 + TRANSIT_MS);
    const [labAnswer] = onLab.responses(at);
    const [lanAnswer] = onLan.responses(at);
    const member = lab.device.fleet!.members[0]!;
    expect(labAnswer!.datagram.remote.address).toBe('192.168.7.2');
    expect(header(labAnswer!, 'LOCATION')).toMatch(new RegExp(`^http://192\\.168\\.7\\.2:\\d+${member.path}$`));
    expect(header(lanAnswer!, 'LOCATION')).toMatch(new RegExp(`^http://10\\.0\\.0\\.2:\\d+${member.path}$`));
    expect(labAnswer!.message!.headers.map((h) => h.name)).toEqual([
      'CACHE-CONTROL',
      'DATE',
      'EXT',
      'LOCATION',
      'SERVER',
      'ST',
      'USN',
      'BOOTID.UPNP.ORG',
      'CONFIGID.UPNP.ORG',
    ]);
    expect(header(labAnswer!, 'SERVER')).toBe('Linux/6.1 UPnP/2.0 ssdp-device/0.1.0');
    expect(header(labAnswer!, 'BOOTID.UPNP.ORG')).toBe(String(lab.device.bootId));
    expect(header(labAnswer!, 'CONFIGID.UPNP.ORG')).toBe(String(member.configId));
    expect(header(labAnswer!, 'CACHE-CONTROL')).toBe('max-age=1800');
    // And the description is really served there.
    const fetched = lab.http.fetch(header(labAnswer!, 'LOCATION')!);
    expect(fetched?.status).toBe(200);
    expect(fetched?.body).toContain(`<UDN>${member.udn}</UDN>`);
  });

  it('adds SEARCHPORT.UPNP.ORG when it listens on another port than 1900', async () => {
    const lab = createLab({ device: { port: 50123 } });
    const cp = await lab.controlPoint('cp', CP);
    await lab.start();
    const at = await cp.search({ st: 'upnp:rootdevice', mx: 1, host: '239.255.255.250:50123' });
    await advance(1000 + TRANSIT_MS);
    expect(header(cp.responses(at)[0]!, 'SEARCHPORT.UPNP.ORG')).toBe('50123');
  });
});
