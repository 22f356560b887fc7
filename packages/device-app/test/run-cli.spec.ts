import { createMemoryTransport } from '@ssdp/transport/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { options } from '../src/cli-arguments.ts';
import { runCli } from '../src/run-cli.ts';
import { version } from '../src/version.ts';
import { createMemoryRuntime } from './support/memory-runtime.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) }, out, err };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ssdp-device command line', () => {
  it('prints help listing every flag on --help and exits 0', async () => {
    const { io, out } = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    const help = out.join('\n');
    expect(help).toContain('Usage: ssdp-device');
    for (const name of Object.keys(options)) expect(help).toContain(`--${name}`);
  });

  it('prints the version', async () => {
    const { io, out } = capture();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(out).toEqual([version]);
  });

  it('rejects an unknown flag with one line and exit code 2', async () => {
    const { io, out, err } = capture();
    expect(await runCli(['--bogus'], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^ssdp-device: .*bogus/);
  });

  it.each([
    [['--port', '0'], '--port: expected an integer in 1..65535'],
    [['--port', 'abc'], '--port: expected an integer in 1..65535'],
    [['--http-port', '70000'], '--http-port: expected an integer in 0..65535'],
    [['--count', '0'], '--count: expected an integer in 1..10000'],
    [['--count', '10001'], '--count: expected an integer in 1..10000'],
    [['--max-age', '5'], '--max-age: expected an integer in 10..604800'],
    [['--type', 'Basic'], '--type: expected a URN like urn:schemas-upnp-org:device:Name:1'],
    [
      ['--type', 'urn:schemas-upnp-org:service:Basic:1'],
      '--type: expected a URN like urn:schemas-upnp-org:device:Name:1',
    ],
    [['--uuid', 'not-a-uuid'], '--uuid: expected a UUID like 2fac1234-31f8-11b4-a222-08002b34c003'],
    [['--profile', 'dlna'], '--profile: expected upnp or legacy'],
    [['--broadcast', '10.0.0.255'], '--broadcast: only with --profile legacy'],
    [
      ['--profile', 'legacy', '--broadcast', 'nope'],
      '--broadcast: expected an IPv4 broadcast address like 192.168.0.255',
    ],
    [['--duration', '0'], '--duration: expected a number of seconds > 0'],
    [['--duration=-1'], '--duration: expected a number of seconds > 0'],
    [['--name', ''], '--name: must not be empty'],
    [['--interface', ''], '--interface: expected a name, an address or all'],
    [['--ttl', '0'], '--ttl: expected an integer in 1..255'],
    [['--source-rate', 'x'], '--source-rate: expected an integer in 1..1000000'],
    [['--max-amplification=-1'], '--max-amplification: expected a number in 0..1000000 (0 turns it off)'],
  ])('rejects %j with one line naming the flag, exit 2', async (argv, message) => {
    const { io, out, err } = capture();
    expect(await runCli(argv, io, createMemoryRuntime().runtime)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(`ssdp-device: ${message}`);
    expect(err[0]).not.toContain('\n');
  });

  const SERVICE = {
    serviceType: 'urn:schemas-upnp-org:service:SwitchPower:1',
    serviceId: 'urn:upnp-org:serviceId:SwitchPower',
  };
  it.each([
    ['{', /^ssdp-device: config device\.json: not valid JSON: /],
    [
      JSON.stringify({ device: { services: [{ ...SERVICE, serviceType: 'SwitchPower' }] } }),
      /^ssdp-device: config device\.json: device\.services\[0\]\.serviceType: expected a URN like urn:schemas-upnp-org:service:Name:1$/,
    ],
    [
      JSON.stringify({ device: { deviceType: 'urn:x:device' } }),
      /^ssdp-device: config device\.json: device\.deviceType: expected a URN like urn:schemas-upnp-org:device:Name:1$/,
    ],
    [
      JSON.stringify({ device: { friendlyNme: 'x' } }),
      /^ssdp-device: config device\.json: device\.friendlyNme: unknown field$/,
    ],
    [
      JSON.stringify({ device: { devices: [{ friendlyName: 'child' }] } }),
      /^ssdp-device: config device\.json: device\.devices\[0\]\.deviceType: required$/,
    ],
    [JSON.stringify({ device: { uuid: 'x' } }), /^ssdp-device: config device\.json: device\.uuid: expected a UUID/],
    [
      JSON.stringify({ device: { friendlyName: 'x'.repeat(65) } }),
      /^ssdp-device: config device\.json: device\.friendlyName: must be at most 64 characters$/,
    ],
    [
      JSON.stringify({ device: { services: [{ ...SERVICE, serviceId: 'SwitchPower' }] } }),
      /^ssdp-device: config device\.json: device\.services\[0\]\.serviceId: expected a service id/,
    ],
    [
      JSON.stringify({
        device: { icons: [{ mimetype: 'image/png', width: 48, height: 48, depth: 24.5, url: '/i.png' }] },
      }),
      /^ssdp-device: config device\.json: device\.icons\[0\]\.depth: /,
    ],
    [
      JSON.stringify({
        device: {
          uuid: '2fac1234-31f8-11b4-a222-08002b34c003',
          devices: [{ deviceType: 'urn:a-b:device:X:1', uuid: '2fac1234-31f8-11b4-a222-08002b34c003' }],
        },
      }),
      /^ssdp-device: config device\.json: device\.devices\[0\]\.uuid: same UUID as device$/,
    ],
    [
      JSON.stringify([]),
      /^ssdp-device: config device\.json: expected an object like \{"device": \{\.\.\.\}\}, got an array$/,
    ],
    [
      JSON.stringify({ device: { deviceType: 42 } }),
      /^ssdp-device: config device\.json: device\.deviceType: expected a string \(a URN like urn:schemas-upnp-org:device:Name:1\), got a number$/,
    ],
    [JSON.stringify({}), /^ssdp-device: config device\.json: device: required$/],
    [JSON.stringify({ device: {}, extra: 1 }), /^ssdp-device: config device\.json: extra: unknown field$/],
  ])('rejects a bad config (%s) with one line naming the field, exit 2', async (text, pattern) => {
    const { io, out, err } = capture();
    const memory = createMemoryRuntime({ 'device.json': text });
    expect(await runCli(['--config', 'device.json'], io, memory.runtime)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(pattern);
    expect(memory.transportOptions).toHaveLength(0); // nothing was bound
  });

  it('reports a missing config file in one line', async () => {
    const { io, err } = capture();
    expect(await runCli(['--config', 'missing.json'], io, createMemoryRuntime().runtime)).toBe(2);
    expect(err).toEqual(['ssdp-device: config missing.json: cannot read (ENOENT)']);
  });

  it('reports startup errors (unwritable state dir, port in use, unknown interface) in one line, exit 2', async () => {
    const unwritable = createMemoryRuntime();
    unwritable.stateStore.failSaves = true;
    let run = capture();
    expect(await runCli([], run.io, unwritable.runtime)).toBe(2);
    expect(run.err).toEqual(['ssdp-device: cannot write state dir memory: EACCES']);

    const busy = createMemoryRuntime();
    busy.network.host('device').occupyPort('127.0.0.1', 1900);
    run = capture();
    expect(await runCli([], run.io, busy.runtime)).toBe(2);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(
      /^ssdp-device: SSDP_ERR_PORT_IN_USE: bind 127\.0\.0\.1:1900: port already in use \(.*minissdpd/,
    );

    run = capture();
    expect(await runCli(['--interface', 'eth9'], run.io, createMemoryRuntime().runtime)).toBe(2);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(/^ssdp-device: SSDP_ERR_UNKNOWN_INTERFACE: no interface named or addressed "eth9"/);
  });

  it('runs with --json for --duration seconds, answering searches, then stops cleanly with exit 0', async () => {
    vi.useFakeTimers();
    const memory = createMemoryRuntime();
    const { io, out, err } = capture();
    const exit = runCli(['--json', '--duration', '3', '--name', 'Kitchen', '--count', '2'], io, memory.runtime);
    await vi.advanceTimersByTimeAsync(500);
    // A search on loopback from another socket of the same host.
    const cp = createMemoryTransport(
      { port: 1900, unicastPort: 0, joinGroup: false },
      { network: memory.network, host: 'device' },
    );
    await cp.start();
    await cp.send(
      new TextEncoder().encode(
        'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: upnp:rootdevice\r\nUSER-AGENT: Test/1 UPnP/2.0 cp/1\r\n\r\n',
      ),
      { kind: 'multicast', interfaceId: cp.interfaces[0]!.id },
    );
    await vi.advanceTimersByTimeAsync(3000);
    expect(await exit).toBe(0);
    const events = out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ event: 'started', count: 2, port: 1900, profile: 'upnp' });
    expect(typeof events[0]!['time']).toBe('string');
    expect((events[0]!['devices'] as { friendlyName: string }[]).map((d) => d.friendlyName)).toEqual([
      'Kitchen #1',
      'Kitchen #2',
    ]);
    const names = new Set(events.map((e) => e['event']));
    for (const name of ['started', 'alive-sent', 'search-received', 'response-sent', 'byebye-sent', 'stopped'])
      expect(names).toContain(name);
    expect(events.at(-1)).toMatchObject({ event: 'stopped', reason: 'duration' });
    expect(events.filter((e) => e['event'] === 'response-sent')).toHaveLength(2);
    expect(events.find((e) => e['event'] === 'search-received')).not.toHaveProperty('raw');
    expect(err).toEqual([
      'ssdp-device: listening on loopback only; use --interface all (or a name/address) to use the LAN',
    ]);
    expect(memory.stateDirs).toEqual(['/state/ssdp-device']);
    expect(memory.transportOptions[0]).toMatchObject({ port: 1900 });
    expect(memory.transportOptions[0]).not.toHaveProperty('interfaces');
  });

  it('stops on the first signal with byebyes and prints human lines', async () => {
    vi.useFakeTimers();
    const memory = createMemoryRuntime();
    const { io, out } = capture();
    const exit = runCli(
      ['--profile', 'legacy', '--port', '41337', '--state-dir', '/tmp/x', '--interface', 'eth0'],
      io,
      memory.runtime,
    );
    await vi.advanceTimersByTimeAsync(1000);
    memory.signal('SIGTERM');
    await vi.advanceTimersByTimeAsync(1000);
    expect(await exit).toBe(0);
    expect(out[0]).toMatch(
      /^ssdp-device: "ssdp-device on testhost" uuid:[0-9a-f-]{36} \(legacy, port 41337, BOOTID 1, 3 advertisements\)$/,
    );
    expect(out[1]).toMatch(/^ {2}on eth0\/IPv4 10\.0\.0\.2: http:\/\/10\.0\.0\.2:\d+\/devices\/.*\/description\.xml$/);
    expect(out.at(-1)).toMatch(
      /^stopped \(SIGTERM\) after \d+\.\d\d s: 0 searches, 0 responses, 9 alive, 3 byebye, 0 updates, \d+ other messages ignored; dropped: none; kernel-drops 0$/,
    );
    expect(memory.transportOptions[0]).toMatchObject({
      port: 41337,
      broadcast: true,
      joinGroup: false,
      families: ['IPv4'],
      interfaces: ['eth0'],
    });
    expect(memory.stateDirs).toEqual(['/tmp/x']);
    const byebyes = memory.network.log.filter((r) => new TextDecoder().decode(r.bytes).includes('ssdp:byebye'));
    expect(byebyes.map((r) => r.to)).toEqual(Array(3).fill({ address: '10.0.0.255', port: 41337 }));
  });
});
