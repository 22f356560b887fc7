// --mqtt and --from-mqtt against the in-memory broker of @ssdp/mqtt-bridge/testing, with real timers (the broker
// and the memory network both run on them).
import type { HttpGet } from '@ssdp/control-point';
import { createFakeDevice } from '@ssdp/control-point/testing';
import { FakeBroker } from '@ssdp/mqtt-bridge/testing';
import { createSystemClock } from '@ssdp/runtime';
import type { TransportOptions } from '@ssdp/transport';
import { MemoryNetwork, createMemoryTransport, seededRandom } from '@ssdp/transport/testing';
import { describe, expect, it, vi } from 'vitest';
import type { CliIo } from '@ssdp/cli-kit';
import { runCli, type CliComponents } from '../src/run-cli.ts';

const UUID = '2fac1234-31f8-11b4-a222-08002b34c003';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
  return { io, out, err, events: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function world(broker: FakeBroker, env: Record<string, string> = {}) {
  const network = new MemoryNetwork();
  network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
  network.addHost('dev1', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
  const documents = new Map<string, string>();
  const httpGet: HttpGet = ({ url }) =>
    Promise.resolve({
      status: documents.has(url.href) ? 200 : 404,
      header: () => undefined,
      body: (async function* () {
        const body = documents.get(url.href);
        if (body !== undefined) yield new TextEncoder().encode(body);
      })(),
    });
  const shutdown = new AbortController();
  const components: CliComponents = {
    createTransport: (options: TransportOptions) =>
      createMemoryTransport({ ...options, families: ['IPv4'] }, { network, host: 'cp' }),
    clock: createSystemClock(),
    random: seededRandom(3),
    httpGet,
    shutdown: shutdown.signal,
    os: { type: 'Linux', release: '6.1.0-test' },
    mqtt: { connect: broker.connect, env },
  };
  return { network, documents, shutdown, components };
}

describe('ssdp-controller --mqtt', () => {
  it('publishes the registry as retained JSON (the --json device plus site), clears a device that leaves, reports the state', async () => {
    const broker = new FakeBroker();
    const { network, documents, shutdown, components } = world(broker);
    const device = createFakeDevice({ network, host: 'dev1', uuid: UUID, friendlyName: 'Porch Light' });
    await device.start();
    documents.set(device.location, device.descriptionXml());
    const { io, err, events } = capture();
    const exit = runCli(
      ['--json', '--interface', 'eth0', '--mx', '1', '--mqtt', 'mqtt://broker.test', '--site', 'porch'],
      io,
      components,
    );
    const topic = `ssdp/porch/devices/uuid:${UUID}`;
    await vi.waitFor(
      () =>
        expect(JSON.parse(broker.retained.get(topic) ?? '{}')).toMatchObject({
          friendlyName: 'Porch Light',
          site: 'porch',
        }),
      { timeout: 5000 },
    );
    const latest = events()
      .filter((e) => e['udn'] === `uuid:${UUID}`)
      .at(-1)!;
    const { event: _event, time: _time, changes: _changes, ...fields } = latest;
    expect(JSON.parse(broker.retained.get(topic)!)).toEqual({ ...fields, site: 'porch' });
    expect(broker.retained.get('ssdp/porch/status')).toBe('online');
    expect(
      events()
        .filter((e) => e['event'] === 'mqtt-state')
        .map((e) => e['state']),
    ).toEqual(['connecting', 'connected']);
    expect(events().find((e) => e['state'] === 'connected')).toMatchObject({
      url: 'mqtt://broker.test:1883',
      site: 'porch',
      connects: 1,
    });

    await device.byebye();
    await vi.waitFor(() => expect(broker.retained.has(topic)).toBe(false));
    shutdown.abort();
    expect(await exit).toBe(0);
    expect(broker.retained.get('ssdp/porch/status')).toBe('offline');
    expect(err.filter((l) => l.includes('mqtt'))).toEqual([]);
    // The last --json line, the stats, carries the connection as it was during the run.
    expect(events().at(-1)).toMatchObject({
      event: 'stats',
      mqtt: { state: 'connected', url: 'mqtt://broker.test:1883', connects: 1 },
    });
  });

  it('takes credentials from SSDP_MQTT_USERNAME/SSDP_MQTT_PASSWORD; refused ones end the run with one line and exit 2', async () => {
    const broker = new FakeBroker();
    broker.credentials = { username: 'alice', password: 'secret' };
    const good = world(broker, { SSDP_MQTT_USERNAME: 'alice', SSDP_MQTT_PASSWORD: 'secret' });
    const ok = capture();
    const running = runCli(
      ['--interface', 'eth0', '--mqtt', 'mqtt://broker.test', '--site', 'a', '--verbose'],
      ok.io,
      good.components,
    );
    await vi.waitFor(() => expect(broker.retained.get('ssdp/a/status')).toBe('online'));
    expect(ok.err).toContain('ssdp-controller: mqtt connected mqtt://broker.test:1883 (site a)');
    good.shutdown.abort();
    expect(await running).toBe(0);
    expect(ok.err.at(-1)).toMatch(/, mqtt connected \(mqtt:\/\/broker\.test:1883, 1 connect\)$/);

    const bad = world(broker, { SSDP_MQTT_USERNAME: 'alice', SSDP_MQTT_PASSWORD: 'wrong' });
    const refused = capture();
    expect(
      await runCli(['--interface', 'eth0', '--mqtt', 'mqtt://broker.test', '--site', 'b'], refused.io, bad.components),
    ).toBe(2);
    expect(refused.err).toEqual([
      'ssdp-controller: mqtt://broker.test:1883 refused the connection: not authorized (CONNACK 5); check the user name and password (SSDP_MQTT_USERNAME / SSDP_MQTT_PASSWORD)',
    ]);
  });

  it('rejects wrong MQTT flags with one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--mqtt', 'mqtt://a', '--from-mqtt', 'mqtt://b'], /--mqtt and --from-mqtt do not go together/],
      [['--site', 'x'], /--site needs --mqtt or --from-mqtt/],
      [['--mqtt', 'mqtt://a', '--mqtt-ca', 'ca.pem'], /--mqtt-ca needs an mqtts:\/\/ URL/],
      [['--mqtt', 'mqtt://me:pw@a'], /--mqtt: broker URL carries credentials/],
      [['--mqtt', 'http://a'], /--mqtt: broker URL scheme must be mqtt: or mqtts:/],
      [['--from-mqtt', 'mqtt://a', '--once'], /--from-mqtt does not go with --once/],
      [['--from-mqtt', 'mqtt://a', '--web', '8080'], /--web does not go with --once or --from-mqtt/],
      [['--mqtt', 'mqtt://a', '--site', '+'], /site must be one MQTT topic level/],
      [['--mqtt', 'mqtt://a', '--mqtt-topic', 'a/#'], /topic prefix must be/],
    ];
    for (const [argv, pattern] of cases) {
      const { io, err } = capture();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(err, argv.join(' ')).toHaveLength(1);
      expect(err[0]).toMatch(pattern);
    }
    const { io, err } = capture();
    expect(
      await runCli(
        ['--mqtt', 'mqtts://a', '--mqtt-ca', '/nonexistent/ca.pem', '--interface', 'eth0'],
        io,
        world(new FakeBroker()).components,
      ),
    ).toBe(2);
    expect(err).toEqual(['ssdp-controller: --mqtt-ca: cannot read /nonexistent/ca.pem (ENOENT)']);
  });
});

describe('ssdp-controller --from-mqtt', () => {
  it('shows every site with --json: devices tagged with their site, site status, removal', async () => {
    const broker = new FakeBroker();
    const device = (udn: string, name: string) =>
      JSON.stringify({
        udn,
        address: '10.0.0.9',
        locations: [],
        usns: [udn],
        friendlyName: name,
        deviceType: null,
        server: null,
      });
    broker.retained.set('ssdp/east/devices/uuid:e1', device('uuid:e1', 'East Lamp'));
    broker.retained.set('ssdp/west/devices/uuid:w1', device('uuid:w1', 'West TV'));
    broker.retained.set('ssdp/east/status', 'online');
    broker.retained.set('ssdp/west/status', 'offline');
    const { shutdown, components } = world(broker);
    const { io, events, err } = capture();
    const exit = runCli(['--from-mqtt', 'mqtt://broker.test', '--json'], io, components);
    await vi.waitFor(() => expect(events().filter((e) => e['event'] === 'device-added')).toHaveLength(2));
    expect(
      events()
        .filter((e) => e['event'] === 'device-added')
        .map((e) => `${String(e['site'])} ${String(e['friendlyName'])}`)
        .sort(),
    ).toEqual(['east East Lamp', 'west West TV']);
    expect(
      events()
        .filter((e) => e['event'] === 'site-status')
        .map((e) => `${String(e['site'])} ${String(e['status'])}`)
        .sort(),
    ).toEqual(['east online', 'west offline']);
    broker.route(undefined, 'ssdp/east/devices/uuid:e1', '', true);
    await vi.waitFor(() =>
      expect(events().at(-1)).toMatchObject({
        event: 'device-removed',
        reason: 'cleared',
        site: 'east',
        udn: 'uuid:e1',
      }),
    );
    shutdown.abort();
    expect(await exit).toBe(0);
    expect(err).toEqual([]);
  });

  it('--watch: the table names each device @site, and says when its site is offline', async () => {
    const broker = new FakeBroker();
    broker.retained.set(
      'ssdp/east/devices/uuid:e1',
      JSON.stringify({
        udn: 'uuid:e1',
        address: '10.0.0.9',
        locations: [],
        usns: [],
        friendlyName: 'East Lamp',
        deviceType: null,
        describe: 'described',
      }),
    );
    broker.retained.set(
      'ssdp/west/devices/uuid:w1',
      JSON.stringify({
        udn: 'uuid:w1',
        address: '10.0.0.8',
        locations: [],
        usns: [],
        friendlyName: 'West TV',
        deviceType: null,
        describe: 'described',
      }),
    );
    broker.retained.set('ssdp/east/status', 'online');
    broker.retained.set('ssdp/west/status', 'offline');
    const { shutdown, components } = world(broker);
    let screen = '';
    const io: CliIo = {
      stdout: () => undefined,
      stderr: () => undefined,
      terminal: { write: (text) => void (screen += text), columns: 200 },
    };
    const exit = runCli(['--from-mqtt', 'mqtt://broker.test', '--watch'], io, components);
    await vi.waitFor(
      () => {
        const frame = screen.slice(screen.lastIndexOf('\x1b[H'));
        expect(frame).toContain('East Lamp @east ');
        expect(frame).toContain('West TV @west (site offline)');
      },
      { timeout: 3000 },
    );
    shutdown.abort();
    expect(await exit).toBe(0);
  });

  it('shows one site in human lines, tagged with @site', async () => {
    const broker = new FakeBroker();
    broker.retained.set(
      'ssdp/east/devices/uuid:e1',
      JSON.stringify({
        udn: 'uuid:e1',
        address: '10.0.0.9',
        locations: [],
        usns: [],
        friendlyName: 'East Lamp',
        deviceType: null,
      }),
    );
    broker.retained.set(
      'ssdp/west/devices/uuid:w1',
      JSON.stringify({
        udn: 'uuid:w1',
        address: '10.0.0.8',
        locations: [],
        usns: [],
        friendlyName: 'West TV',
        deviceType: null,
      }),
    );
    const { shutdown, components } = world(broker);
    const { io, out } = capture();
    const exit = runCli(['--from-mqtt', 'mqtt://broker.test', '--site', 'east', '--duration', '0.5'], io, components);
    expect(await exit).toBe(0);
    shutdown.abort();
    expect(out).toEqual(['device-added    10.0.0.9  "East Lamp"  -  uuid:e1  @east']);
  });
});
